import Foundation
import SROICore
import SROILoad

/// Reads a filled-in value map (the layout of ``ValueMapLayout``, as `report` writes it or as
/// laid out by hand) into a scenario file.
///
/// Every figure is read from its cell and written into the scenario with a comment naming that
/// cell; the scenario is then checked like any other, and each problem is reported at the cell
/// it came from (`value-map.xlsx: Value map!N27`), so the user knows what to fix.
public struct ValueMapImport {
    /// The scenario file's text.
    public var yaml: String
    /// The cell behind each line of ``yaml`` that holds a figure, by line number.
    public var cells: [Int: SourceLocation]

    /// Reads `workbook` (read from `file`); refuses missing blocks and cells that are not what
    /// their heading asks for, each at its cell.
    public static func read(_ workbook: Workbook, file: String) throws(ValidationFailure) -> ValueMapImport {
        var reader = Reader(workbook: workbook, file: file)
        let result = reader.read()
        if !reader.diagnostics.isEmpty { throw ValidationFailure(reader.diagnostics) }
        return result!
    }

    /// Maps a diagnostic about the scenario text back to the workbook cell its line came from.
    public func locate(_ diagnostic: Diagnostic) -> Diagnostic {
        guard let line = diagnostic.location?.line, let cell = cells[line] else { return diagnostic }
        var located = diagnostic
        located.location = cell
        return located
    }

    private struct Reader {
        let workbook: Workbook
        let file: String
        var diagnostics: [Diagnostic] = []
        var lines: [String] = []
        var cells: [Int: SourceLocation] = [:]
        var sheet: Sheet

        init(workbook: Workbook, file: String) {
            self.workbook = workbook
            self.file = file
            sheet = workbook.sheet(named: ValueMapLayout.sheetName) ?? workbook.sheets.first ?? Sheet(name: "")
        }

        func location(_ address: CellAddress, in sheet: Sheet? = nil) -> SourceLocation {
            let sheet = sheet ?? self.sheet
            return SourceLocation(
                file: file, sheet: sheet.name, row: address.row, column: address.column, name: address.description)
        }

        mutating func problem(
            _ address: CellAddress?, _ field: String, _ message: String, found: String? = nil,
            allowed: String? = nil, in sheet: Sheet? = nil
        ) {
            diagnostics.append(
                Diagnostic(
                    code: .wrongType,
                    at: address.map { location($0, in: sheet) } ?? SourceLocation(file: file, line: 1, column: 1),
                    field: field, message: message, found: found, allowed: allowed))
        }

        /// The row whose column A reads `label`, after `row`.
        func rowLabelled(_ label: String, after row: Int = 0) -> Int? {
            (row + 1...max(sheet.lastRow, row + 1)).first {
                sheet.text(at: CellAddress(row: $0, column: 1))?.trimmingCharacters(in: .whitespaces) == label
            }
        }

        /// The columns of a heading row, by heading text.
        func headings(_ row: Int) -> [String: Int] {
            var found: [String: Int] = [:]
            for column in 1...max(sheet.lastColumn, 1) {
                if let text = sheet.text(at: CellAddress(row: row, column: column))?.trimmingCharacters(
                    in: .whitespaces),
                    !text.isEmpty, found[text] == nil
                {
                    found[text] = column
                }
            }
            return found
        }

        mutating func emit(_ text: String, from address: CellAddress? = nil, in sheet: Sheet? = nil) {
            guard let address else {
                lines.append(text)
                return
            }
            let place = location(address, in: sheet)
            lines.append(text + "  # " + (place.cell ?? ""))
            cells[lines.count] = place
        }

        mutating func number(_ address: CellAddress, _ field: String, whole: Bool = false, in sheet: Sheet? = nil)
            -> Double?
        {
            let sheet = sheet ?? self.sheet
            guard let cell = sheet.cells[address] else {
                problem(address, field, "is empty; a number is needed", in: sheet)
                return nil
            }
            guard case .number(let value) = cell.value else {
                problem(
                    address, field, "is not a number", found: "'\(sheet.text(at: address) ?? "a formula")'",
                    allowed: whole ? "a whole number" : "a number", in: sheet)
                return nil
            }
            if whole, value != value.rounded() {
                problem(address, field, "must be a whole number", found: NumberFormat.shortest(value), in: sheet)
                return nil
            }
            return value
        }

        func text(_ address: CellAddress) -> String? {
            sheet.text(at: address).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }

        mutating func read() -> ValueMapImport? {
            guard workbook.sheet(named: ValueMapLayout.sheetName) != nil else {
                problem(
                    nil, "(workbook)", "has no sheet named '\(ValueMapLayout.sheetName)'",
                    found: workbook.sheets.map { "'\($0.name)'" }.joined(separator: ", "))
                return nil
            }
            // Settings: label in column A, value in column B, above the inputs.
            let inputsRow = rowLabelled(ValueMapLayout.inputsSection)
            let discountingRow = rowLabelled(ValueMapLayout.discountingSection)
            let outcomesRow = rowLabelled(ValueMapLayout.outcomesSection)
            for (label, row) in [
                (ValueMapLayout.inputsSection, inputsRow), (ValueMapLayout.discountingSection, discountingRow),
                (ValueMapLayout.outcomesSection, outcomesRow),
            ] where row == nil {
                problem(
                    nil, "(layout)", "no row of column A reads '\(label)'",
                    allowed: "the layout of docs/spreadsheets.md")
            }
            guard let inputsRow, let discountingRow, let outcomesRow else { return nil }
            var settings: [ValueMapLayout.Setting: CellAddress] = [:]
            for row in 1..<inputsRow {
                if let label = text(CellAddress(row: row, column: 1)),
                    let setting = ValueMapLayout.Setting(rawValue: label)
                {
                    settings[setting] = CellAddress(row: row, column: 2)
                }
            }
            func setting(_ key: ValueMapLayout.Setting) -> (String, CellAddress)? {
                settings[key].flatMap { address in text(address).map { ($0, address) } }
            }
            emit("# A scenario read by 'sroi import value-map' from \(Self.quote(file)).")
            emit("# Each figure's comment names the cell it was read from.")
            emit("schema: sroi-scenario/1")
            if let (title, address) = setting(.title) {
                emit("title: \(Self.quote(title))", from: address)
            } else {
                problem(settings[.title], "Title", "is missing", allowed: "the scenario's title")
            }
            if let (value, address) = setting(.organisation) {
                emit("organisation: \(Self.quote(value))", from: address)
            }
            if let (value, address) = setting(.illustrative) {
                emit("illustrative: \(Self.quote(value))", from: address)
            }
            guard let yearsAddress = settings[.analysisYears],
                let years = number(yearsAddress, ValueMapLayout.Setting.analysisYears.rawValue, whole: true),
                years >= 1, years <= Double(Scenario.maximumAnalysisYears)
            else {
                problem(
                    settings[.analysisYears], "Analysis years", "is missing or out of range",
                    allowed: "a whole number from 1 to \(Scenario.maximumAnalysisYears)")
                return nil
            }
            let analysisYears = Int(years)
            var period = "analysis_period: {years: \(analysisYears)"
            if let address = settings[.firstYear], sheet.cells[address] != nil,
                let first = number(address, ValueMapLayout.Setting.firstYear.rawValue, whole: true)
            {
                period += ", first_year: \(Int(first))"
                if let type = setting(.yearType) {
                    switch type.0 {
                    case "financial": period += ", year_type: financial"
                    case "calendar": break
                    default:
                        problem(
                            type.1, ValueMapLayout.Setting.yearType.rawValue, "is not a kind of year",
                            found: "'\(type.0)'", allowed: "calendar or financial")
                    }
                }
            }
            emit(period + "}", from: yearsAddress)
            let currency = setting(.currency)
            emit("report_currency: \(Self.quote(currency?.0 ?? ""))", from: currency?.1 ?? settings[.currency])
            let convention = setting(.discountFrom)
            let discountFrom = DiscountFrom(rawValue: convention?.0 ?? "")
            if discountFrom == nil {
                problem(
                    convention?.1 ?? settings[.discountFrom], "Discount from", "is not a discounting convention",
                    found: convention.map { "'\($0.0)'" },
                    allowed: DiscountFrom.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let discountInputs = setting(.discountInputs)
            guard let discountFrom else { return nil }

            // The discounting block: one rate per analysis year.
            guard let rateRow = rowLabelled(ValueMapLayout.rateLabel, after: discountingRow) else {
                problem(
                    CellAddress(row: discountingRow, column: 1), "(layout)",
                    "no '\(ValueMapLayout.rateLabel)' row below '\(ValueMapLayout.discountingSection)'")
                return nil
            }
            var steps: [(rate: Double, address: CellAddress)] = []
            for t in 1...analysisYears {
                let step = discountFrom == .year0 ? t - 1 : t
                guard step >= 1 else { continue }
                let address = CellAddress(row: rateRow, column: ValueMapLayout.yearColumn(t))
                if let rate = number(address, "Discount rate of year \(t)") { steps.append((rate, address)) }
            }
            emit("conventions:")
            emit("  discount_from: \(discountFrom.rawValue)", from: convention?.1)
            if steps.isEmpty {
                // One year discounted from year 0 takes no step: no rate is used.
                emit("  discount_rate: 0")
            } else {
                emit("  discount_rate:")
                var previous: Double?
                for (index, step) in steps.enumerated() where step.rate != previous {
                    emit(
                        "    - {from_year: \(index + 1), rate: \(NumberFormat.shortest(step.rate))}", from: step.address
                    )
                    previous = step.rate
                }
            }
            if let (value, address) = discountInputs {
                guard value == "yes" || value == "no" else {
                    problem(address, "Discount inputs", "is not yes or no", found: "'\(value)'", allowed: "yes, no")
                    return nil
                }
                emit("  discount_inputs: \(value == "yes")", from: address)
            }

            let outcomeRows = outcomeTable(after: outcomesRow)
            let inputRows = inputTable(after: inputsRow, before: discountingRow)
            // Optimism bias: one grade per distinct share.
            var grades: [Double: String] = [:]
            for row in outcomeRows {
                if let share = row.optimismBias, share != 0, grades[share] == nil {
                    grades[share] = "\(grades.count + 1)"
                }
            }
            if !grades.isEmpty {
                emit("  optimism_bias:")
                for (share, grade) in grades.sorted(by: { $0.value < $1.value }) {
                    emit("    \(Self.quote(grade)): \(NumberFormat.shortest(share))")
                }
            }

            // Stakeholders, by name, in order of appearance.
            var stakeholders: [(id: String, name: String)] = []
            func stakeholderID(_ name: String) -> String {
                if let known = stakeholders.first(where: { $0.name == name }) { return known.id }
                var id = Self.identifier(name, fallback: "stakeholder-\(stakeholders.count + 1)")
                while stakeholders.contains(where: { $0.id == id }) { id += "-\(stakeholders.count + 1)" }
                stakeholders.append((id, name))
                return id
            }
            for row in inputRows { if let name = row.stakeholder { _ = stakeholderID(name) } }
            for row in outcomeRows { _ = stakeholderID(row.stakeholder) }
            emit("stakeholders:")
            for stakeholder in stakeholders {
                emit("  - {id: \(stakeholder.id), name: \(Self.quote(stakeholder.name))}")
            }
            emit(inputRows.isEmpty ? "inputs: []" : "inputs:")
            for input in inputRows {
                emit("  - id: \(input.id)", from: input.idAddress)
                if let name = input.stakeholder {
                    emit("    stakeholder: \(stakeholderID(name))", from: input.stakeholderAddress)
                }
                if let description = input.description { emit("    description: \(Self.quote(description))") }
                emit("    year: \(input.year)", from: input.yearAddress)
                emit(
                    "    amount: {value: \(NumberFormat.shortest(input.amount))"
                        + (input.valuation.map { ", rationale: \(Self.quote($0))" } ?? "") + "}",
                    from: input.amountAddress)
            }
            emit("outcomes:")
            for outcome in outcomeRows {
                emitOutcome(
                    outcome, stakeholder: stakeholderID(outcome.stakeholder), grades: grades,
                    currency: currency?.0 ?? "")
            }
            return ValueMapImport(yaml: lines.joined(separator: "\n") + "\n", cells: cells)
        }

        struct InputRow {
            var id: String
            var idAddress: CellAddress
            var stakeholder: String?
            var stakeholderAddress: CellAddress
            var description: String?
            var year: Int
            var yearAddress: CellAddress
            var amount: Double
            var amountAddress: CellAddress
            var valuation: String?
        }

        mutating func inputTable(after sectionRow: Int, before end: Int) -> [InputRow] {
            typealias Column = ValueMapLayout.InputColumn
            let headingRow = sectionRow + 1
            let columns = headings(headingRow)
            var missing = false
            for column in [Column.id, .year, .amount] where columns[column.rawValue] == nil {
                problem(
                    CellAddress(row: headingRow, column: 1), "(layout)",
                    "the inputs table has no column '\(column.rawValue)'")
                missing = true
            }
            if missing { return [] }
            func at(_ row: Int, _ column: Column) -> CellAddress {
                CellAddress(row: row, column: columns[column.rawValue] ?? column.column)
            }
            var rows: [InputRow] = []
            var ids = Set<String>()
            for row in headingRow + 1..<end {
                let label = text(CellAddress(row: row, column: 1))
                if label == ValueMapLayout.totalInputsLabel { break }
                guard let id = text(at(row, .id)) else { continue }
                let cleanID = Self.identifier(id, fallback: "input-\(rows.count + 1)")
                guard ids.insert(cleanID).inserted else {
                    problem(at(row, .id), "Input", "duplicate input id", found: id)
                    continue
                }
                let year = number(at(row, .year), "Year of input \(id)", whole: true)
                let amount = number(at(row, .amount), "Amount of input \(id)")
                guard let year, let amount else { continue }
                rows.append(
                    InputRow(
                        id: cleanID, idAddress: at(row, .id),
                        stakeholder: columns[Column.stakeholder.rawValue] == nil ? nil : text(at(row, .stakeholder)),
                        stakeholderAddress: at(row, .stakeholder), description: text(at(row, .description)),
                        year: Int(year), yearAddress: at(row, .year), amount: amount, amountAddress: at(row, .amount),
                        valuation: columns[Column.valuation.rawValue] == nil ? nil : text(at(row, .valuation))))
            }
            return rows
        }

        struct OutcomeRow {
            var row: Int
            var id: String
            var stakeholder: String
            var outcome: String?
            var indicator: String?
            var valueType: ValueType
            var quantity: Double
            var unit: String?
            var quantitySource: String?
            var startYear: Int
            var duration: Int
            var proxy: String?
            var proxySource: String?
            var proxyValue: Double
            var deductions: [DeductionKind: [Double]]
            /// One decline for every year, or (from the second sheet) one per year after the first.
            var dropOff: [Double]
            var dropOffAddress: (CellAddress, Sheet?)
            var optimismBias: Double?
            var address: (ValueMapLayout.OutcomeColumn) -> CellAddress
            var deductionAddresses: [DeductionKind: (CellAddress, Sheet?)]
        }

        mutating func outcomeTable(after sectionRow: Int) -> [OutcomeRow] {
            typealias Column = ValueMapLayout.OutcomeColumn
            let headingRow = sectionRow + 1
            let columns = headings(headingRow)
            let required: [Column] = [.stakeholder, .id, .valueType, .quantity, .startYear, .duration, .proxyValue]
            var missing = false
            for column in required where columns[column.rawValue] == nil {
                problem(
                    CellAddress(row: headingRow, column: 1), "(layout)",
                    "the outcomes table has no column '\(column.rawValue)'")
                missing = true
            }
            if missing { return [] }
            let byYear = readDeductionsByYear()
            var rows: [OutcomeRow] = []
            var ids = Set<String>()
            var row = headingRow + 1
            while row <= sheet.lastRow {
                defer { row += 1 }
                let label = text(CellAddress(row: row, column: 1))
                if label == ValueMapLayout.totalsSection || label == ValueMapLayout.totalPresentValueLabel { break }
                func at(_ column: Column) -> CellAddress {
                    CellAddress(row: row, column: columns[column.rawValue] ?? column.column)
                }
                guard let rawID = text(at(.id)) else {
                    if label != nil { problem(at(.id), "Id", "is empty; each outcome needs an id") }
                    continue
                }
                let id = Self.identifier(rawID, fallback: "outcome-\(rows.count + 1)")
                guard ids.insert(id).inserted else {
                    problem(at(.id), "Id", "duplicate outcome id", found: rawID)
                    continue
                }
                let field = "outcome \(rawID)"
                guard let stakeholder = text(at(.stakeholder)) else {
                    problem(at(.stakeholder), "\(field): Stakeholder", "is empty")
                    continue
                }
                let typeText = text(at(.valueType)) ?? ""
                guard
                    let valueType = ValueType.allCases.first(where: { $0.title == typeText || $0.rawValue == typeText })
                else {
                    problem(
                        at(.valueType), "\(field): Value type", "is not a value type", found: "'\(typeText)'",
                        allowed: ValueType.allCases.map(\.title).joined(separator: ", "))
                    continue
                }
                let quantity = number(at(.quantity), "\(field): Quantity")
                let start = number(at(.startYear), "\(field): Start year", whole: true)
                let duration = number(at(.duration), "\(field): Duration", whole: true)
                let proxy = number(at(.proxyValue), "\(field): Value of proxy")
                var deductions: [DeductionKind: [Double]] = [:]
                var deductionAddresses: [DeductionKind: (CellAddress, Sheet?)] = [:]
                for kind in DeductionKind.allCases {
                    let column: Column =
                        kind == .deadweight ? .deadweight : kind == .displacement ? .displacement : .attribution
                    if let listed = byYear.deductions[rawID]?[kind] {
                        deductions[kind] = listed.shares
                        deductionAddresses[kind] = (
                            listed.address, workbook.sheet(named: ValueMapLayout.deductionsSheetName)
                        )
                    } else if columns[column.rawValue] != nil, sheet.cells[at(column)] != nil {
                        if let share = number(at(column), "\(field): \(kind.title)") { deductions[kind] = [share] }
                        deductionAddresses[kind] = (at(column), nil)
                    }
                }
                var dropOff: [Double]? = []
                var dropOffAddress: (CellAddress, Sheet?) = (at(.dropOff), nil)
                if let listed = byYear.dropOffs[rawID] {
                    dropOff = listed.shares
                    dropOffAddress = (listed.address, workbook.sheet(named: ValueMapLayout.deductionsSheetName))
                } else if columns[Column.dropOff.rawValue] != nil, sheet.cells[at(.dropOff)] != nil {
                    dropOff = number(at(.dropOff), "\(field): Drop-off").map { $0 == 0 ? [] : [$0] }
                }
                let optimism =
                    columns[Column.optimismBias.rawValue] != nil && sheet.cells[at(.optimismBias)] != nil
                    ? number(at(.optimismBias), "\(field): Optimism bias") : nil
                guard let quantity, let start, let duration, let proxy, let dropOff else { continue }
                let captured = row
                let columnsCopy = columns
                rows.append(
                    OutcomeRow(
                        row: row, id: id, stakeholder: stakeholder, outcome: text(at(.outcome)),
                        indicator: text(at(.indicator)), valueType: valueType, quantity: quantity,
                        unit: text(at(.unit)),
                        quantitySource: text(at(.quantitySource)), startYear: Int(start), duration: Int(duration),
                        proxy: text(at(.proxy)), proxySource: text(at(.proxySource)), proxyValue: proxy,
                        deductions: deductions, dropOff: dropOff, dropOffAddress: dropOffAddress,
                        optimismBias: optimism,
                        address: { CellAddress(row: captured, column: columnsCopy[$0.rawValue] ?? $0.column) },
                        deductionAddresses: deductionAddresses))
            }
            return rows
        }

        typealias Listed = (shares: [Double], address: CellAddress)

        /// The second sheet's shares by year, by outcome id: deductions from year 1 of the
        /// outcome, drop-off from year 2.
        mutating func readDeductionsByYear() -> (
            deductions: [String: [DeductionKind: Listed]], dropOffs: [String: Listed]
        ) {
            guard let sheet = workbook.sheet(named: ValueMapLayout.deductionsSheetName) else { return ([:], [:]) }
            var found: [String: [DeductionKind: Listed]] = [:]
            var dropOffs: [String: Listed] = [:]
            func shares(_ row: Int, from first: Int, _ field: String) -> [Double] {
                var shares: [Double] = []
                var column = first
                while sheet.cells[CellAddress(row: row, column: column)] != nil {
                    if let share = number(CellAddress(row: row, column: column), field, in: sheet) {
                        shares.append(share)
                    }
                    column += 1
                }
                return shares
            }
            for row in 2...max(sheet.lastRow, 2) {
                guard let id = sheet.text(at: CellAddress(row: row, column: 1)) else { continue }
                let kindText = sheet.text(at: CellAddress(row: row, column: 2)) ?? ""
                if kindText == ValueMapLayout.dropOffKind {
                    dropOffs[id] = (shares(row, from: 4, "\(id): \(kindText)"), CellAddress(row: row, column: 4))
                    continue
                }
                guard
                    let kind = DeductionKind.allCases.first(where: { $0.title == kindText || $0.rawValue == kindText })
                else {
                    problem(
                        CellAddress(row: row, column: 2), "Deduction", "is not a deduction", found: "'\(kindText)'",
                        allowed: (DeductionKind.allCases.map(\.title) + [ValueMapLayout.dropOffKind]).joined(
                            separator: ", "), in: sheet)
                    continue
                }
                found[id, default: [:]][kind] = (
                    shares(row, from: 3, "\(id): \(kind.title)"), CellAddress(row: row, column: 3)
                )
            }
            return (found, dropOffs)
        }

        mutating func emitOutcome(
            _ outcome: OutcomeRow, stakeholder: String, grades: [Double: String], currency: String
        ) {
            emit("  - id: \(outcome.id)", from: outcome.address(.id))
            emit("    stakeholder: \(stakeholder)", from: outcome.address(.stakeholder))
            if let description = outcome.outcome { emit("    description: \(Self.quote(description))") }
            if let indicator = outcome.indicator { emit("    indicator: \(Self.quote(indicator))") }
            let unit = outcome.unit.map { Self.identifier($0, fallback: "unit") } ?? "unit"
            emit(
                "    quantity: {value: \(NumberFormat.shortest(outcome.quantity)), unit: \(unit)"
                    + (outcome.quantitySource.map { ", rationale: \(Self.quote($0))" } ?? "") + "}",
                from: outcome.address(.quantity))
            var proxy =
                "    proxy: {value: \(NumberFormat.shortest(outcome.proxyValue)), currency: \(Self.quote(currency)), per: \(unit)"
            if let rationale = outcome.proxy { proxy += ", rationale: \(Self.quote(rationale))" }
            // A typed proxy needs its source: the one cited, or else the workbook cell it was read from.
            let cell = outcome.address(.proxyValue)
            proxy +=
                ", source: "
                + (outcome.proxySource.map(Self.quote)
                    ?? "{publication: \(Self.quote("value map \((file as NSString).lastPathComponent)")), locator: \(Self.quote("\(sheet.name)!\(cell)"))}")
            emit(proxy + "}", from: outcome.address(.proxyValue))
            for kind in DeductionKind.allCases {
                guard let shares = outcome.deductions[kind], let (address, sheet) = outcome.deductionAddresses[kind]
                else { continue }
                let written =
                    shares.count == 1 && sheet == nil
                    ? NumberFormat.shortest(shares[0])
                    : "[\(shares.map(NumberFormat.shortest).joined(separator: ", "))]"
                emit("    \(kind.rawValue): \(written)", from: address, in: sheet)
            }
            if outcome.dropOffAddress.1 != nil {
                emit(
                    "    drop_off: [\(outcome.dropOff.map(NumberFormat.shortest).joined(separator: ", "))]",
                    from: outcome.dropOffAddress.0, in: outcome.dropOffAddress.1)
            } else if let share = outcome.dropOff.first {
                emit("    drop_off: \(NumberFormat.shortest(share))", from: outcome.address(.dropOff))
            }
            emit("    duration: \(outcome.duration)", from: outcome.address(.duration))
            emit("    start_year: \(outcome.startYear)", from: outcome.address(.startYear))
            emit("    value_type: \(outcome.valueType.rawValue)", from: outcome.address(.valueType))
            if let share = outcome.optimismBias, let grade = grades[share] {
                emit("    confidence: \(Self.quote(grade))", from: outcome.address(.optimismBias))
            }
        }

        /// A double-quoted YAML scalar.
        static func quote(_ text: String) -> String { QuotedText.quoted(text) }

        /// An id of letters, digits, `-` and `_` from any text (`jobs@year3` → `jobs-year3`).
        static func identifier(_ text: String, fallback: String) -> String {
            var id = ""
            for scalar in text.lowercased().unicodeScalars {
                if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-" {
                    id.unicodeScalars.append(scalar)
                } else if !id.isEmpty, !id.hasSuffix("-") {
                    id += "-"
                }
            }
            while id.hasSuffix("-") { id.removeLast() }
            return id.isEmpty ? fallback : String(id.prefix(64))
        }
    }
}
