import Foundation
import SROIAudit
import SROICore
import SROIData
import SROILoad
import SROIReport
import SROISpreadsheet
import Testing
import ZIPFoundation

/// LibreOffice, headless, as the independent spreadsheet that recalculates the value map.
enum LibreOffice {
    static let executable = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/local/bin/soffice"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// In CI it must be there (scripts/test installs it); elsewhere its absence is said and the tests skipped.
    static var available: Bool {
        if executable != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print("note: LibreOffice is not installed (scripts/test installs it), so the workbook tests are skipped")
        return false
    }

    /// A profile that recalculates every formula of a workbook on loading, whatever it caches.
    static let profile: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sroi-libreoffice-\(getpid())")
        let user = directory.appendingPathComponent("user")
        try? FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        let settings = """
            <?xml version="1.0" encoding="UTF-8"?>
            <oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            <item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
            </oor:items>
            """
        try? settings.write(
            to: user.appendingPathComponent("registrymodifications.xcu"), atomically: true, encoding: .utf8)
        return directory.path
    }()

    /// One LibreOffice at a time: instances sharing a profile hand work to each other.
    static let lock = NSLock()

    /// Converts files with LibreOffice in one run; `filter` as `--convert-to` takes it.
    static func convert(_ files: [String], to filter: String, into directory: String) throws {
        lock.lock()
        defer { lock.unlock() }
        let office = try #require(executable, "LibreOffice is not installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: office)
        process.arguments =
            ["-env:UserInstallation=file://\(profile)", "--headless", "--convert-to", filter, "--outdir", directory]
            + files
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// Recalculates each workbook and returns its value map sheet as rows of text, as
    /// LibreOffice computed it (full precision, not as displayed).
    static func recalculatedValueMaps(_ workbooks: [String]) throws -> [[[String]]] {
        let out = try Support.temporaryDirectory()
        try convert(
            workbooks, to: "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", into: out)
        return try workbooks.map { workbook in
            let base = URL(fileURLWithPath: workbook).deletingPathExtension().lastPathComponent
            let text = try String(
                contentsOfFile: "\(out)/\(base)-\(ValueMapLayout.sheetName).csv", encoding: .utf8)
            return parseCSV(text)
        }
    }

    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n":
                row.append(field); field = ""
                rows.append(row); row = []
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

/// What a recalculated value map says, read by labels as a reader of the sheet would.
struct RecalculatedValueMap {
    var rows: [[String]]

    /// The last number on the row labelled `label` in column A.
    func total(_ label: String) -> Double? {
        rows.first { $0.first == label }.flatMap { $0.last(where: { !$0.isEmpty }) }.flatMap(Double.init)
    }

    /// Each outcome's present value, by the id in its row.
    func outcomePresentValues() -> [String: Double] {
        guard
            let heading = rows.firstIndex(where: {
                $0.contains(ValueMapLayout.OutcomeColumn.id.rawValue) && $0.first == "Stakeholder"
                    && $0.contains(ValueMapLayout.presentValueHeading)
            })
        else { return [:] }
        let idColumn = rows[heading].firstIndex(of: ValueMapLayout.OutcomeColumn.id.rawValue)!
        let pvColumn = rows[heading].firstIndex(of: ValueMapLayout.presentValueHeading)!
        var found: [String: Double] = [:]
        for row in rows[(heading + 1)...] {
            guard row.count > pvColumn, !row[idColumn].isEmpty, let value = Double(row[pvColumn]) else { break }
            found[row[idColumn]] = value
        }
        return found
    }
}

@Suite struct SpreadsheetTests {
    /// The bundled scenarios that evaluate as shipped: one needs values its user supplies under
    /// licence (HACT's), which the repository cannot hold.
    static let bundledScenarios: [String] = {
        let directory = Support.packageRoot.appendingPathComponent("Scenarios/use-it").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter {
            $0.hasSuffix(".yaml")
        }
        .sorted().map { "\(directory)/\($0)" }.filter { path in
            guard (try? String(contentsOfFile: path, encoding: .utf8))?.contains("supplied_by_user") == true else {
                return true
            }
            print("note: \(path) needs values its user supplies, so it is not in the workbook tests")
            return false
        }
    }()

    /// The social-enterprise scenario evaluated on the sample records, and its value map.
    static func socialEnterpriseValueMap() throws -> (input: ReportInput, workbook: Workbook) {
        let path = Support.packageRoot.appendingPathComponent("Scenarios/use-it/social-enterprise.yaml").path
        let input = try Self.input(path, data: try Support.sampleStore())
        return (input, ValueMapWorkbook.make(input))
    }

    /// Where a column of the outcomes table has its heading.
    static func heading(_ column: ValueMapLayout.OutcomeColumn, in sheet: Sheet) throws -> CellAddress {
        try #require(sheet.cells.first { $0.value.value == .text(column.rawValue) }?.key)
    }

    static func input(_ path: String, data: String) throws -> ReportInput {
        let loaded = try ScenarioWithRecords.load(path, data: data)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        return ReportInput(scenario: loaded.scenario, evaluation: evaluation, provenance: Provenance(loaded))
    }

    static func close(_ a: Double?, _ b: Double?, _ what: String) {
        guard let a, let b else {
            Issue.record("\(what): missing (\(String(describing: a)) vs \(String(describing: b)))")
            return
        }
        let scale = max(abs(a), abs(b), 1e-300)
        #expect(abs(a - b) / scale <= 1e-9, "\(what): workbook \(a), engine \(b)")
    }

    @Test(.enabled(if: LibreOffice.available, "LibreOffice is not installed"))
    func everyBundledValueMapRecalculatesToTheEnginesFigures() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        var inputs: [ReportInput] = []
        var files: [String] = []
        for (index, path) in Self.bundledScenarios.enumerated() {
            let input = try Self.input(path, data: data)
            let file = "\(out)/map\(index).xlsx"
            try WorkbookWriter.data(ValueMapWorkbook.make(input)).write(to: URL(fileURLWithPath: file))
            inputs.append(input)
            files.append(file)
        }
        #expect(files.count >= 6)
        let maps = try LibreOffice.recalculatedValueMaps(files).map(RecalculatedValueMap.init)
        for (input, map) in zip(inputs, maps) {
            let results = input.evaluation.results
            let name = input.scenario.title
            Self.close(
                map.total(ValueMapLayout.totalPresentValueLabel), results.totalPresentValue.value.number,
                "\(name): total present value")
            Self.close(
                map.total(ValueMapLayout.netPresentValueLabel), results.netPresentValue.value.number, "\(name): NPV")
            if let ratio = results.sroiRatio.value.number {
                Self.close(map.total(ValueMapLayout.ratioLabel), ratio, "\(name): SROI ratio")
            } else {
                #expect(map.rows.first { $0.first == ValueMapLayout.ratioLabel }?.last == "undefined: no inputs")
            }
            let presentValues = map.outcomePresentValues()
            #expect(presentValues.count == results.outcomes.count, "\(name): one row per outcome")
            for outcome in results.outcomes {
                Self.close(presentValues[outcome.id], outcome.presentValue.value.number, "\(name): \(outcome.id)")
            }
        }
    }

    /// Every discounting convention, with inputs discounted or not, over two years of inputs and
    /// deductions and drop-off that change by year: the branches no bundled scenario takes.
    @Test(.enabled(if: LibreOffice.available, "LibreOffice is not installed"))
    func everyDiscountingBranchRecalculatesToTheEnginesFigures() throws {
        let out = try Support.temporaryDirectory()
        var inputs: [ReportInput] = []
        var files: [String] = []
        for from in ["year1", "year0", "mid_year"] {
            for discountInputs in [false, true] {
                let yaml = Support.scenario(
                    discount: "discount_rate: 0.035\n  discount_inputs: \(discountInputs)", discountFrom: from,
                    inputs: ["- {id: grant, amount: 10000, year: 1}", "- {id: second, amount: 4000, year: 3}"],
                    outcome: [
                        "quantity: 10", "proxy: {value: 1000, currency: GBP, source: Test figures}", "duration: 4",
                        "value_type: social", "deadweight: [0.1, 0.2, 0.3, 0.4]", "attribution: 0.25",
                        "drop_off: [0.5, 0, 0.2]",
                    ])
                let loaded = try Support.load(yaml)
                let evaluation = try Evaluator().evaluate(loaded.scenario)
                let input = ReportInput(
                    scenario: loaded.scenario, evaluation: evaluation, provenance: Provenance(loaded))
                let file = "\(out)/\(from)-\(discountInputs).xlsx"
                try WorkbookWriter.data(ValueMapWorkbook.make(input)).write(to: URL(fileURLWithPath: file))
                inputs.append(input)
                files.append(file)
            }
        }
        // Stakeholder names a SUMIF criterion would misread: an operator, wildcards, a tilde.
        let names = ["=Trust", "<10 people*", "~tilde?", "participants"]
        let hostile = """
            schema: sroi-scenario/1
            title: Names a criterion would misread
            analysis_period: {years: 3}
            report_currency: GBP
            conventions: {discount_from: year1, discount_rate: 0.035}
            stakeholders:
              - {id: participants, name: "\(names[0])"}
              - {id: s1, name: "\(names[1])"}
              - {id: s2, name: "\(names[2])"}
            inputs:
              - {id: grant, amount: 10000}
            outcomes:
              - {id: jobs, stakeholder: participants, quantity: 10, duration: 3, value_type: social, proxy: {value: 1000, currency: GBP, source: Test figures}}
              - {id: more, stakeholder: s1, quantity: 4, duration: 2, value_type: social, proxy: {value: 700, currency: GBP, source: Test figures}}
              - {id: other, stakeholder: s2, quantity: 3, duration: 1, value_type: social, proxy: {value: 500, currency: GBP, source: Test figures}}

            """
        let hostileLoaded = try Support.load(hostile)
        let hostileInput = ReportInput(
            scenario: hostileLoaded.scenario, evaluation: try Evaluator().evaluate(hostileLoaded.scenario),
            provenance: Provenance(hostileLoaded))
        let hostileFile = "\(out)/names.xlsx"
        try WorkbookWriter.data(ValueMapWorkbook.make(hostileInput)).write(to: URL(fileURLWithPath: hostileFile))
        let maps = try LibreOffice.recalculatedValueMaps(files + [hostileFile]).map(RecalculatedValueMap.init)
        let hostileMap = try #require(maps.last)
        for (index, stakeholder) in ["participants", "s1", "s2"].enumerated() {
            let expected = hostileInput.evaluation.results.outcomes.filter { $0.stakeholder == stakeholder }
                .compactMap(\.presentValue.value.number).reduce(0, +)
            Self.close(hostileMap.total(names[index]), expected, "present value of \(names[index])")
        }
        for (input, (map, file)) in zip(inputs, zip(maps, files)) {
            let results = input.evaluation.results
            let name = (file as NSString).lastPathComponent
            Self.close(map.total(ValueMapLayout.totalInputsLabel), results.totalInputs.value.number, "\(name): inputs")
            Self.close(
                map.total(ValueMapLayout.totalPresentValueLabel), results.totalPresentValue.value.number,
                "\(name): total present value")
            Self.close(map.total(ValueMapLayout.ratioLabel), results.sroiRatio.value.number, "\(name): ratio")
        }
        // Discounted inputs count for less than their amounts: the branch was taken.
        let discounted = try #require(inputs[1].evaluation.results.totalInputs.value.number)
        #expect(discounted < 14_000)
    }

    @Test(.enabled(if: LibreOffice.available, "LibreOffice is not installed"))
    func changingADeadweightCellMovesTheRatioToWhatRunGives() throws {
        let (input, workbookMade) = try Self.socialEnterpriseValueMap()
        var workbook = workbookMade
        var sheet = workbook.sheets[0]
        // The deadweight cell of the first outcome, found by its heading and the outcome's id.
        let heading = try Self.heading(.deadweight, in: sheet)
        let idColumn = try #require(
            sheet.cells.first { $0.key.row == heading.row && $0.value.value == .text("Id") }?.key.column)
        let first = input.scenario.outcomes[0]
        let row = try #require(
            sheet.cells.first { $0.key.column == idColumn && $0.value.value == .text(first.id) }?.key.row)
        sheet[row, heading.column] = Cell(.number(0.1), style: .share)
        workbook.sheets[0] = sheet
        let out = try Support.temporaryDirectory()
        let file = "\(out)/changed.xlsx"
        try WorkbookWriter.data(workbook).write(to: URL(fileURLWithPath: file))
        let map = try #require(LibreOffice.recalculatedValueMaps([file]).first.map(RecalculatedValueMap.init))

        var changed = input.scenario
        changed.outcomes[0].deadweight = Assumption(.constant(0.1))
        let rerun = try Evaluator().evaluate(changed).results
        let before = try #require(input.evaluation.results.sroiRatio.value.number)
        let after = try #require(rerun.sroiRatio.value.number)
        #expect(abs(after - before) > 0.01, "the change moves the ratio")
        Self.close(map.total(ValueMapLayout.ratioLabel), after, "ratio after the deadweight changed")
    }

    /// Every bundled scenario's value map, imported and run, gives its figures bit for bit.
    @Test func aValueMapImportedAndRunGivesTheOriginalFiguresBitForBit() throws {
        let data = try Support.sampleStore()
        for path in Self.bundledScenarios {
            let input = try Self.input(path, data: data)
            let bytes = try WorkbookWriter.data(ValueMapWorkbook.make(input))
            let workbook = try WorkbookReader.read(bytes, file: "value-map.xlsx")
            try Self.expectSameFigures(workbook, as: input, name: input.scenario.title)
        }
    }

    /// `tolerance` 0 asks for the same bits; LibreOffice writes numbers with 15 significant
    /// digits, so a workbook it saved gives figures within a few parts in 10^15.
    static func expectSameFigures(_ workbook: Workbook, as input: ReportInput, name: String, tolerance: Double = 0)
        throws
    {
        let imported = try ValueMapImport.read(workbook, file: "value-map.xlsx")
        let loaded: LoadedScenario
        do {
            loaded = try Support.load(imported.yaml, file: "imported.yaml")
        } catch {
            Issue.record("\(name): \(error.diagnostics.map(imported.locate))\n\(imported.yaml)")
            return
        }
        let again = try Evaluator().evaluate(loaded.scenario).results
        let original = input.evaluation.results
        // Financial years survive the round trip, and with them every year's label.
        #expect(loaded.scenario.financialYears == input.scenario.financialYears, "\(name): the kind of year")
        #expect(
            (1...input.scenario.analysisYears.value).map(loaded.scenario.yearLabel)
                == (1...input.scenario.analysisYears.value).map(input.scenario.yearLabel), "\(name): year labels")
        func bits(_ figure: Figure) -> String {
            switch figure.value {
            case .number(let value): return String(value.bitPattern, radix: 16)
            case .undefined(let reason): return "undefined: \(reason)"
            }
        }
        if tolerance > 0 {
            let pairs: [(Figure, Figure, String)] =
                [
                    (again.totalPresentValue, original.totalPresentValue, "total present value"),
                    (again.netPresentValue, original.netPresentValue, "NPV"),
                    (again.sroiRatio, original.sroiRatio, "ratio"),
                ] + zip(again.outcomes, original.outcomes).map { ($0.presentValue, $1.presentValue, $1.id) }
            for (a, b, what) in pairs {
                let x = try #require(a.value.number), y = try #require(b.value.number)
                #expect(abs(x - y) <= tolerance * max(abs(y), 1), "\(name): \(what) \(x) vs \(y)")
            }
            #expect(again.outcomes.count == original.outcomes.count)
            return
        }
        #expect(bits(again.totalPresentValue) == bits(original.totalPresentValue), "\(name): total present value")
        #expect(bits(again.totalInputs) == bits(original.totalInputs), "\(name): inputs")
        #expect(bits(again.netPresentValue) == bits(original.netPresentValue), "\(name): NPV")
        #expect(bits(again.sroiRatio) == bits(original.sroiRatio), "\(name): ratio")
        #expect(bits(again.paybackMonths) == bits(original.paybackMonths), "\(name): payback")
        #expect(
            again.outcomes.map { bits($0.presentValue) } == original.outcomes.map { bits($0.presentValue) },
            "\(name): outcomes")
    }

    /// A workbook LibreOffice wrote itself (from an ODS of the value map) imports to the same figures.
    @Test(.enabled(if: LibreOffice.available, "LibreOffice is not installed"))
    func aWorkbookWrittenByLibreOfficeImports() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        let paths = ["programme.yaml", "health-professionals.yaml"].map {
            Support.packageRoot.appendingPathComponent("Scenarios/use-it/\($0)").path
        }
        var inputs: [ReportInput] = []
        for (index, path) in paths.enumerated() {
            let input = try Self.input(path, data: data)
            try WorkbookWriter.data(ValueMapWorkbook.make(input)).write(
                to: URL(fileURLWithPath: "\(out)/map\(index).xlsx"))
            inputs.append(input)
        }
        let ods = "\(out)/ods", xlsx = "\(out)/xlsx"
        try LibreOffice.convert(paths.indices.map { "\(out)/map\($0).xlsx" }, to: "ods", into: ods)
        try LibreOffice.convert(
            paths.indices.map { "\(ods)/map\($0).ods" }, to: "xlsx:Calc MS Excel 2007 XML", into: xlsx)
        for (index, input) in inputs.enumerated() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: "\(xlsx)/map\(index).xlsx"))
            // LibreOffice's own file: shared strings and cached formula results, not ours.
            #expect(bytes != (try WorkbookWriter.data(ValueMapWorkbook.make(input))))
            let workbook = try WorkbookReader.read(bytes, file: "map.xlsx")
            try Self.expectSameFigures(
                workbook, as: input, name: "LibreOffice's \(input.scenario.title)", tolerance: 1e-13)
        }
    }

    @Test func importProblemsPointAtTheirCells() throws {
        var workbook = try Self.socialEnterpriseValueMap().workbook
        var sheet = workbook.sheets[0]
        let heading = try Self.heading(.deadweight, in: sheet)
        // A deadweight above 1 is refused by the scenario's own check, reported at the cell.
        sheet[heading.row + 1, heading.column] = Cell(.number(1.5))
        // Text where a quantity goes is refused by the reader, at its cell.
        let quantity = try Self.heading(.quantity, in: sheet)
        sheet[quantity.row + 2, quantity.column] = Cell(.text("about ten"))
        workbook.sheets[0] = sheet
        let file = try Support.temporaryDirectory() + "/value-map.xlsx"
        try WorkbookWriter.data(workbook).write(to: URL(fileURLWithPath: file))
        let quantityCell = CellAddress(row: quantity.row + 2, column: quantity.column)
        let result = try Support.sroi(["import", "value-map", file, "--out", file + ".yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("value-map.xlsx: Value map!\(quantityCell): error:"), "\(result.stderr)")
        #expect(result.stderr.contains("about ten"))
        #expect(!FileManager.default.fileExists(atPath: file + ".yaml"))

        sheet[quantity.row + 2, quantity.column] = Cell(.number(10))
        workbook.sheets[0] = sheet
        try WorkbookWriter.data(workbook).write(to: URL(fileURLWithPath: file))
        let deadweightCell = CellAddress(row: heading.row + 1, column: heading.column)
        let second = try Support.sroi(["import", "value-map", file, "--out", file + ".yaml"])
        #expect(second.status == 1)
        #expect(second.stderr.contains("value-map.xlsx: Value map!\(deadweightCell): error:"), "\(second.stderr)")
        #expect(second.stderr.contains("deadweight"))
        #expect(!FileManager.default.fileExists(atPath: file + ".yaml"))
    }

    @Test func hostileWorkbooksAreRefusedWithTheirReason() throws {
        #expect(throws: WorkbookReadError.self) { try WorkbookReader.read(Data("not a zip".utf8), file: "x.xlsx") }
        // An entity declaration (the door to "billion laughs") in a part is refused before parsing.
        let book = Workbook(sheets: [Sheet(name: "Value map")])
        let bytes = try WorkbookWriter.data(book)
        let text = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><workbook/>"
        let archive = try ZIPPart.replacing("xl/workbook.xml", with: Data(text.utf8), in: bytes)
        do {
            _ = try WorkbookReader.read(archive, file: "x.xlsx")
            Issue.record("a document type declaration was read")
        } catch {
            #expect(error.reason.contains("document type"))
        }
    }

    /// Found by a round of hostile files: a part nested 50,000 deep overflowed the decoder's
    /// stack, and a row numbered Int.max trapped on the next row's number.
    @Test func deepNestingAndRowNumbersBeyondASheetAreRefusedNotCrashed() throws {
        let bytes = try WorkbookWriter.data(Workbook(sheets: [Sheet(name: "Value map")]))
        let sheetPath = "xl/worksheets/sheet1.xml"
        let deep =
            "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
            + String(repeating: "<row>", count: 50_000) + String(repeating: "</row>", count: 50_000)
            + "</sheetData></worksheet>"
        let wide =
            "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"\(Int.max)\"><c><v>1</v></c></row><row><c><v>2</v></c></row></sheetData></worksheet>"
        for (xml, reason) in [(deep, "nests elements more than 100 deep"), (wide, "outside 1 to 1048576")] {
            let archive = try ZIPPart.replacing(sheetPath, with: Data(xml.utf8), in: bytes)
            do {
                _ = try WorkbookReader.read(archive, file: "x.xlsx")
                Issue.record("a hostile sheet was read")
            } catch {
                #expect(error.reason.contains(reason), "\(error.reason)")
            }
        }
        // A workbook as sroi writes it nests far less, comments and quoted '>' included.
        let ordinary = Data("<a x=\"1>2\"><!-- <b><b><b> --><b/><c><![CDATA[<d><d>]]></c></a>".utf8)
        #expect(WorkbookReader.nestingDepth(ordinary, limit: 2) == nil)
        #expect(WorkbookReader.nestingDepth(Data("<a><b><c></c></b></a>".utf8), limit: 2) == 2)
    }

    /// Two separate runs of the executable, each with its own hash seed: a dictionary's order
    /// that leaked into an output would show here, where one process cannot show it.
    @Test func twoProcessesWriteTheSameBytes() throws {
        let data = try Support.sampleStore()
        var outputs: [[String: Data]] = []
        for _ in 0..<2 {
            let out = try Support.temporaryDirectory()
            let made = try Support.sroi([
                "report", Support.exampleScenario, "--data", data, "--draws", "500", "--out", out,
            ])
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try Support.sroi(["run", Support.exampleScenario, "--data", data, "--out", out]).status == 0)
            var files: [String: Data] = [:]
            for name in ["value-map.xlsx", "report.html", "report.md", "impact-map.csv", "results.json", "trace.json"] {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
            }
            outputs.append(files)
        }
        for (name, bytes) in outputs[0] {
            #expect(outputs[1][name] == bytes, "\(name) differs between two runs")
        }
    }

    @Test func theWorkbookIsTheSameBytesForTheSameScenario() throws {
        let data = try Support.sampleStore()
        let path = Support.packageRoot.appendingPathComponent(Support.exampleScenario).path
        let first = try WorkbookWriter.data(ValueMapWorkbook.make(Self.input(path, data: data)))
        let second = try WorkbookWriter.data(ValueMapWorkbook.make(Self.input(path, data: data)))
        #expect(first == second)
    }
}

/// Rewrites one part of a ZIP archive, for hostile workbooks.
enum ZIPPart {
    static func replacing(_ path: String, with contents: Data, in data: Data) throws -> Data {
        let source = try Archive(data: data, accessMode: .read)
        let target = try Archive(accessMode: .create)
        for entry in source {
            var bytes = Data()
            _ = try source.extract(entry) { bytes.append($0) }
            if entry.path == path { bytes = contents }
            let part = bytes
            try target.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(part.count), compressionMethod: .deflate,
                provider: { position, size in part.subdata(in: Int(position)..<Int(position) + size) })
        }
        return try #require(target.data)
    }
}

/// Workbooks that once stopped the reader: found by the workbook fuzz target.
@Suite struct HostileWorkbookTests {
    /// A workbook whose compressed part is cut short: ZIPFoundation would inflate it for ever.
    static let unterminated = [
        "UEsDBBQAAAgIAAAAIQCm0ZYADQEAAKgCAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbK2SvU7DMBSFd57C8lrFbhkQQk06FBiBoTzA",
        "xblJrPpPvm5J3x7HLQyolKWTZd9zzndsebkarWF7jKS9q/lCzDlDp3yrXV/z981zdc8ZJXAtGO+w5gckvmpulptDQGLZ7KjmQ0rh",
        "QUpSA1og4QO6POl8tJDyNvYygNpCj/J2Pr+TyruELlVpyuDN8hE72JnEnsZ8fCwS0RBn66NwYtUcQjBaQcpzuXftL0p1IojsLBoa",
        "dKBZFnB5ljBN/gacfK/5ZaJukb1BTC9gs0qORn76uP3wfisuh5xp6btOK2y92tlsERQiQksDYrJGlFVY0G52mU/pYJCuTS+h/5Cn",
        "mxcDybIsrlziJ/+7hywfhfkCUEsDBBQAAAgIAAAAIQAGWceCsQAAACgBAAALAAAAX3JlbHMvLnJlbHONz7EOgjAQBuDdp2hul4KD",
        "MYbCYkxYDT5AbY9CgF7TVoW3t6MaB8fL/ff9ubJe5ok90IeBrIAiy4GhVaQHawRc2/P2ACxEabWcyKKAFQPU1aa84CRjugn94AJL",
        "iA0C+hjdkfOgepxlyMihTZuO/Cxj5j/hTqpRGuS7PN9z/25A9WGyRgvwjS6AtavDf2zqukHhidR9Rht/VHwlkiy9wShgmfiT/Hgj",
        "GrOEAq9K/vFg9QJQSwMEFAAACAgAAAAhAI/wuZXcAAAASwEAAA8AAAB4bC93b3JrYm9vay54bWyNUE1PwzAMvfMrIt9Z2h0Qq9ru",
        "MIQ0CQkOwN2k7hotiaM45ePfk3bszun56z0/u91/e6c+KYnl0EG9qUBRMDzYcOrg7fXx9h6UZAwDOg7UwQ8J7Pub9ovT+YP5rAo/",
        "SAdTzrHRWsxEHmXDkULpjJw85pKmk5aYCAeZiLJ3eltVd9qjDXBRaNJ/NHgcraEHNrOnkC8iiRzm4l4mGwX6dt0gf6gC+uL6Hd1M",
        "ymMsxyzl41BuBZUaW4J0HGrQfauvTIPOvCS1wDq4q6vtDtQ4O3cotefwxLgKLKTrI/pfUEsDBBQyAAgIAAAAIQDgQpaKxwAAAKgB",
        "AAAaAAAAeGwvX3JlbHMvd29ya2Jvb2sueG1sLnJlbHOtkM2qwjAQhfc+RZi9ndaFyMW0m8sFt6IPENLpD7ZJyIw/fXuDoii4uAtX",
        "w5lhvnM46+oyDupEkXvvNBRZDoqc9XXvWg373d98BYrFuNoM3pGGiRiqcrbe0mAk/XDXB1YJ4lhDJxJ+ENl2NBrOfCCXLo2Po5Ek",
        "Y4vB2INpCRd5vsT4yoDyjak2tYa4qQtQuynQf9i+aXpLv94eR3LywQLPPh64I5IENbEl0fBcMd5GkSUq4Ocwi2+GYZmGVOYzyV0/",
        "7PGt4PIKUEsDBBQAAAgIAAAAIQAeo8n+WQIAADQJAAANAAAAeGwvc3R5bGVzLnhtbLVWS3ObMBC+91do5OmtNZj40XaATJqUmV5y",
        "iTPTqwCBNSMkRpJT3F9fPYDgxE6wW3OwtGK/bx/aXRxeNxUFT1hIwlkEZ1MfAswynhNWRvBxnXz+AoFUiOWIcoYjuMMSXscfQql2",
        "FD9sMFZAMzAZwY1S9TfPk9kGV0hOeY2ZflNwUSGlRVF6shYY5dKAKuoFvr/0KkQYjEO2rZJKSZDxLVMRnPdHwC0/c+3bcg6Bo7vl",
        "uXZl8mky8ae+D72D2ot9ba358Yjm8pWmfY5or15rG02vjSEOC872QzEHcSj/gCdENYMjRhV28o0giFoGp+d+U2+AmJ+MGGWDDBBf",
        "zduMUy6AKNMIJsnCPm/z2MWETCjtQ76C7iAOa6QUFizRAmj3612tk8Z0LTkaq/eOdinQbhYsxgMkpyQ3XpS3w4ju7n6sEpuZtH1B",
        "WI4brK91aVPsDRh7W3bRMaZc5LpPuigD2B3FIcWF0nBByo1ZFa+NDa4Ur/QmJ6jkDFFjoEMcRwLbWRFUG90ZPU13mvNtSm3qDrG2",
        "G+1shil9MJBfRe/xTHvcFINa9k0ls36rw2y3jsYJhn/I5riHtMFZvKApegPH0LP30QDVNd0l3AX4BldwGa5gFFcracyzdENJySrc",
        "3QzqRPBboHqNGwfUo1mRzPSerg17GU3xwrF2MI5OuDN/v61SLBI7yQ6F2w7Q/866vAjr6oyLfsk6+vr/raivTi3ES5bLsWTNTkuW",
        "k75b+MELOqN3xljsOqobUv18stNqb/L1p8B8ziJ4b4jpwGi6JVQRdmDqaU7v+f9O/BdQSwMEFAAACAgAAAAhAKlwYA+mCQAAzS0A",
        "ABgAAAB4bC93b3Jrc2hlZXRzL3NoZWV0MS54bWzNWl1y2zgSft9ToFSpWXvWtkRSP5Yia8qJotgzSazEkuV9StEkJGGHJBgAtOO9",
        "yBxoLrYNkCJFBWJEJA+bqpiSgP7QjW6gPzQ4/O1rGKBHzDih0UXDOms1EI486pNoddGYzyan5w3EhRv5bkAjfNF4xrzx2+gfwyfK",
        "/uRrjAUCgIhfNNZCxINmk3trHLr8jMY4gpYlZaEr4CtbNXnMsOsroTBo2q1Wtxm6JGqkCAN2CAZdLomHx9RLQhyJFIThwBWgPl+T",
        "mDdGQzXClI2GsbvCt1jM4ylDSyJmdAo/gJGN5mjYzHt5NODqLwqJnIIGCt2v6vlEfLG+aNjtBvISLmi4SH9QALmAnQnYhUC3UsDJ",
        "BJxcwGlVCrQzgXYuYFWP0MkEOocKdDOBbiFgVwr0MoFeIVBtw3kmcJ4LtKsF+plAPxc4r+wvxycd1zpUIne1dagnrI2zrcLbTnV4",
        "WBt3W86hk2ttHG61DxbZuNzqHCyycbp1sNetjdut3sEiG8db5weLbFxv9Q8VsTfOt1sHi2y8bxfely6qEsmXun2wyMb7tnOwyMb7",
        "dvs7Is1061I72dgV7mjI6BNishXw5IdLsI2rvUxcNEgUkAjfCgatBOTU1j3gsevBpgh7M8fsETdGd26QYNAgHqAZjlCUMI5RTLng",
        "A8SwxxIisI+ozBnY5adfEjcgSwI/QZpYLodNAYpJ+KYH/0GhXCs718pWWvXraLVgRAhQ5+EZcUYJap1BrjpDE7JKoA8iEXr7anqG",
        "ZmuM/pP4KyzTA0cuw2BA+AC6vkQrRjlHj9K8E0RCGEGcIOx6a/SMXfbPvMkn3KNJJCAFniClQSTSNgR5EAkYQlDhBim8zE5JANmq",
        "wvJ2bnlbWW7XsXxGRIDL4ArrVbsWyk91ZSc3qFPfoBu2ciPCVc7W2dWpA3YLLnnCQaBcs8BcoFeEwTpard0QXVEeE+WpD1e3aMZg",
        "BaEjEgTwZDD8Iz6usLGb29itb+P11iA6G7t1wC4jtK00orGcOhl5yKMQx4xwGg1UYKbBjugydfOJ+pGvZaDCb2sKEYCABEXec+pj",
        "9ESTAEIAurEnAtEheV0q5WM/8RSvysOeJ3FMmYBReba4XM6TUKkDC0x2ARVx2uTJ4KpaFb18gnv1J/h1wpg0Qze5vTpAsG1U6Hie",
        "63heX8fLyA2eOeFqf+E6TVNQS+7XjyNn2HzUqNDPVejXV2FCGMS85wYYGDxTiuj06G/rYbfstl4VoFZ5YmnVV2bKgLujBxfCbJ8i",
        "EvZwQNDUOZXK7vWftZUKrfoaj7NUgJaMhlp9a6VWabVVpW2RIi37B7QlUZwIbcBZtQAjWqVskdUsg7R2K2AfQtZA7kN/4jUNfMzS",
        "nUanfXnkIv1Yaf5xao68GVA7RQaQ11JlDdhrE7Ax5h4j8Z70ODaB/Ld+ub0xwboMZYxp0CYmaK8lGPY1cG9N4K4gQggsgIzM+VVR",
        "VCR4q1Y6rks5tEFWa8SMq0lOe5rlYG2wdevz6ndutEpgJZ4AIVyRlGIAt5CmxQH0lWPmeV8yDknCM310O8w4UyLLJVaeSLKAS1vb",
        "qrHbgn/lDpOtDssRdB82l6WYMDBxm4u9RO4DTYQ8LKDuCQwvadHGvBiYU2ZaFW+xCuJiGTCXmTw77N+iJxmmyrXL0e38/RFMygD+",
        "H+dzUVanIAiWAUMYF6cdbaD260/45gClyCCc1FpOp+pYWJAKu2WwHW2TLI0F8wxUH5B35Va73O4oaLe6IXbBMWwDjvH6O+RsnoHq",
        "2Flmw26Hzq4Zux26eyzZOqL/CP9Qfj/iAscQ54Kqg4G07lhrXjpSR+mWBUvZvO90WFR0KJvnFOY5P0IGXU9QvatS2K5aulbzyPoX",
        "mHdc3sPuSp1ARHa7+6bbotTtLu222O5Wtq3gRLbBmVyxMY5sBN5qDxBskXCyxHB+xI/Eh3MW5IeiApLWTqqWdJFa7e5PJ2gmkDep",
        "QbqsaQJ3HfnEc/VBMDYC1DGgNyZIaflOPMc6YycmiB8TF9KD0B2135rgzSOioy9XJliLNWZY7S9fMi2RCtx9B7Zrw3gEdrBne/7d",
        "BHGcsH3lrz9M8CYkciOPAK+IGf2q89Q7E9ipBEOcJszTRdN78/iUBao9mn4wmlDsAicnq7Uusm6MEAnPCbAGc2qCeSkEIw/JHs9/",
        "NFKT0fiU7hZrFd4no40Szp0h4SF6IK6Ont6agL4tKu8ayJnRhqlyEDqSqxLRaLeSm6VjA2B5VEYWOpI8Swd6ZwxqK9CODnRhDOoo",
        "0K4O9N5syW/dd1Sl+OIQZNeqt/6M07Pdq38ouVK1b9h31P0NHGJVgVzVu7Evr5V8Amc/ETwjHMYBfd7cggCDBSLr+lJ0u3KupRL/",
        "n3qN63koRTtVlwWn7iMFAqhnJ7VQJ8Ce3eAEeS5fuw/aG61JNn/nisj37d5OceBtvRG1HMPAQ9kN3yDzzN9/pfcon2PMPsuf5C/q",
        "iuVzfo3yOfPIBbJastnqtDvy2TrraklJr+KI+nu51Sm3/vFDFoXUx8HRL18SKl5Ga/B26nruPsKC5M30qQyVJn/23DjGftr9WBp3",
        "1u1brV77vN+3++2W09MSDwMFtWSjt1U60oy8PSsfss6bI+Huifim3F5unO4I78z4xyrZT1WNt1smLEcQ7b+CUeVT36zUBQR+PbJO",
        "wZpj+bzJntPsCYPtHBrnJfHZLvpdqXmeon/8BmVR6na3r9t9Wdf5++mnm/H89ewIgAeAcfJi/sJ2Bi8W8HffqbWoXdkGtav0DqEz",
        "AIqqyC/DImFRRdZyilqTY3CBlZbu4v0pMp2XDHqrggdTNbjfnsCyVkUByTEoIH2noHifYWbqTKzeHi2K4o9jUPz5gMUBM2NvqwIT",
        "dQra7VGnKNY4BsWa208310gdsrR6pIg9pcb15Ai0uGidpBtbEvl4CUP4AxTRbFrTlhNQuAld97mxuBBzDC7E5AR+R+u2odZ2ldZF",
        "rcYxeNGhxBclXXncU38oD1qwR+dns4h7Z2dbgpl68eYFrED1N5uvXaDNXFUv1GK7cgy2q2/miu8rdJXfHio2rXat6/GfQLXv261v",
        "J/NSTeZlMZmL96qe7ObWC20xI5G4SV8wQStG/HdgOOjTku+/yfd737tsBUwYBXgJE9M6gyXCZBkg+yxoLD91GuiBCkHD7MsaiDNm",
        "8gtsBEtKxeZLM39rOIlR7ALzuSX/xYq9UEbAeapsc9EIwFIIoBg30jeL89fy0q9XONNBAqaDTdQooyH1/ezjL24Yv3yXv26nvn6S",
        "rygj9XEqmb369GHYLKSGzTJeM38se/Q/UEsBAhUDFAAACAgAAAAhAKbRlgANAQAAqAIAABMAAAAAAAAAAAAAAKSBAAAAAFtDb250",
        "ZW50X1R5cGVzXS54bWxQSwECFQMUAAAICAAAACEABlnHgrEAAAAoAQAACwAAAAAAAA+6AAAApIE+AQAAX3JlbHMvLnJlbHNQSwEC",
        "FQMUAAAICAAAACEAj/C5ldwAAABLAQAADwAAAAAAAAAAAAAApIEYAgAAeGwvd29ya2Jvb2sueG1sUEsBAhUDFAAACAgAAAAhAOBC",
        "lorHAAAAqAEAABoAAAAAAAAAAAAAAKSBIQMAAHhsL19yZWxzL3dvcmtib29rLnhtbC5yZWxzUEsBAhUDFAAACAgAAAAhAB6jyf5Z",
        "AgAANAkAAA0AAAAAAAAAAAAAAKSBIAQAAHhsL3N0eWxlcy54bWxQSwECFQMUAAAICAAAACEAqXBgD6YJAADNLQAAGAAAAAAAAAAA",
        "AAAApIGkBgAAeGwvd29ya3NoZWV0cy9zaGVldDEueG1sUEsFBgAAAAAGAAYAgAEAAIAQAAAAAA==",
    ].joined()

    @Test func aCompressedPartCutShortIsRefusedWithinTheDeadline() throws {
        let file = try Support.temporaryDirectory() + "/damaged.xlsx"
        try Data(base64Encoded: Self.unterminated)!.write(to: URL(fileURLWithPath: file))
        let started = Date()
        let result = try Support.sroi(["import", "value-map", file, "--out", file + ".yaml"])
        // Refused, whichever way the damage shows (on a busy machine the reader may reach a broken
        // part before the deadline); never a hang: the bound is generous, for busy machines.
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot be read as a workbook"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < WorkbookReader.readingDeadline * 12)
        #expect(!FileManager.default.fileExists(atPath: file + ".yaml"))
    }

    @Test func everyTruncationOfAWorkbookIsRefusedNotCrashed() throws {
        let book = Workbook(sheets: [Sheet(name: ValueMapLayout.sheetName)])
        let bytes = try WorkbookWriter.data(book)
        for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)) {
            do {
                _ = try WorkbookReader.read(bytes.prefix(length), file: "cut.xlsx")
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
    }
}

extension SpreadsheetTests {
    /// The business case sheet of each trust option, recalculated by LibreOffice, gives every
    /// figure of the business case the engine gives: costs, whole cost, net, and the cash view by
    /// year in the price base and nominal, each a formula written from its node's arithmetic.
    @Test(.enabled(if: LibreOffice.available, "LibreOffice is not installed"))
    func theBusinessCaseSheetRecalculatesToTheEnginesFigures() throws {
        let out = try Support.temporaryDirectory()
        var inputs: [ReportInput] = []
        var files: [String] = []
        for name in ["trust-agency-cover", "trust-recruited-staff"] {
            let input = try Self.input("Scenarios/use-it/\(name).yaml", data: try Support.sampleStore())
            let file = "\(out)/\(name).xlsx"
            try WorkbookWriter.data(ValueMapWorkbook.make(input)).write(to: URL(fileURLWithPath: file))
            inputs.append(input)
            files.append(file)
        }
        try LibreOffice.convert(
            files, to: "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", into: out)
        for (input, file) in zip(inputs, files) {
            let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let rows = LibreOffice.parseCSV(
                try String(contentsOfFile: "\(out)/\(base)-Business case.csv", encoding: .utf8))
            let trace = input.evaluation.trace
            var formulas = 0
            // A share shows as a percentage.
            func number(_ text: String) -> Double? {
                text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
            }
            for row in rows where row.count >= 5 && (row[4].hasPrefix("business_case.") || row[4].hasPrefix("cost.")) {
                let node = try #require(trace[row[4]], "\(row[4])")
                Self.close(number(row[1]), node.value.number, "\(base): \(row[4])")
                if row[3] != "as the engine computed it" { formulas += 1 }
            }
            // Every figure of the cash view, nominal too, is a formula: 4 + 4 nominal + 1 discounted a year, and the totals.
            let years = input.scenario.analysisYears.value
            #expect(formulas >= 9 * years + 3, "\(base): \(formulas) formulas")
            let nominal = try #require(input.evaluation.results.businessCase?.years.last?.nominal?.netCash.value.number)
            #expect(
                rows.contains {
                    $0.count >= 5 && $0[4] == "business_case.nominal.net_cash.year\(years)"
                        && Double($0[1]).map { abs($0 - nominal) <= 1e-9 * abs(nominal) } == true
                })
        }
    }
}
