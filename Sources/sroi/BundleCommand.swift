import ArgumentParser
import Crypto
import Foundation
import SROICore
import SROIData
import SROILoad
import SROIReport

/// The audit bundle: everything a funder needs to check the figures without trusting us.
enum AuditBundle {
    static let format = "sroi-bundle/1"
    static let manifestName = "manifest.json"
    static let blankHash = String(repeating: "0", count: 64)

    struct Entry {
        var path: String
        var role: String
        var sha256: String
    }

    static func sha256(_ data: Data) -> String { FileDigest.sha256(data) }

    /// The manifest, with its own hash over the text in which that hash is 64 zeros.
    static func manifest(entries: [Entry], scenario: String, data: String?) -> String {
        func render(_ selfHash: String) -> String {
            JSON.members([
                ("format", .string(format)),
                ("engine", .object([("name", .string(Engine.name)), ("version", .string(Engine.version))])),
                ("scenario", .string(scenario)),
                ("data", data.map(JSON.string) ?? .null),
                (
                    "files",
                    .array(
                        entries.sorted { $0.path < $1.path }.map {
                            .object([
                                ("path", .string($0.path)), ("role", .string($0.role)), ("sha256", .string($0.sha256)),
                            ])
                        })
                ),
                ("manifest_sha256", .string(selfHash)),
            ]).rendered()
        }
        return render(sha256(Data(render(blankHash).utf8)))
    }

    /// The outputs recomputed from the inputs inside `root`: results, trace and report files.
    static func outputs(root: String, scenario: String, data: String?) throws -> [(name: String, contents: String)] {
        let loaded = try ScenarioArgument.load(scenario, data: data, root: root)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        let provenance = loaded.provenance
        let input = try ReportInput.prepare(loaded.scenario, evaluation: evaluation, provenance: provenance)
        let sensitivity = input.sensitivity
        var files: [(name: String, contents: String)] = [
            (
                "results/results.json",
                ResultsDocument.results(evaluation, scenario: loaded.scenario, provenance: provenance).rendered()
            ),
            ("results/trace.json", ResultsDocument.trace(evaluation, provenance: provenance).rendered()),
            ("results/report.html", ReportDocuments.html(input)),
            ("results/report.md", ReportDocuments.markdown(input)),
            ("results/impact-map.csv", ReportDocuments.impactMapCSV(input)),
        ]
        if let sensitivity {
            files.append(
                (
                    "results/sensitivity.json",
                    UncertaintyDocuments.sensitivity(sensitivity, scenario: loaded.scenario, provenance: provenance)
                        .rendered()
                ))
        }
        return files
    }

    /// Every regular file below `root`, as paths relative to it.
    static func files(below root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: (root as NSString).appendingPathComponent(path), isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                found.append(path)
            }
        }
        return found.sorted()
    }
}

struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write an audit bundle: scenario, models, recorded data, results, trace, report and a manifest of hashes.",
        discussion: """
            Writes the bundle directory (--out) and the same files as one archive beside it (DIR.tar).
            Anyone can then check it with 'sroi verify', which recomputes every figure from the bundle alone.
            Example:
              sroi bundle Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out bundle/
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard output.out != nil else { throw ValidationError("name the bundle directory with --out DIR") }
    }

    func run() throws {
        let out = (output.out! as NSString).standardizingPath
        let loaded = try scenario.load()
        _ = try loaded.evaluate()
        for file in loaded.files where file.path.hasPrefix("/") || file.path.hasPrefix("..") {
            Terminal.error(
                "error: \(file.path): a bundle holds files below the working directory; run sroi from a directory that contains the scenario and its models"
            )
            throw ExitCode.failure
        }
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: out), !existing.isEmpty {
            Terminal.error(
                "error: \(out) already exists and is not empty; the bundle is written whole into a new directory")
            throw ExitCode.failure
        }
        let manager = FileManager.default
        let staging = out + ".partial-\(getpid())"
        try? manager.removeItem(atPath: staging)
        defer { try? manager.removeItem(atPath: staging) }
        do {
            var entries: [AuditBundle.Entry] = []
            func put(_ relative: String, _ data: Data, role: String) throws {
                let target = (staging as NSString).appendingPathComponent(relative)
                try manager.createDirectory(
                    atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                guard manager.createFile(atPath: target, contents: data) else { throw CocoaError(.fileWriteUnknown) }
                entries.append(AuditBundle.Entry(path: relative, role: role, sha256: AuditBundle.sha256(data)))
            }
            for file in loaded.files {
                try put(
                    "inputs/" + file.path, Data(contentsOf: URL(fileURLWithPath: file.path)), role: file.role.rawValue)
            }
            var dataPath: String?
            if let data = scenario.data {
                dataPath = "data/" + (data as NSString).lastPathComponent
                try put(dataPath!, Data(contentsOf: URL(fileURLWithPath: data)), role: "recorded_data")
            }
            let scenarioPath = "inputs/" + loaded.files[0].path
            for file in try AuditBundle.outputs(root: staging, scenario: scenarioPath, data: dataPath) {
                try put(file.name, Data(file.contents.utf8), role: "output")
            }
            let manifest = AuditBundle.manifest(entries: entries, scenario: scenarioPath, data: dataPath)
            try put(AuditBundle.manifestName, Data(manifest.utf8), role: "manifest")
            let archive = try TarArchive.write(
                AuditBundle.files(below: staging).map {
                    ($0, try Data(contentsOf: URL(fileURLWithPath: (staging as NSString).appendingPathComponent($0))))
                })
            try? manager.removeItem(atPath: out)
            try manager.moveItem(atPath: staging, toPath: out)
            let parent = (out as NSString).deletingLastPathComponent
            try OutputFiles.write(
                [(name: (out as NSString).lastPathComponent + ".tar", data: archive)], to: parent.isEmpty ? "." : parent
            )
            Terminal.write("Wrote \(out)/ (\(entries.count) files) and \(out).tar\n")
        } catch let failure as ValidationFailure {
            Terminal.error(failure.description)
            throw ExitCode.failure
        } catch let error as OutputFiles.WriteError {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        } catch {
            Terminal.error("error: the bundle cannot be written: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check an audit bundle: every file against its hash, then every figure recomputed from the bundle alone.",
        discussion: """
            Exit status: 0 when every file is intact and every figure recomputes to the same bits;
            1 when a file was changed, is missing or is not in the manifest (each is named);
            2 when the files are intact but recomputing gives other figures (another engine version);
            3 when the bundle cannot be read.
            Example:
              sroi verify bundle/
              sroi verify bundle.tar
            """)

    @Argument(help: "A bundle directory, or its .tar archive.")
    var bundle: String

    func run() throws {
        var root = bundle
        var extracted: String?
        defer { if let extracted { try? FileManager.default.removeItem(atPath: extracted) } }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: bundle, isDirectory: &isDirectory) else {
            Terminal.error("error: \(bundle): no such bundle")
            throw ExitCode(3)
        }
        if !isDirectory.boolValue {
            do {
                let files = try TarArchive.read(Data(contentsOf: URL(fileURLWithPath: bundle)))
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "sroi-verify-\(UUID().uuidString)"
                ).path
                for file in files {
                    let target = (directory as NSString).appendingPathComponent(file.path)
                    try FileManager.default.createDirectory(
                        atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    guard FileManager.default.createFile(atPath: target, contents: file.data) else {
                        throw CocoaError(.fileWriteUnknown)
                    }
                }
                extracted = directory
                root = directory
            } catch {
                Terminal.error("error: \(bundle): cannot be read as a bundle archive: \(error)")
                throw ExitCode(3)
            }
        }
        let manifestPath = (root as NSString).appendingPathComponent(AuditBundle.manifestName)
        guard let manifestData = FileManager.default.contents(atPath: manifestPath),
            let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let files = manifest["files"] as? [[String: String]], let scenario = manifest["scenario"] as? String
        else {
            Terminal.write("CHANGED \(AuditBundle.manifestName): not a readable manifest\n")
            throw ExitCode(1)
        }
        var changed: [String] = []
        // The manifest's own hash, over its text with that hash blanked.
        let text = String(decoding: manifestData, as: UTF8.self)
        if let claimed = manifest["manifest_sha256"] as? String {
            let blanked = text.replacingOccurrences(
                of: "\"manifest_sha256\": \"\(claimed)\"", with: "\"manifest_sha256\": \"\(AuditBundle.blankHash)\"")
            if AuditBundle.sha256(Data(blanked.utf8)) != claimed || blanked == text {
                changed.append("CHANGED \(AuditBundle.manifestName): its own hash does not match its contents")
            }
        } else {
            changed.append("CHANGED \(AuditBundle.manifestName): it has no hash of its own")
        }
        var listed: Set<String> = [AuditBundle.manifestName]
        for file in files {
            guard let path = file["path"], let hash = file["sha256"] else { continue }
            listed.insert(path)
            guard let data = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(path))
            else {
                changed.append("MISSING \(path)")
                continue
            }
            let actual = AuditBundle.sha256(data)
            if actual != hash { changed.append("CHANGED \(path): sha256 \(actual), the manifest says \(hash)") }
        }
        for path in AuditBundle.files(below: root) where !listed.contains(path) {
            changed.append("EXTRA \(path): not in the manifest")
        }
        if !changed.isEmpty {
            Terminal.write(changed.joined(separator: "\n") + "\n")
            Terminal.write(
                "\(changed.count) file\(changed.count == 1 ? "" : "s") changed, missing or unlisted; figures not recomputed.\n"
            )
            throw ExitCode(1)
        }
        Terminal.write("\(files.count) files intact.\n")

        let recomputed: [(name: String, contents: String)]
        do {
            recomputed = try AuditBundle.outputs(root: root, scenario: scenario, data: manifest["data"] as? String)
        } catch let failure as ValidationFailure {
            Terminal.error(failure.description)
            throw ExitCode(2)
        } catch {
            Terminal.error("error: the figures cannot be recomputed: \(error)")
            throw ExitCode(2)
        }
        var mismatches = 0
        let trace = recomputed.first { $0.name == "results/trace.json" }!.contents
        let bundled =
            (try? String(
                contentsOfFile: (root as NSString).appendingPathComponent("results/trace.json"), encoding: .utf8)) ?? ""
        let ours = Self.nodeValues(trace)
        let theirs = Self.nodeValues(bundled)
        for (id, value) in ours.sorted(by: { $0.key < $1.key }) where theirs[id] != value {
            Terminal.write("MISMATCH \(id): recomputed \(value), the bundle says \(theirs[id] ?? "nothing")\n")
            mismatches += 1
        }
        for file in recomputed {
            let stored = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(file.name))
            if stored != Data(file.contents.utf8) {
                Terminal.write("MISMATCH \(file.name): recomputed bytes differ\n")
                mismatches += 1
            }
        }
        if mismatches > 0 {
            Terminal.write("\(mismatches) mismatch\(mismatches == 1 ? "" : "es") on recomputation.\n")
            throw ExitCode(2)
        }
        Terminal.write("\(ours.count) figures recomputed from the bundle alone: every one matches, bit for bit.\n")
    }

    /// Each trace node's value as written: nodes open at four spaces, values sit at six.
    static func nodeValues(_ trace: String) -> [String: String] {
        var values: [String: String] = [:]
        var current = ""
        for line in trace.split(separator: "\n") {
            if line.hasPrefix("    \""), !line.hasPrefix("     "), line.hasSuffix("\": {") {
                current = String(line.dropFirst(5).dropLast(4))
            } else if line.hasPrefix("      \"value\": ") {
                values[current] = String(line.dropFirst("      \"value\": ".count).dropLast())
            }
        }
        return values
    }
}
