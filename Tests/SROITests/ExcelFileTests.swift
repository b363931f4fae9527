import Foundation
import GRDB
import SROICore
import SROIData
import SROILoad
import Testing

/// Files as Excel and other spreadsheets save them: each variant of a file imports to exactly
/// the rows of the plain file, and what cannot be read is refused with its line and byte.
@Suite struct ExcelFileTests {
    static let sampleDirectory = Support.packageRoot.appendingPathComponent("Scenarios/use-it/data").path

    /// Writes `bytes` as `NAME.csv` with the sample dataset's definition (plus `format` lines)
    /// beside it, in a new directory.
    static func variant(
        of dataset: String, name: String, bytes: [UInt8], format: String? = nil
    ) throws -> String {
        let directory = try Support.temporaryDirectory()
        let file = "\(directory)/\(name).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        var definition = try String(contentsOfFile: "\(sampleDirectory)/\(dataset).dataset.yaml", encoding: .utf8)
        if let format { definition += format + "\n" }
        try definition.write(toFile: CSVImporter.definitionPath(for: file), atomically: true, encoding: .utf8)
        return file
    }

    /// The dataset's rows in the store, every column as text, in key order.
    static func rows(of file: String, dataset: String) throws -> [[String]] {
        let store = try RecordStore.openForWriting(path: try Support.temporaryDirectory() + "/store.sqlite")
        _ = try CSVImporter().run(files: [file], into: store)
        let definition = try store.dataset(dataset).definition
        let columns = definition.columns.map { "quote(\"\($0.name)\")" }.joined(separator: ", ")
        return try store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(columns) FROM records_\(dataset) ORDER BY \(definition.key.joined(separator: ", "))"
            )
            .map { row in (0..<row.count).map { row[$0] as String } }
        }
    }

    /// The file's SHA-256 as coreutils computes it.
    static func sha256sum(_ file: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [file]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }

    static func plainLines(_ dataset: String) throws -> [String] {
        try String(contentsOfFile: "\(sampleDirectory)/\(dataset).csv", encoding: .utf8).split(separator: "\n").map(
            String.init)
    }

    @Test func everySpreadsheetVariantImportsToThePlainFilesRows() throws {
        let lines = try Self.plainLines("participants")
        let plain = try Self.rows(of: "\(Self.sampleDirectory)/participants.csv", dataset: "participants")
        #expect(plain.count == lines.count - 1)
        let text = lines.joined(separator: "\n") + "\n"
        func ukDate(_ field: Substring) -> String {
            let parts = field.split(separator: "-")
            return parts.count == 3 && field.count == 10 ? "\(parts[2])/\(parts[1])/\(parts[0])" : String(field)
        }
        let ukLines =
            [lines[0]]
            + lines.dropFirst().map { line in
                line.split(separator: ",", omittingEmptySubsequences: false).map(ukDate).joined(separator: ",")
            }
        let variants: [(String, [UInt8], String?)] = [
            ("bom", [0xEF, 0xBB, 0xBF] + Array(text.utf8), nil),
            ("crlf", Array(lines.joined(separator: "\r\n").utf8) + Array("\r\n".utf8), nil),
            ("cr", Array(lines.joined(separator: "\r").utf8) + [0x0D], nil),
            ("semicolons-detected", Array(text.replacingOccurrences(of: ",", with: ";").utf8), nil),
            (
                "semicolons-declared", Array(text.replacingOccurrences(of: ",", with: ";").utf8),
                "file: {separator: \";\"}"
            ),
            ("tabs", Array(text.replacingOccurrences(of: ",", with: "\t").utf8), "file: {separator: tab}"),
            ("uk-dates", Array((ukLines.joined(separator: "\r\n") + "\r\n").utf8), "file: {date_format: DD/MM/YYYY}"),
            ("trailing-blank-rows", Array((text + ",,,,,,,,\n,,,,,,,,\n\n").utf8), nil),
            (
                "excel-everything",
                [0xEF, 0xBB, 0xBF]
                    + Array(
                        (ukLines.map { $0.replacingOccurrences(of: ",", with: ";") }.joined(separator: "\r\n")
                            + "\r\n;;;;;;;;\r\n").utf8),
                "file: {separator: \";\", date_format: DD/MM/YYYY}"
            ),
        ]
        for (name, bytes, format) in variants {
            let file = try Self.variant(of: "participants", name: name, bytes: bytes, format: format)
            #expect(try Self.rows(of: file, dataset: "participants") == plain, "\(name)")
        }
    }

    @Test func aSeparatorShownByTheHeaderIsSaid() throws {
        let text = try Self.plainLines("participants").joined(separator: "\n").replacingOccurrences(of: ",", with: ";")
        let file = try Self.variant(of: "participants", name: "semi", bytes: Array((text + "\n").utf8))
        let store = try RecordStore.openForWriting(path: file + ".sqlite")
        let imported = try CSVImporter().run(files: [file], into: store)
        #expect(imported.first?.notes.first?.contains("separated by ';'") == true)
    }

    @Test func decimalCommasAreReadWhenDeclared() throws {
        let lines = try Self.plainLines("shifts")
        let plain = try Self.rows(of: "\(Self.sampleDirectory)/shifts.csv", dataset: "shifts")
        // Fields separated by semicolons, decimals written with a comma, as in much of Europe.
        let european = lines.map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.replacingOccurrences(of: ".", with: ",")
            }.joined(separator: ";")
        }.joined(separator: "\r\n")
        let file = try Self.variant(
            of: "shifts", name: "european", bytes: Array(european.utf8),
            format: "file: {separator: \";\", decimal_separator: \",\"}")
        #expect(try Self.rows(of: file, dataset: "shifts") == plain)
        // Undeclared, the same file is refused: decimals are declared, never guessed.
        let undeclared = try Self.variant(of: "shifts", name: "guess", bytes: Array(european.utf8))
        #expect(throws: ImportFailure.self) { try Self.rows(of: undeclared, dataset: "shifts") }
    }

    @Test func aWindows1252FileIsRefusedNamingTheLineAndByteOrReadWhenDeclared() throws {
        var lines = try Self.plainLines("participants")
        lines[3] = lines[3].replacingOccurrences(of: ",Sudan,", with: ",Côte d'Ivoire,").replacingOccurrences(
            of: ",Syria,", with: ",Côte d'Ivoire,")
        var fields = lines[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[2] = "Côte d'Ivoire"
        lines[3] = fields.joined(separator: ",")
        // "Côte" in Windows-1252 is 43 F4 74 65: one byte for ô, which UTF-8 never has alone.
        let bytes = Array(lines.joined(separator: "\r\n").data(using: .windowsCP1252)!)
        #expect(bytes.contains(0xF4))
        let file = try Self.variant(of: "participants", name: "western", bytes: bytes)
        let store = try RecordStore.openForWriting(path: file + ".sqlite")
        do {
            _ = try CSVImporter().run(files: [file], into: store)
            Issue.record("a Windows-1252 file was imported as UTF-8")
        } catch {
            let message = error.description
            let column = fields[0].utf8.count + fields[1].utf8.count + 3
            #expect(message.contains("western.csv:4:\(column): error: participants.qualified_in"), "\(message)")
            #expect(message.contains("0xF4"))
            #expect(message.contains("CSV UTF-8"))
            #expect(message.contains("encoding: windows-1252"))
        }
        let declared = try Self.variant(
            of: "participants", name: "declared", bytes: bytes, format: "file: {encoding: windows-1252}")
        let rows = try Self.rows(of: declared, dataset: "participants")
        #expect(rows.contains { $0[2] == "'Côte d''Ivoire'" })

        // The same records re-saved as "CSV UTF-8" under the Windows-1252 definition: the
        // byte-order mark wins, so the text is stored as written, not as "CÃ´te", and the import says why.
        let resaved = try Self.variant(
            of: "participants", name: "resaved",
            bytes: [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8),
            format: "file: {encoding: windows-1252}")
        let store2 = try RecordStore.openForWriting(path: resaved + ".sqlite")
        let imported = try CSVImporter().run(files: [resaved], into: store2)
        #expect(
            imported.first?.notes.contains { $0.contains("byte-order mark") && $0.contains("windows-1252") } == true)
        let stored = try Self.rows(of: resaved, dataset: "participants")
        #expect(stored.contains { $0[2] == "'Côte d''Ivoire'" })
        #expect(!stored.contains { $0[2].contains("Ã") })
    }

    @Test func scenarioAndDatasetFilesWithAByteOrderMarkLoad() throws {
        let directory = try Support.temporaryDirectory()
        let source = try Data(contentsOf: Support.packageRoot.appendingPathComponent(Support.exampleScenario))
        let scenario = Support.packageRoot.appendingPathComponent("Scenarios/use-it/bom-test-\(getpid()).yaml").path
        try (Data([0xEF, 0xBB, 0xBF]) + source).write(to: URL(fileURLWithPath: scenario))
        defer { try? FileManager.default.removeItem(atPath: scenario) }
        let loaded = try ScenarioLoader().load(path: scenario)
        #expect(loaded.scenario.title.hasPrefix("USE-IT!"))
        let definition = try Data(contentsOf: URL(fileURLWithPath: "\(Self.sampleDirectory)/researchers.dataset.yaml"))
        try (Data([0xEF, 0xBB, 0xBF]) + definition).write(to: URL(fileURLWithPath: "\(directory)/r.dataset.yaml"))
        #expect(try DatasetDefinitionReader().read(path: "\(directory)/r.dataset.yaml").name == "researchers")
    }

    @Test func dataInitDraftsADefinitionThatImportsTheFile() throws {
        let directory = try Support.temporaryDirectory()
        let file = "\(directory)/referrals.csv"
        // As UK Excel saves it: a byte-order mark, headings with spaces, DD/MM/YYYY dates, CRLF,
        // an empty optional field, and blank rows at the end.
        let text: String =
            "\u{FEFF}Referral ID,Referred on,Service,Age,Score\r\n"
            + (1...40).map { index in
                let day = (index % 28) + 1
                let service = ["GP", "self", "NHS 111"][index % 3]
                let age = index % 5 == 0 ? "" : String(18 + index)
                return
                    "RF\(1000 + index),\(day < 10 ? "0" : "")\(day)/0\(index % 9 + 1)/2024,\(service),\(age),\(Double(index) / 4)"
            }.joined(separator: "\r\n") + "\r\n,,,,\r\n,,,,\r\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try Support.sroi(["data", "init", file])
        #expect(result.status == 0, "\(result.stderr)")
        let definition = try DatasetDefinitionReader().read(path: "\(directory)/referrals.dataset.yaml")
        #expect(definition.name == "referrals")
        #expect(definition.key == ["referral_id"])
        #expect(definition.fileFormat.dateFormat == .dayMonthYearSlash)
        #expect(definition.columns.map(\.name) == ["referral_id", "referred_on", "service", "age", "score"])
        #expect(
            definition.columns.map(\.type) == [
                .text, .date, .enumeration(["GP", "NHS 111", "self"]), .integer, .decimal,
            ])
        #expect(definition.columns.map(\.optional) == [false, false, false, true, false])
        #expect(definition.column("referral_id")?.header == "Referral ID")
        let imported = try Support.sroi(["data", "import", "\(directory)/store.sqlite", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("40 rows into referrals"))
        // An existing definition is never replaced.
        let again = try Support.sroi(["data", "init", file])
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists; it is not replaced"))
    }

    @Test func aCorrectedExportReplacesTheRowsInOneTransaction() throws {
        let lines = try Self.plainLines("researchers")
        let file = try Self.variant(
            of: "researchers", name: "researchers", bytes: Array((lines.joined(separator: "\n") + "\n").utf8))
        let storePath = file + ".sqlite"
        let store = try RecordStore.openForWriting(path: storePath)
        _ = try CSVImporter().run(files: [file], into: store)
        // The same rows again are refused as duplicates by an import...
        var corrected = lines
        corrected[1] = corrected[1].replacingOccurrences(of: ",58", with: ",60")
        try (corrected.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ImportFailure.self) { _ = try CSVImporter().run(files: [file], into: store) }
        // ...and replace the dataset's rows with `data replace`.
        let replaced = try Support.sroi(["data", "replace", storePath, file])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let dataset = try RecordStore.openForReading(path: storePath).dataset("researchers")
        #expect(dataset.imports.count == 1)
        #expect(dataset.rows == lines.count - 1)
        #expect(dataset.imports[0].sha256 == (try Self.sha256sum(file)))
        let hours = try RecordStore.openForReading(path: storePath).read { db in
            try Int.fetchOne(db, sql: "SELECT fieldwork_hours FROM records_researchers WHERE researcher_id = 'R01'")
        }
        #expect(hours == 60)
        let status = try Support.sroi(["data", "status", storePath])
        #expect(status.stdout.contains("history:"))
        #expect(status.stdout.contains("replaced"))

        // A bad replacement changes nothing.
        let fingerprint = try RecordStore.openForReading(path: storePath).fingerprint()
        try (corrected.joined(separator: "\n") + "\nR99,2020-13-01,5\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let refused = try Support.sroi(["data", "replace", storePath, file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains(":\(lines.count + 1):"))
        #expect(try RecordStore.openForReading(path: storePath).fingerprint() == fingerprint)

        let removed = try Support.sroi(["data", "remove", storePath, "researchers"])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(try RecordStore.openForReading(path: storePath).datasets().isEmpty)
        let missing = try Support.sroi(["data", "remove", storePath, "researchers"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no dataset 'researchers'"))
    }
}
