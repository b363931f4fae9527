import Foundation
import SROIAudit
import SROICore
import SROIData
import SROILoad
import SROIReport
import Testing

/// Input made to hurt, or made carelessly: every case ends in a clear refusal or a success, never
/// a crash, a hang, a write outside its place or a file destroyed.
@Suite struct HostileInputTests {
    // MARK: Archives

    /// One ustar header with any fields a forger likes, and its data.
    static func member(
        name: String, prefix: String = "", type: UInt8 = UInt8(ascii: "0"), size: String? = nil, data: [UInt8] = [],
        checksum: Bool = true
    ) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { header[offset + index] = byte }
        }
        put(name, 0, 100)
        put("0000644", 100, 8)
        put("0000000", 108, 8)
        put("0000000", 116, 8)
        put(size ?? octal(data.count, digits: 11), 124, 12)
        put("00000000000", 136, 12)
        put("        ", 148, 8)
        header[156] = type
        put("ustar", 257, 6)
        put("00", 263, 2)
        put(prefix, 345, 155)
        if checksum {
            let sum = header.reduce(0) { $0 + Int($1) }
            put(octal(sum, digits: 6), 148, 6)
            header[154] = 0
        }
        let padding = (512 - data.count % 512) % 512
        return header + data + [UInt8](repeating: 0, count: padding)
    }

    static let end = [UInt8](repeating: 0, count: 1024)

    static func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// A valid bundle's archive, from the bundled example.
    static func validBundleArchive() throws -> Data {
        let directory = try Support.temporaryDirectory()
        let out = (directory as NSString).appendingPathComponent("bundle")
        let data = try Support.sampleStore()
        let result = try Support.sroi([
            "bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--data", data, "--out", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: out + ".tar"))
    }

    @Test(arguments: [
        ("climbing out", member(name: "../../../tmp/sroi-pwned-\(getpid())", data: Array("x".utf8))),
        ("absolute name", member(name: "/tmp/sroi-pwned-\(getpid())", data: Array("x".utf8))),
        ("prefix climbing out", member(name: "pwned", prefix: "inputs/../../..", data: Array("x".utf8))),
        ("symbolic link", member(name: "inputs/link", type: UInt8(ascii: "2"))),
        ("hard link", member(name: "inputs/link", type: UInt8(ascii: "1"))),
        ("device", member(name: "inputs/device", type: UInt8(ascii: "3"))),
        ("FIFO", member(name: "inputs/fifo", type: UInt8(ascii: "6"))),
        ("extended header", member(name: "././@PaxHeader", type: UInt8(ascii: "x"))),
        ("negative size", member(name: "inputs/a", size: "-0000001000")),
        ("base-256 size", member(name: "inputs/a", size: "\u{80}0000000000")),
        ("size past the end", member(name: "inputs/a", size: "77777777777")),
        ("bad checksum", member(name: "inputs/a", data: Array("x".utf8), checksum: false)),
        ("empty part", member(name: "inputs//a", data: Array("x".utf8))),
        ("control character", member(name: "inputs/a\u{1b}[2J", data: Array("x".utf8))),
    ])
    func hostileArchiveMemberIsRefusedAndNothingIsWritten(_ name: String, _ bytes: [UInt8]) throws {
        let directory = try Support.temporaryDirectory()
        let temporary = (directory as NSString).appendingPathComponent("tmp")
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        // The hostile member first, then a whole valid bundle: verify must not report it intact.
        let archive = Data(bytes) + (try Self.validBundleArchive())
        let path = (directory as NSString).appendingPathComponent("hostile.tar")
        try archive.write(to: URL(fileURLWithPath: path))
        let verification = AuditBundle.verify(path, temporary: temporary)
        #expect(verification.exitCode == 3, "\(name): \(verification.outcome)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/sroi-pwned-\(getpid())"), "\(name)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty, "\(name): left its folder")
        // The command says why, and exits 3.
        let result = try Support.sroi(["verify", path])
        #expect(result.status == 3, "\(name)")
        #expect(result.stderr.contains("member") || result.stderr.contains("byte"), "\(name): \(result.stderr)")
    }

    @Test func duplicateMemberIsRefused() throws {
        let archive = Self.member(name: "a", data: [1]) + Self.member(name: "a", data: [2]) + Self.end
        #expect(throws: TarArchive.ReadError.self) { try TarArchive.read(Data(archive)) }
    }

    @Test func validArchiveRoundTripsAndVerifies() throws {
        let files = [("inputs/a.yaml", Data("a".utf8)), ("results/b.json", Data(repeating: 7, count: 1000))]
        let archive = try TarArchive.write(files)
        let read = try TarArchive.read(archive)
        #expect(read.map(\.path) == ["inputs/a.yaml", "results/b.json"])
        #expect(read.map(\.data) == files.map(\.1))
        let directory = try Support.temporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("bundle.tar")
        try (try Self.validBundleArchive()).write(to: URL(fileURLWithPath: path))
        let verification = AuditBundle.verify(path, temporary: directory)
        #expect(verification.exitCode == 0, "\(verification.outcome)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["bundle.tar"])
    }

    @Test func verifyReadsNothingOutsideTheBundle() throws {
        let directory = try Support.temporaryDirectory()
        let out = (directory as NSString).appendingPathComponent("bundle")
        let result = try Support.sroi(["bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        // A model named by an absolute path, with the manifest's hashes made to agree.
        let scenario = (out as NSString).appendingPathComponent("inputs/Scenarios/use-it/trust-recruited-staff.yaml")
        let outside = (directory as NSString).appendingPathComponent("outside.yaml")
        try FileManager.default.copyItem(
            atPath: Support.packageRoot.appendingPathComponent("Models/proxies/nhs-agency-rates.yaml").path,
            toPath: outside)
        var text = try String(contentsOfFile: scenario, encoding: .utf8)
        text = text.replacingOccurrences(of: "uses:\n", with: "uses:\n  - \(outside)\n")
        try text.write(toFile: scenario, atomically: true, encoding: .utf8)
        let loaded = try? ScenarioLoader(root: out).load(path: "inputs/Scenarios/use-it/trust-recruited-staff.yaml")
        #expect(loaded == nil)
        do {
            _ = try ScenarioLoader(root: out).load(path: "inputs/Scenarios/use-it/trust-recruited-staff.yaml")
        } catch {
            #expect(error.description.contains("outside the folder"))
        }
    }

    // MARK: Output that is not its own

    @Test func bundleNeverReplacesAFileOrTheRecordStore() throws {
        let directory = try Support.temporaryDirectory()
        let notes = (directory as NSString).appendingPathComponent("notes.txt")
        try "my notes".write(toFile: notes, atomically: true, encoding: .utf8)
        var result = try Support.sroi(["bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", notes])
        #expect(result.status == 1)
        #expect(try String(contentsOfFile: notes, encoding: .utf8) == "my notes")
        let store = try Support.sampleStore()
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        result = try Support.sroi([
            "bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--data", store, "--out", store,
        ])
        #expect(result.status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        // An archive of the same name that is not ours is not replaced either.
        let out = (directory as NSString).appendingPathComponent("b")
        try "not a bundle".write(toFile: out + ".tar", atomically: true, encoding: .utf8)
        result = try Support.sroi(["bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", out])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try String(contentsOfFile: out + ".tar", encoding: .utf8) == "not a bundle")
        // Nothing half-written is left beside them.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["b.tar", "notes.txt"])
    }

    /// With room for the bundle's files but not its archive (a full disk, here a file-size
    /// limit), nothing is left behind, and the same command then succeeds.
    @Test func aBundleThatCannotBeWrittenWholeLeavesNothing() throws {
        let directory = try Support.temporaryDirectory()
        let out = (directory as NSString).appendingPathComponent("b")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "trap '' XFSZ; ulimit -f 150; exec \"$0\" bundle Scenarios/use-it/trust-recruited-staff.yaml --out \"$1\" --no-pdf",
            Support.binary, out,
        ]
        process.currentDirectoryURL = Support.packageRoot
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.contains("b.tar") && message.contains("too large"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        let again = try Support.sroi(["bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", out])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func runRefusesAnOutputThatIsAFileAndClearsTemporariesOfKilledRuns() throws {
        let directory = try Support.temporaryDirectory()
        let file = (directory as NSString).appendingPathComponent("results")
        try "keep".write(toFile: file, atomically: true, encoding: .utf8)
        var result = try Support.sroi(["run", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", file])
        #expect(result.status == 1)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
        // A temporary file of a process that no longer runs is tidied by the next write.
        let out = (directory as NSString).appendingPathComponent("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let stale = (out as NSString).appendingPathComponent(".sroi-partial-999999999-1-results.json")
        try "partial".write(toFile: stale, atomically: true, encoding: .utf8)
        result = try Support.sroi(["run", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["results.json", "trace.json"])
    }

    // MARK: Small files that would crash or hang

    static func scenarioWith(quantity: String, values: [String] = [], top: [String] = []) -> String {
        Support.scenario(
            outcome: [
                "quantity: {formula: \"\(quantity)\"}", "proxy: {value: 10, currency: GBP, per: person, source: T}",
                "duration: 1", "value_type: social",
            ], top: top + (values.isEmpty ? [] : ["values:"] + values.map { "  " + $0 }))
    }

    static func refusal(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try Support.evaluate(yaml)
            return []
        } catch let failure as ValidationFailure {
            return failure.errors
        } catch {
            return [Diagnostic(at: nil, field: "(unexpected)", message: "\(error)")]
        }
    }

    @Test func hugeFormulasAndChainsAreRefusedNotOverflowed() {
        let people = "people: {value: 2, unit: person}"
        let terms = Array(repeating: "people", count: 20_000).joined(separator: " + ")
        var errors = Self.refusal(Self.scenarioWith(quantity: terms, values: [people]))
        #expect(errors.contains { $0.message.contains("longer than") || $0.message.contains("parts") })
        let nested = String(repeating: "(", count: 30_000) + "people" + String(repeating: ")", count: 30_000)
        errors = Self.refusal(Self.scenarioWith(quantity: nested, values: [people]))
        #expect(!errors.isEmpty)
        // 2,000 values, each the one before plus nothing: a chain longer than 100 formulas.
        var chain = ["v0: {value: 1, unit: person}"]
        for index in 1..<2000 { chain.append("v\(index): {formula: \"v\(index - 1)\"}") }
        errors = Self.refusal(Self.scenarioWith(quantity: "v1999", values: chain))
        #expect(errors.contains { $0.message.contains("chain of more than") })
        // 10,000 values in a cycle.
        var cycle: [String] = []
        for index in 0..<10_000 { cycle.append("c\(index): {formula: \"c\((index + 1) % 10_000)\"}") }
        errors = Self.refusal(Self.scenarioWith(quantity: "c0", values: cycle))
        #expect(!errors.isEmpty)
    }

    /// Found by the formula fuzz target: a formula within the length limit whose canonical text
    /// (spaces around operators) is beyond it must still be read back when the trace is verified.
    @Test func aLongFormulaRecomputesFromItsTrace() throws {
        let n = "people_counted_in_the_first_year_of_the_programme"
        let m = "share_of_them_who_would_not_have_changed_anyway"
        let formula = Array(repeating: "\(n)*\(m)", count: 40).joined(separator: "+")
        #expect(formula.count <= FormulaParser.maximumLength)
        let canonical = NamedValue.canonical(try FormulaParser.parse(formula))
        #expect(canonical.count > FormulaParser.maximumLength)
        let evaluation = try Support.evaluate(
            Self.scenarioWith(
                quantity: formula, values: ["\(n): {value: 2, unit: person}", "\(m): {value: 0.5, unit: \"1\"}"]))
        #expect(evaluation.trace.inconsistencies().isEmpty)
        #expect(evaluation.trace["outcome.jobs.quantity"]?.value == .number(40))
    }

    /// Found by the formula fuzz target: a combining mark read as a name of its own, which joins
    /// the space before it once the formula is written out. Names are ASCII, and formulas are
    /// read by Unicode scalar, so what is read is what is written.
    @Test func formulasReadAsTheyAreWrittenOut() throws {
        let found = "min(aue,rate, \r\r\u{0365} *er0*4/0*i4/0*5/re\u{0365} *er0*gee, gee)"
        #expect(throws: FormulaSyntaxError.self) { try FormulaParser.parse(found) }
        for text in ["a +\u{0301} b", "\u{0663} * a", "a\u{0308}b + 1", "min(a, b) − c × 2"] {
            guard let expression = try? FormulaParser.parse(text) else { continue }
            let canonical = NamedValue.canonical(expression)
            #expect(NamedValue.canonical(try FormulaParser.parse(canonical)) == canonical, "\(text)")
        }
    }

    @Test func aUnitWithAnEnormousPowerIsRefused() {
        let errors = Self.refusal(
            Self.scenarioWith(quantity: "people", values: ["people: {value: 2, unit: \"post^9223372036854775807\"}"]))
        #expect(errors.contains { $0.field.hasSuffix(".unit") })
    }

    @Test func simulationDrawsAreBoundedBeforeAnythingIsAllocated() throws {
        let result = try Support.sroi([
            "simulate", "Scenarios/use-it/trust-recruited-staff.yaml", "--draws", "1000000000000",
        ])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--draws"))
    }

    @Test func figuresTooLargeForBinary64AreRefused() {
        let errors = Self.refusal(
            Support.scenario(outcome: [
                "quantity: 10", "proxy: {value: 1.7976931348623157e308, currency: GBP, source: T}", "duration: 1",
                "value_type: social",
            ]))
        let error = errors.first { $0.field == "outcome.jobs.gross_value" }
        #expect(error?.message.contains("too large") == true)
        #expect(error?.location?.line != nil)
        // An input of the smallest subnormal makes the ratio infinite: refused too.
        let tiny = Self.refusal(Support.scenario(inputs: ["- {id: grant, amount: 5e-324}"]))
        #expect(tiny.contains { $0.field == FigureID.sroiRatio && $0.message.contains("too large") })
        // A number of a million digits is refused, and echoed at most 200 characters.
        let digits = Self.refusal(
            Support.scenario(
                outcome: ["quantity: \(String(repeating: "9", count: 1_000_000))"] + Support.outcomeLines.dropFirst()))
        #expect(!digits.isEmpty)
        #expect(digits.allSatisfy { $0.description.utf8.count < 1000 })
    }

    @Test func aFormulaQuantityBelowZeroIsRefused() {
        let errors = Self.refusal(
            Self.scenarioWith(quantity: "people - people * 3", values: ["people: {value: 2, unit: person}"]))
        #expect(errors.contains { $0.field == "outcome.jobs.quantity" && $0.message.contains("below 0") })
    }

    // MARK: Files that are not what they seem

    static func datasetFolder() throws -> String {
        let directory = try Support.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: Support.packageRoot.appendingPathComponent("Scenarios/use-it/data/researchers.dataset.yaml").path,
            toPath: (directory as NSString).appendingPathComponent("researchers.dataset.yaml"))
        return directory
    }

    @Test func aFIFOOrADeviceIsRefusedWithoutWaiting() throws {
        let directory = try Self.datasetFolder()
        let fifo = (directory as NSString).appendingPathComponent("researchers.csv")
        #expect(mkfifo(fifo, 0o644) == 0)
        let store = (directory as NSString).appendingPathComponent("s.sqlite")
        var result = try Support.sroi(["data", "import", store, fifo])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
        #expect(!FileManager.default.fileExists(atPath: store))
        unlink(fifo)
        #expect(symlink("/dev/zero", fifo) == 0)
        result = try Support.sroi(["data", "import", store, fifo])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
        // A scenario or model that is a FIFO is refused the same way.
        let scenario = (directory as NSString).appendingPathComponent("s.yaml")
        #expect(mkfifo(scenario, 0o644) == 0)
        result = try Support.sroi(["check", scenario])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a regular file"))
    }

    @Test func anEndlessLineIsRefusedAndNotEchoed() throws {
        let directory = try Self.datasetFolder()
        let csv = (directory as NSString).appendingPathComponent("researchers.csv")
        let long = String(repeating: "x", count: 3 << 20)
        try "researcher_id,trained_on,fieldwork_hours\n\"\(long)".write(toFile: csv, atomically: true, encoding: .utf8)
        let result = try Support.sroi([
            "data", "import", (directory as NSString).appendingPathComponent("s.sqlite"), csv,
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("longer than"))
        #expect(result.stderr.utf8.count < 4000)
        // A very long bad field is echoed at most 200 characters.
        try "researcher_id,trained_on,fieldwork_hours\nR1,2019-01-01,\(String(repeating: "9", count: 300_000))x\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let second = try Support.sroi([
            "data", "import", (directory as NSString).appendingPathComponent("s.sqlite"), csv,
        ])
        #expect(second.status == 1)
        #expect(second.stderr.utf8.count < 4000)
    }

    @Test func nulBytesAndBytesThatAreNotUTF8AreRefusedWithTheirPlace() throws {
        let directory = try Self.datasetFolder()
        let csv = (directory as NSString).appendingPathComponent("researchers.csv")
        var bytes = Array("researcher_id,trained_on,fieldwork_hours\n\"R1\u{0}cut\",2019-01-01,3\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: csv))
        let store = (directory as NSString).appendingPathComponent("s.sqlite")
        var result = try Support.sroi(["data", "import", store, csv])
        #expect(result.status == 1)
        #expect(result.stderr.contains("researchers.csv:2:1") && result.stderr.contains("NUL"))
        bytes = Array("researcher_id,trained_on,fieldwork_hours\nCaf".utf8) + [0xE9] + Array(",2019-01-01,3\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: csv))
        result = try Support.sroi(["data", "import", store, csv])
        #expect(result.status == 1)
        #expect(result.stderr.contains("researchers.csv:2:1") && result.stderr.contains("not valid UTF-8"))
        #expect(!FileManager.default.fileExists(atPath: store))
        // A scenario that is not UTF-8 is refused at its line and column, not read with U+FFFD.
        let scenario = (directory as NSString).appendingPathComponent("s.yaml")
        try Data(Array("schema: sroi-scenario/1\ntitle: Caf".utf8) + [0xE9, 0x0A]).write(
            to: URL(fileURLWithPath: scenario))
        result = try Support.sroi(["check", scenario])
        #expect(result.status == 1)
        #expect(result.stderr.contains("s.yaml:2:11") && result.stderr.contains("not UTF-8"))
    }

    @Test func controlCharactersAndTagsInScenarios() throws {
        var errors = Self.refusal(
            Support.scenario(top: ["organisation: \"evil\u{1b}[2Jcorp\""]))
        #expect(errors.first?.location?.line == 5)
        #expect(errors.first.map { !$0.description.contains("\u{1b}") } == true)
        errors = Self.refusal(Support.scenario().replacingOccurrences(of: "{years: 5}", with: "{years: !!str 5}"))
        #expect(errors.contains { $0.field == "analysis_period.years" && $0.message.contains("!!str") })
    }

    // MARK: The record store

    @Test func aRefusedFirstImportLeavesNoStore() throws {
        let directory = try Self.datasetFolder()
        let csv = (directory as NSString).appendingPathComponent("researchers.csv")
        try "researcher_id,trained_on,fieldwork_hours\nR1,not a date,3\n".write(
            toFile: csv, atomically: true, encoding: .utf8)
        let store = (directory as NSString).appendingPathComponent("new.sqlite")
        let result = try Support.sroi(["data", "import", store, csv])
        #expect(result.status == 1)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == [
                "researchers.csv", "researchers.dataset.yaml",
            ])
    }

    @Test func anotherApplicationsDatabaseAndANewerSchemaAreLeftAlone() throws {
        let directory = try Support.temporaryDirectory()
        let other = (directory as NSString).appendingPathComponent("other.sqlite")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [other, "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('mine');"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = try Data(contentsOf: URL(fileURLWithPath: other))
        let csv = Support.packageRoot.appendingPathComponent("Scenarios/use-it/data/researchers.csv").path
        var result = try Support.sroi(["data", "import", other, csv])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not an sroi record store"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: other)) == before)

        let store = try Support.sampleStore()
        let newer = Process()
        newer.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        newer.arguments = [store, "INSERT INTO grdb_migrations VALUES ('v99: from the future');"]
        try newer.run()
        newer.waitUntilExit()
        result = try Support.sroi(["data", "import", store, csv, "--reimport"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("newer version"))
        result = try Support.sroi(["data", "status", store])
        #expect(result.status == 1)
    }

    @Test func aViewInPlaceOfADatasetIsRefusedWithoutRunningIt() throws {
        let store = try Support.sampleStore()
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [
            store,
            "ALTER TABLE records_researchers RENAME TO hidden; CREATE VIEW records_researchers AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS researcher_id, x AS trained_on, x AS fieldwork_hours FROM c;",
        ]
        try sqlite.run()
        sqlite.waitUntilExit()
        let result = try Support.sroi(["run", "Scenarios/use-it/community-researchers.yaml", "--data", store])
        #expect(result.status == 1)
        #expect(result.stderr.contains("not a table"))
    }

    static func sqlite(_ store: String, _ sql: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [store, sql]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func recordedRowsChangeOnlyByImports() throws {
        let store = try Support.sampleStore()
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        // An edit from outside is aborted, and the store is unchanged.
        #expect(try Self.sqlite(store, "UPDATE records_shifts SET hours = hours * 10") != 0)
        #expect(try Self.sqlite(store, "DELETE FROM records_shifts") != 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
        var result = try Support.sroi(["run", Support.exampleScenario, "--data", store])
        #expect(result.status == 0, "\(result.stderr)")
        // With the protection removed, the store is refused rather than read.
        #expect(
            try Self.sqlite(
                store, "DROP TRIGGER records_shifts_no_update; UPDATE records_shifts SET hours = hours * 10") == 0)
        result = try Support.sroi(["run", Support.exampleScenario, "--data", store])
        #expect(result.status == 1)
        #expect(result.stderr.contains("protection") && result.stderr.contains("shifts"))
    }

    @Test func aStoreOfAnEarlierSchemaIsUpgradedOnRequest() throws {
        let store = try Support.sampleStore()
        #expect(
            try Self.sqlite(
                store,
                "DELETE FROM grdb_migrations WHERE identifier LIKE 'v2:%' OR identifier LIKE 'v4:%'; DROP TABLE store_seal; DROP TRIGGER records_shifts_no_update; DROP TRIGGER records_shifts_no_delete; DROP TRIGGER records_participants_no_update; DROP TRIGGER records_participants_no_delete; DROP TRIGGER records_entrepreneurs_no_update; DROP TRIGGER records_entrepreneurs_no_delete; DROP TRIGGER records_researchers_no_update; DROP TRIGGER records_researchers_no_delete;"
            ) == 0)
        var result = try Support.sroi(["data", "status", store])
        #expect(result.status == 1)
        #expect(result.stderr.contains("sroi data upgrade"))
        result = try Support.sroi(["data", "upgrade", store])
        #expect(result.status == 0, "\(result.stderr)")
        result = try Support.sroi(["data", "status", store])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aFileThatIsNotYAMLIsNotReplayed() throws {
        let directory = try Support.temporaryDirectory()
        let secret = (directory as NSString).appendingPathComponent("secret.txt")
        let line = "root:x:0:0:root:/root:/bin/bash"
        try Array(repeating: line, count: 40).joined(separator: "\n").write(
            toFile: secret, atomically: true, encoding: .utf8)
        let yaml = Support.scenario(top: ["uses: [\(secret)]"])
        let file = (directory as NSString).appendingPathComponent("s.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Support.sroi(["check", file])
        #expect(result.status == 1)
        #expect(!result.stderr.contains("root:x:0:0"), "\(result.stderr)")
        #expect(result.stderr.contains("text of"))
    }

    @Test func dotDotInUsesIsResolvedByTheFileSystem() throws {
        // a/link points at b/deep; "link/../m.yaml" is b/m.yaml on disk, not a/m.yaml as text would say.
        let directory = try Support.temporaryDirectory()
        let a = (directory as NSString).appendingPathComponent("a")
        let deep = (directory as NSString).appendingPathComponent("b/deep")
        try FileManager.default.createDirectory(atPath: a, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        #expect(symlink(deep, (a as NSString).appendingPathComponent("link")) == 0)
        let model = try String(
            contentsOf: Support.packageRoot.appendingPathComponent("Models/wellbeing/green-book-wellby.yaml"),
            encoding: .utf8)
        try model.write(
            toFile: (directory as NSString).appendingPathComponent("b/m.yaml"), atomically: true, encoding: .utf8)
        try "not a model".write(
            toFile: (a as NSString).appendingPathComponent("m.yaml"), atomically: true, encoding: .utf8)
        let loaded = try ScenarioLoader().load(
            text: Support.scenario(top: ["uses: [link/../m.yaml]"]), file: "s.yaml", directory: a)
        let used = try #require(loaded.files.first { $0.role == .model })
        #expect(used.path.hasSuffix("b/m.yaml"), "\(used.path)")
    }

    @Test func aStoreLeftByAnInterruptedWriteIsRolledBackBeforeReading() throws {
        let store = try Support.sampleStore()
        let before = try Support.sroi(["run", Support.exampleScenario, "--data", store])
        #expect(before.status == 0)
        // A writer that dies in the middle of a transaction leaves a hot journal behind.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            """
            import os, sqlite3
            con = sqlite3.connect(\(String(reflecting: store)), isolation_level=None)
            con.execute("PRAGMA cache_size=1")
            con.execute("BEGIN")
            con.execute("INSERT INTO dataset_import (dataset, file_name, sha256, rows, imported_at) SELECT dataset, file_name, sha256, rows, imported_at FROM dataset_import")
            con.execute("INSERT INTO records_shifts SELECT * FROM records_shifts WHERE 0")
            for i in range(200):
                con.execute("INSERT INTO dataset_import (dataset, file_name, sha256, rows, imported_at) VALUES ('shifts', ?, ?, 0, 'x')", (str(i) * 500, '0' * 64))
            os._exit(0)
            """,
        ]
        try python.run()
        python.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: store + "-journal"))
        let after = try Support.sroi(["run", Support.exampleScenario, "--data", store])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout == before.stdout)
    }

    // MARK: Output read by spreadsheets

    @Test func impactMapCellsAreNeverSpreadsheetFormulas() throws {
        let yaml = Support.scenario(top: ["stakeholders_note: x"]).replacingOccurrences(
            of: "stakeholders_note: x\n", with: ""
        ).replacingOccurrences(
            of: "  - id: participants\n", with: "  - {id: participants, name: \"=HYPERLINK(\\\"http://x\\\")\"}\n")
        let loaded = try Support.load(yaml)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        let input = ReportInput(scenario: loaded.scenario, evaluation: evaluation, provenance: Provenance(loaded))
        let csv = ReportDocuments.impactMapCSV(input)
        let cells = csv.split(separator: "\r\n").dropFirst().flatMap { $0.split(separator: ",") }
        #expect(!cells.contains { $0.hasPrefix("=") || $0.hasPrefix("\"=") })
        #expect(csv.contains("'=HYPERLINK"))
    }
}
