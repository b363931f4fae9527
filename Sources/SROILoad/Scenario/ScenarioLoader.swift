import Crypto
import Foundation
import SROICore
import Yams

/// The version of the scenario file format this engine reads.
public let scenarioSchema = "sroi-scenario/1"

/// A file that went into an evaluation, with the SHA-256 of its bytes.
public struct InputFile: Sendable, Equatable {
    public enum Role: String, Sendable {
        case scenario
        case model
        case conformanceCase = "conformance_case"
        /// A chapter of the report, in Markdown.
        case chapter
    }

    /// The path as the user gave it, or relative to the scenario for the models it uses.
    public var path: String
    public var role: Role
    public var sha256: String
}

/// A validated scenario, the files it was read from, and the warnings found on the way.
public struct LoadedScenario: Sendable {
    public var scenario: Scenario
    public var models: ModelLibrary
    public var files: [InputFile]
    public var warnings: [Diagnostic]
}

/// Turns a scenario file and the value models it uses into a validated ``Scenario``.
public struct ScenarioLoader: Sendable {
    /// A directory that relative paths are read from, while being named as given; `nil` for the
    /// working directory. An audit bundle is read this way, so its figures name its own files.
    public var root: String?

    public init(root: String? = nil) {
        self.root = root
    }

    /// Loads and validates. Throws ``ValidationFailure`` with every problem found in the
    /// scenario and its models; nothing is returned unless the whole scenario is sound.
    public func load(path: String) throws(ValidationFailure) -> LoadedScenario {
        var files: [InputFile] = []
        let data: Data
        switch readFile(path, role: .scenario, into: &files) {
        case .success(let bytes): data = bytes
        case .failure(let error):
            throw ValidationFailure([
                Diagnostic(
                    code: .file, at: SourceLocation(file: path, line: 1, column: 1), field: "(file)",
                    message: error.reason)
            ])
        }
        let text: String
        do {
            text = try InputFiles.text(data, path: path)
        } catch {
            throw ValidationFailure([
                Diagnostic(
                    code: error.line == nil ? .file : .notUTF8,
                    at: SourceLocation(file: path, line: error.line ?? 1, column: error.column ?? 1), field: "(file)",
                    message: error.reason)
            ])
        }
        return try load(text: text, file: path, directory: (path as NSString).deletingLastPathComponent, files: files)
    }

    /// Loads scenario text as if read from `file`; model paths resolve against `directory`.
    public func load(text: String, file: String, directory: String, files: [InputFile] = []) throws(ValidationFailure)
        -> LoadedScenario
    {
        var files = files
        let reader = DocumentReader(file: file)
        var diagnostics: [Diagnostic] = []
        var library = ModelLibrary()
        var scenario: Scenario?
        if let root = reader.parse(text) {
            var builder = ScenarioBuilder(reader: reader)
            let chapters = ChapterFiles(loader: self, directory: directory)
            builder.chapterFile = chapters.read
            if let declared = builder.readHeader(root) {
                for use in declared.uses {
                    loadModel(
                        use, relativeTo: directory, reader: reader, library: &library, files: &files,
                        diagnostics: &diagnostics)
                }
                scenario = builder.readBody(declared, library: library)
                files += chapters.files
            }
        }
        diagnostics += reader.diagnostics
        if let scenario, !diagnostics.containsErrors {
            diagnostics += ScenarioValidator(requiresRecordedQuantities: false).diagnose(scenario)
        } else if let scenario {
            // Report range and reference problems too, so one run lists everything it can.
            diagnostics += ScenarioValidator(requiresRecordedQuantities: false).diagnose(scenario).filter {
                $0.severity == .error
            }
        }
        guard let scenario, !diagnostics.containsErrors else { throw ValidationFailure(diagnostics) }
        return LoadedScenario(scenario: scenario, models: library, files: files, warnings: diagnostics)
    }

    private func loadModel(
        _ declared: ScenarioBuilder.ModelUse, relativeTo directory: String, reader: DocumentReader,
        library: inout ModelLibrary, files: inout [InputFile], diagnostics: inout [Diagnostic]
    ) {
        let use = declared.path
        let joined =
            directory.isEmpty || use.value.hasPrefix("/")
            ? use.value : (directory as NSString).appendingPathComponent(use.value)
        // The file system resolves `..` and links when the file is opened, so the name given to
        // the file is resolved the same way; inside a bundle, names stay as written.
        let display =
            root == nil ? (InputFiles.canonicalName(joined) ?? Self.normalized(joined)) : Self.normalized(joined)
        let read = readFile(display, role: .model, into: &files)
        guard case .success(let data) = read else {
            if let model = declared.suppliedModel, let note = declared.note {
                // Reported where its entries are used, so the user sees exactly what is needed.
                library.missing[model] = MissingModel(id: model, path: display, note: note, location: use.location)
                return
            }
            let reason: String
            if case .failure(let error) = read { reason = error.reason } else { reason = "cannot be read" }
            reader.error(
                code: .file, use.location, "uses", "the model file \(reason)", found: UserText.clip(display),
                allowed: "a path relative to the scenario file")
            return
        }
        let modelReader = DocumentReader(file: display)
        let text: String
        do {
            text = try InputFiles.text(data, path: display)
        } catch {
            reader.error(
                code: .file, use.location, "uses", "the model file \(error.description)", found: UserText.clip(display))
            return
        }
        if let root = modelReader.parse(text) {
            ModelFileReader(reader: modelReader).read(root, into: &library)
        }
        diagnostics += modelReader.diagnostics
    }

    /// Removes `.` and `dir/..` segments lexically, so that a model used as
    /// `../../Models/x.yaml` from `Scenarios/a/s.yaml` is named `Models/x.yaml`.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// Reads the chapters a scenario names, keeping each file with its hash.
    final class ChapterFiles {
        let loader: ScenarioLoader
        let directory: String
        var files: [InputFile] = []

        init(loader: ScenarioLoader, directory: String) {
            self.loader = loader
            self.directory = directory
        }

        func read(_ name: String) -> Result<String, InputFiles.ReadError> {
            let joined =
                directory.isEmpty || name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
            let display = ScenarioLoader.normalized(joined)
            switch loader.readFile(display, role: .chapter, into: &files) {
            case .failure(let error): return .failure(error)
            case .success(let data):
                do {
                    return .success(try InputFiles.text(data, path: display))
                } catch {
                    return .failure(InputFiles.ReadError(path: display, reason: error.reason))
                }
            }
        }
    }

    /// The file's bytes, recorded with their hash, or why it cannot be read.
    fileprivate func readFile(_ path: String, role: InputFile.Role, into files: inout [InputFile]) -> Result<
        Data, InputFiles.ReadError
    > {
        let data: Data
        do {
            if let root {
                data = try InputFiles.read(path, within: root)
            } else {
                data = try InputFiles.read(path)
            }
        } catch {
            return .failure(error)
        }
        files.append(InputFile(path: path, role: role, sha256: FileDigest.sha256(data)))
        return .success(data)
    }
}

/// SHA-256 digests of file contents, as lowercase hex.
public enum FileDigest {
    public static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of a regular file, read a megabyte at a time however large it is.
    public static func sha256(fileAt path: String) throws(InputFiles.ReadError) -> String {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            let handle = FileHandle(forReadingAtPath: path)
        else { throw InputFiles.ReadError(path: path, reason: "is not a regular file that can be read") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 20)
            } catch {
                throw InputFiles.ReadError(path: path, reason: "could not be read to its end: \(error)")
            }
            // Foundation gives nil or no bytes at the end, depending on the platform.
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
