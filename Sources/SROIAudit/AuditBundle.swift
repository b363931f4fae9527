import Foundation
import SROICore
import SROIData
import SROILoad
import SROIReport
import SROISpreadsheet

/// The audit bundle: everything a funder needs to check the figures without trusting us.
///
/// A bundle is a folder (and the same files as one ustar archive beside it) holding the
/// scenario and its models under `inputs/`, the record store under `data/`, the outputs under
/// `results/`, and `manifest.json`: every file with its SHA-256, and the manifest's own hash
/// over its text with that hash written as 64 zeros.
public enum AuditBundle {
    public static let format = "sroi-bundle/1"
    public static let manifestName = "manifest.json"
    static let blankHash = String(repeating: "0", count: 64)

    public struct Entry: Sendable {
        public var path: String
        public var role: String
        public var sha256: String
    }

    /// Why a bundle was not written. Nothing is left behind when it is thrown.
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    static func sha256(_ data: Data) -> String { FileDigest.sha256(data) }

    /// The file beside the manifest that holds its signature, when the bundle is signed.
    public static let signatureName = "signature.json"
    public static let signatureFormat = "sroi-signature/1"

    /// What the manifest says about where a bundle came from, beside its files.
    struct Origin {
        /// When it was written: `SOURCE_DATE_EPOCH` when set, so a rebuild can be byte for byte.
        var created: Date
        var signer: PublicSigningKey?
        /// The files imported into the grantee's store, as its catalogue records them.
        var sources: [ImportRecord]
        /// The grantee's whole store: its file name, SHA-256 and fingerprint.
        var store: (name: String, sha256: String, fingerprint: String)?
        /// The draws and seed of the simulation, when the bundle holds one.
        var simulation: (draws: Int, seed: UInt64)?
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The manifest, with its own hash over the text in which that hash is 64 zeros.
    static func manifest(entries: [Entry], scenario: String, data: String?, origin: Origin) -> String {
        func render(_ selfHash: String) -> String {
            JSON.members([
                ("format", .string(format)),
                (
                    "engine",
                    .object([
                        ("name", .string(Engine.name)), ("version", .string(Engine.version)),
                        ("build", .string(Engine.build)),
                    ])
                ),
                ("created", .string(timestamp(origin.created))),
                (
                    "signer",
                    origin.signer.map {
                        .object([("name", .string($0.name)), ("key_fingerprint", .string($0.fingerprint))])
                    } ?? .null
                ),
                ("scenario", .string(scenario)),
                ("data", data.map(JSON.string) ?? .null),
                (
                    "grantee_store",
                    origin.store.map {
                        .object([
                            ("file_name", .string($0.name)), ("sha256", .string($0.sha256)),
                            ("fingerprint", .string($0.fingerprint)),
                        ])
                    } ?? .null
                ),
                (
                    "source_files",
                    .array(
                        origin.sources.map {
                            .object([
                                ("dataset", .string($0.dataset)), ("file_name", .string($0.fileName)),
                                ("sha256", .string($0.sha256)), ("rows", .number(Double($0.rows))),
                                ("imported_at", .string($0.importedAt)),
                            ])
                        })
                ),
                (
                    "simulation",
                    origin.simulation.map {
                        .object([("draws", .number(Double($0.draws))), ("seed", .string(String($0.seed)))])
                    } ?? .null
                ),
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

    /// What a funder reads first: what each file is, what was minimised, and what the bundle
    /// does and does not show.
    static func readme(
        _ loaded: LoadedScenario, origin: Origin, records: Records?, minimised: MinimisedRecords?
    ) -> String {
        var lines = [
            "# Audit bundle: \(loaded.scenario.title)", "",
            "Written \(timestamp(origin.created)) by \(Engine.name) \(Engine.version) (\(Engine.build)).",
            origin.signer.map {
                "Signed by \(UserText.clip($0.name)), key fingerprint \($0.fingerprint): check it with `sroi verify --trust` and the public key you were sent."
            } ?? "Unsigned: nothing in the bundle shows who wrote it.", "",
            "## Files", "",
            "- `manifest.json`: every file with its SHA-256, when and by which engine the bundle was written, the files imported into the grantee's record store and that store's hash; `signature.json`, when present, signs it.",
            "- `inputs/`: the scenario, its chapters and the value models it cites.",
            "- `data/`: the recorded data the quantities are read from.",
            "- `results/`: results.json and trace.json (every figure, its formula, inputs, sources and queries), the report (HTML, Markdown and, where printed, PDF), the impact map, the value map workbook, and the sensitivity and simulation results.",
            "",
            "`sroi verify` checks every file against the manifest and recomputes every figure from these files alone. That checks the arithmetic; it is not assurance of the analysis, which the report's principles table states separately.",
            "",
            "## Recorded data", "",
        ]
        switch records {
        case nil:
            lines.append("The scenario reads no recorded data.")
        case .full:
            lines.append(
                "The record store is included whole, personal identifiers and all: this bundle is for use inside the organisation, not for sending out."
            )
        case .minimised:
            lines.append(
                "The record store is a minimised copy: only the rows the scenario's quantities select, only the columns they and the integrity rules read, dates only as fine as the queries use them, personal identifiers replaced by keyed pseudonyms whose key was not kept, and rows sorted by their values and renumbered so that no original line number or order survives. Integrity findings are given as counts."
            )
            lines.append("")
            for (dataset, columns) in (minimised?.columns ?? [:]).sorted(by: { $0.key < $1.key }) {
                var line = "- \(dataset): \(columns.joined(separator: ", "))"
                if let hidden = minimised?.pseudonymised[dataset], !hidden.isEmpty {
                    line += "; pseudonymised: \(hidden.joined(separator: ", "))"
                }
                if let years = minimised?.yearOnlyDates[dataset], !years.isEmpty {
                    line += "; to the start of the year: \(years.joined(separator: ", "))"
                }
                lines.append(line)
            }
            lines += [
                "",
                "Pseudonymised records are still personal data under the UK GDPR and the EU GDPR: keep this bundle as securely as the grantee's own records, use it only to check the figures, and delete it when that is done.",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The signature file of a manifest's exact bytes.
    static func signature(of manifest: Data, by key: SigningKey) throws -> String {
        JSON.members([
            ("format", .string(signatureFormat)), ("algorithm", .string("Ed25519")),
            ("signer", .string(key.name)), ("public_key", .string(key.publicKey.encoded)),
            ("key_fingerprint", .string(key.publicKey.fingerprint)), ("signs", .string(manifestName)),
            ("signature", .string(try key.sign(manifest).base64EncodedString())),
        ]).rendered()
    }

    /// Files a bundle holds that are written from its outputs but not recomputed by `verify`:
    /// their hashes are checked like every file's.
    static let renderingRole = "rendering"

    /// The outputs recomputed from the inputs inside `root`: results, trace, report files, the
    /// value map workbook, sensitivity and the simulation when one is asked for and can be run:
    /// assumptions declare distributions and the ratio is defined (an option costed only as a
    /// business case has no inputs to divide by). Returns the simulation run, if any, with them.
    static func outputs(
        root: String, scenario: String, data: String?, simulation asked: (draws: Int, seed: UInt64)?
    ) throws(ValidationFailure) -> (files: [(name: String, contents: Data)], simulation: (draws: Int, seed: UInt64)?) {
        let loaded = try ScenarioWithRecords.load(scenario, data: data, root: root)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        let provenance = Provenance(loaded)
        let simulation =
            loaded.scenario.uncertainParameters.contains { $0.uncertainty.distribution != nil }
                && evaluation.results.sroiRatio.value.number != nil ? asked : nil
        let input = try ReportInput.prepare(
            loaded.scenario, evaluation: evaluation, provenance: provenance, draws: simulation?.draws,
            seed: simulation?.seed ?? 42)
        let workbook: Data
        do {
            workbook = try WorkbookWriter.data(ValueMapWorkbook.make(input))
        } catch {
            throw ValidationFailure([
                Diagnostic(
                    code: .file, at: nil, field: "value-map.xlsx", message: "the workbook cannot be written: \(error)")
            ])
        }
        var files: [(name: String, contents: Data)] = [
            (
                "results/results.json",
                Data(
                    ResultsDocument.results(evaluation, scenario: loaded.scenario, provenance: provenance)
                        .renderedBytes())
            ),
            ("results/trace.json", Data(ResultsDocument.trace(evaluation, provenance: provenance).renderedBytes())),
            ("results/report.html", Data(ReportDocuments.html(input).utf8)),
            ("results/report.md", Data(ReportDocuments.markdown(input).utf8)),
            ("results/impact-map.csv", Data(ReportDocuments.impactMapCSV(input).utf8)),
            ("results/value-map.xlsx", workbook),
        ]
        if let sensitivity = input.sensitivity {
            files.append(
                (
                    "results/sensitivity.json",
                    Data(
                        UncertaintyDocuments.sensitivity(sensitivity, scenario: loaded.scenario, provenance: provenance)
                            .renderedBytes())
                ))
        }
        if let simulation = input.simulation {
            files.append(
                (
                    "results/simulation.json",
                    Data(
                        UncertaintyDocuments.simulation(simulation, scenario: loaded.scenario, provenance: provenance)
                            .renderedBytes())
                ))
        }
        return (files, simulation)
    }

    /// What of the recorded data a bundle holds.
    public enum Records: String, Sendable, CaseIterable {
        /// Only the columns the scenario reads, personal identifiers as keyed pseudonyms: what a
        /// funder needs to recompute every figure, and no more (GDPR's data minimisation).
        case minimised
        /// The record store as it is, for use inside the organisation.
        case full
    }

    /// Writes the bundle of an evaluated scenario as the folder `out` and the archive `out.tar`,
    /// whole or not at all. `out` must not exist, or be an empty folder; `out.tar` must not exist.
    /// Returns the number of files in the bundle.
    /// How a bundle is written beyond its scenario and data.
    public struct Options: Sendable {
        public var records: Records = .minimised
        /// Signs the manifest when given.
        public var signer: SigningKey?
        /// The simulation's draws, for a scenario whose assumptions declare distributions.
        public var draws = 20_000
        public var seed: UInt64 = 42
        /// Prints the report to PDF with Chromium, when one is installed.
        public var pdf = true
        /// When the bundle was written; `SOURCE_DATE_EPOCH`, when set, fixes it.
        public var created = Options.now()

        public init() {}

        static func now() -> Date {
            if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Int.init) {
                return Date(timeIntervalSince1970: TimeInterval(epoch))
            }
            return Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        }
    }

    public static func write(_ loaded: LoadedScenario, data: String?, to out: String, options: Options = Options())
        throws -> Int
    {
        let records = options.records
        for file in loaded.files where file.path.hasPrefix("/") || file.path.hasPrefix("..") {
            throw WriteError(
                path: file.path,
                reason:
                    "a bundle holds files below the working directory; run sroi from a directory that contains the scenario and its models"
            )
        }
        let archivePath = out + ".tar"
        var status = stat()
        if lstat(out, &status) == 0 {
            let empty = (try? FileManager.default.contentsOfDirectory(atPath: out))?.isEmpty == true
            guard status.st_mode & S_IFMT == S_IFDIR, empty else {
                throw WriteError(
                    path: out,
                    reason: "it already exists; the bundle is written whole into a new folder, and nothing is replaced")
            }
        }
        if lstat(archivePath, &status) == 0 {
            throw WriteError(path: archivePath, reason: "it already exists; nothing is replaced")
        }
        let parent =
            (out as NSString).deletingLastPathComponent.isEmpty ? "." : (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        let marker = "\(OutputFiles.temporaryMarker)\(getpid())-\(UInt32.random(in: 0...UInt32.max))-"
        let staging = (parent as NSString).appendingPathComponent(marker + name)
        let stagedArchive = (parent as NSString).appendingPathComponent(marker + name + ".tar")
        let manager = FileManager.default
        OutputFiles.removeStaleTemporaries(in: parent)
        var moved = false
        defer {
            if !moved { TarArchive.removeTree(staging) }
            unlink(stagedArchive)
        }
        var entries: [Entry] = []
        func put(_ relative: String, _ data: Data, role: String) throws {
            let target = (staging as NSString).appendingPathComponent(relative)
            try manager.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try createFile(target, data)
            entries.append(Entry(path: relative, role: role, sha256: sha256(data)))
        }
        try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
        for file in loaded.files {
            try put("inputs/" + file.path, InputFiles.read(file.path), role: file.role.rawValue)
        }
        var dataPath: String?
        var minimised: MinimisedRecords?
        var origin = Origin(created: options.created, signer: options.signer?.publicKey, sources: [])
        if let data {
            let store = try RecordStore.openForReading(path: data)
            let datasets = try store.datasets()
            origin.sources = datasets.flatMap(\.imports).filter { !$0.fileName.hasPrefix(MinimisedRecords.importNote) }
            origin.store = (
                (data as NSString).lastPathComponent, try FileDigest.sha256(fileAt: data),
                RecordStore.fingerprint(of: datasets)
            )
            dataPath = "data/" + (data as NSString).lastPathComponent
            switch records {
            case .full:
                try put(dataPath!, InputFiles.read(data, limit: InputFiles.recordStoreLimit), role: "recorded_data")
            case .minimised:
                let target = (staging as NSString).appendingPathComponent(dataPath!)
                try manager.createDirectory(
                    atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                minimised = try MinimisedRecords.write(from: store, reading: loaded.scenario, to: target)
                entries.append(
                    Entry(path: dataPath!, role: "recorded_data", sha256: try FileDigest.sha256(fileAt: target)))
            }
        }
        let scenarioPath = "inputs/" + loaded.files[0].path
        let recomputed = try outputs(
            root: staging, scenario: scenarioPath, data: dataPath, simulation: (options.draws, options.seed))
        origin.simulation = recomputed.simulation
        for file in recomputed.files { try put(file.name, file.contents, role: "output") }
        if options.pdf, PDFPrinter.browser() != nil {
            let pdf = "results/report.pdf"
            let target = (staging as NSString).appendingPathComponent(pdf)
            try PDFPrinter.print(html: (staging as NSString).appendingPathComponent("results/report.html"), to: target)
            entries.append(
                Entry(path: pdf, role: renderingRole, sha256: try FileDigest.sha256(fileAt: target)))
        }
        try put(
            "README.md",
            Data(readme(loaded, origin: origin, records: data == nil ? nil : records, minimised: minimised).utf8),
            role: "readme")
        let manifestText = Data(manifest(entries: entries, scenario: scenarioPath, data: dataPath, origin: origin).utf8)
        try put(manifestName, manifestText, role: "manifest")
        var members = entries.map(\.path)
        if let signer = options.signer {
            let signature = Data(try signature(of: manifestText, by: signer).utf8)
            try createFile((staging as NSString).appendingPathComponent(signatureName), signature)
            members.append(signatureName)
        }
        let archive = try TarArchive.write(
            members.sorted().map {
                ($0, try Data(contentsOf: URL(fileURLWithPath: (staging as NSString).appendingPathComponent($0))))
            }, modified: Int(options.created.timeIntervalSince1970))
        do {
            try createFile(stagedArchive, archive)
        } catch let error as WriteError {
            throw WriteError(path: archivePath, reason: error.reason)
        }
        // Both are complete: renames need no space, and an empty folder in the way is replaced.
        guard rename(staging, out) == 0 else {
            throw WriteError(path: out, reason: String(cString: strerror(errno)))
        }
        moved = true
        guard link(stagedArchive, archivePath) == 0 else {
            let reason = String(cString: strerror(errno))
            if rename(out, staging) == 0 { moved = false }
            throw WriteError(path: archivePath, reason: reason)
        }
        return members.count
    }
}

/// Writes a new file, refusing to follow a link or replace anything; removes it on failure.
func createFile(_ path: String, _ data: Data, mode: mode_t = 0o644) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard descriptor >= 0 else {
        throw AuditBundle.WriteError(path: path, reason: String(cString: strerror(errno)))
    }
    var failure: String?
    data.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                failure = String(cString: strerror(errno))
                return
            }
            offset += written
        }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
    close(descriptor)
    if let failure {
        unlink(path)
        throw AuditBundle.WriteError(path: path, reason: failure)
    }
}

extension Provenance {
    /// The files a scenario was read from, with their hashes.
    public init(_ loaded: LoadedScenario) {
        self.init(files: loaded.files.map { File(path: $0.path, role: $0.role.rawValue, sha256: $0.sha256) })
    }
}
