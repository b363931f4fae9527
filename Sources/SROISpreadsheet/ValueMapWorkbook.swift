import SROICore
import SROIReport

/// The value map of an evaluated scenario as a workbook, in the stages of the SROI Guide's value
/// map: stakeholders and inputs; outcomes with their indicators and evidence; the financial
/// proxies; deadweight, displacement, attribution and drop-off; impact; each year's value; the
/// discount factors; present value; totals and the ratio.
///
/// The judgements are numbers; everything from quantity × proxy onward is a live formula, so a
/// change to a deadweight in Excel or LibreOffice moves the ratio, and with nothing changed the
/// workbook recalculates to the engine's figures. Quantities from records or formulas, and
/// proxies uplifted or converted, appear as the numbers the engine used, with a note of where
/// they came from.
public enum ValueMapWorkbook {
    public static func make(_ input: ReportInput) -> Workbook {
        var builder = Builder(input: input)
        builder.build()
        var sheets = [builder.sheet]
        if let deductions = builder.deductionsSheet { sheets.append(deductions) }
        if let businessCase = BusinessCaseSheet.make(input) { sheets.append(businessCase) }
        return Workbook(sheets: sheets)
    }

    private struct Builder {
        let input: ReportInput
        var sheet = Sheet(name: ValueMapLayout.sheetName)
        var deductionsSheet: Sheet?
        /// Counted inputs waiting for the row of the discount factors: cell, amount, year.
        var discountedInputs: [(cell: CellAddress, amount: CellAddress, year: CellAddress)] = []
        var row = 1
        var scenario: Scenario { input.scenario }
        var trace: Trace { input.evaluation.trace }
        var years: Int { scenario.analysisYears.value }
        var currency: String { input.evaluation.results.currency.code }

        init(input: ReportInput) { self.input = input }

        mutating func set(_ column: Int, _ value: CellValue, _ style: CellStyle = .plain) {
            sheet[row, column] = Cell(value, style: style)
        }

        func address(_ row: Int, _ column: Int) -> CellAddress { CellAddress(row: row, column: column) }

        mutating func build() {
            sheet.columnWidths = [1: 24, 2: 26, 3: 30, 4: 16, 5: 16, 6: 12, 7: 10, 8: 40, 9: 8, 10: 8, 11: 30, 12: 34]
            for column in 13...ValueMapLayout.OutcomeColumn.allCases.count { sheet.columnWidths[column] = 12 }
            for t in 1...years + 1 { sheet.columnWidths[ValueMapLayout.yearColumn(t)] = 13 }
            set(1, .text("Value map: \(scenario.title)"), .title)
            row += 1
            set(
                1,
                .text(
                    "Written by \(Engine.name) \(Engine.version). Figures in \(currency). The judgements are numbers; gross value, impact, each year's value, discounting, present value and the totals are formulas."
                ), .note)
            row += 2
            settings()
            row += 1
            let totalInputs = inputs()
            row += 1
            let factorRow = discounting()
            // Discounted inputs point at the factors, whose row is known only now.
            for pending in discountedInputs {
                let factors =
                    "\(address(factorRow, ValueMapLayout.yearColumn(1)).absolute):\(address(factorRow, ValueMapLayout.yearColumn(years)).absolute)"
                sheet[pending.cell.row, pending.cell.column] = Cell(
                    .formula("\(pending.amount)*INDEX(\(factors),1,\(pending.year))"), style: .money)
            }
            row += 1
            let presentValues = outcomes(factorRow: factorRow)
            row += 1
            totals(totalInputs: totalInputs, presentValues: presentValues)
        }

        mutating func settings() {
            typealias Setting = ValueMapLayout.Setting
            var rows: [(Setting, CellValue?)] = [
                (.title, .text(scenario.title)),
                (.organisation, scenario.organisation.map(CellValue.text)),
                (.illustrative, scenario.illustrativeNote.map(CellValue.text)),
                (.currency, .text(currency)),
                (.analysisYears, .number(Double(years))),
                (.firstYear, scenario.firstCalendarYear.map { .number(Double($0)) }),
                (
                    .yearType,
                    scenario.firstCalendarYear.map { _ in .text(scenario.financialYears ? "financial" : "calendar") }
                ),
                (.priceBaseYear, scenario.priceBaseYear.map { .text($0.value.label) }),
                (.discountFrom, .text(scenario.conventions.discountFrom.value.rawValue)),
                (.discountInputs, .text(scenario.conventions.discountInputs.value ? "yes" : "no")),
            ]
            rows.removeAll { $0.1 == nil }
            for (setting, value) in rows {
                set(1, .text(setting.rawValue), .heading)
                if let value { set(2, value, setting == .analysisYears || setting == .firstYear ? .year : .plain) }
                row += 1
            }
        }

        /// Stage 1; returns the address of the total counted inputs.
        mutating func inputs() -> CellAddress {
            typealias Column = ValueMapLayout.InputColumn
            set(1, .text(ValueMapLayout.inputsSection), .heading)
            row += 1
            for column in Column.allCases { set(column.column, .text(column.rawValue), .columnHeading) }
            row += 1
            let first = row
            for (input, result) in zip(scenario.inputs, input.evaluation.results.inputs) {
                set(
                    Column.stakeholder.column,
                    .text(input.stakeholder.map { self.input.stakeholderName($0.value) } ?? ""))
                set(Column.id.column, .text(input.id))
                set(Column.description.column, .text(input.summary ?? ""), .note)
                set(Column.year.column, .number(Double(input.year.value)), .year)
                let amountNode = countedBeforeDiscounting(result)
                if let amount = trace[amountNode]?.value.number {
                    set(Column.amount.column, .number(amount), .money)
                } else {
                    set(Column.amount.column, .text("undefined"))
                }
                let amountCell = address(row, Column.amount.column)
                if scenario.conventions.discountInputs.value {
                    discountedInputs.append(
                        (address(row, Column.counted.column), amountCell, address(row, Column.year.column)))
                } else {
                    set(Column.counted.column, .formula("\(amountCell)"), .money)
                }
                set(Column.valuation.column, .text(valuation(input, result: result)), .note)
                row += 1
            }
            set(1, .text(ValueMapLayout.totalInputsLabel), .heading)
            let counted = Column.counted.column
            set(
                counted,
                .formula(
                    scenario.inputs.isEmpty
                        ? "0" : "SUM(\(address(first, counted)):\(address(row - 1, counted)))"), .total)
            let total = address(row, counted)
            row += 1
            return total
        }

        /// The input's amount in the report currency, before any discounting.
        func countedBeforeDiscounting(_ result: InputResult) -> String {
            let counted = trace[result.counted.node]
            if scenario.conventions.discountInputs.value, let counted, counted.step == .discounting {
                return counted.inputs[0]
            }
            return result.counted.node
        }

        func valuation(_ input: Input, result: InputResult) -> String {
            var parts: [String] = []
            switch input.valuation {
            case .money(let value):
                parts.append(self.input.derivation(value, node: trace[result.amount.node]))
            case .inKindTime:
                if let node = trace[result.amount.node] {
                    parts.append("in-kind time: \(trace.substitutedFormula(of: node)) (hours × rate)")
                }
            }
            let converted = countedBeforeDiscounting(result)
            if converted != result.amount.node, let node = trace[converted] {
                parts.append("converted: \(trace.substitutedFormula(of: node)) \(currency)")
            }
            return parts.filter { !$0.isEmpty }.joined(separator: "; ")
        }

        /// The discounting block; returns the row of the discount factors.
        mutating func discounting() -> Int {
            set(1, .text(ValueMapLayout.discountingSection), .heading)
            set(2, .text(Summary.discounting(scenario)), .note)
            row += 1
            set(1, .text(ValueMapLayout.analysisYearLabel), .columnHeading)
            for t in 1...years { set(ValueMapLayout.yearColumn(t), .number(Double(t)), .year) }
            row += 1
            if let first = scenario.firstCalendarYear {
                if scenario.financialYears {
                    set(1, .text(ValueMapLayout.financialYearLabel), .heading)
                    for t in 1...years { set(ValueMapLayout.yearColumn(t), .text(scenario.yearLabel(t)), .year) }
                } else {
                    set(1, .text(ValueMapLayout.calendarYearLabel), .heading)
                    for t in 1...years { set(ValueMapLayout.yearColumn(t), .number(Double(first + t - 1)), .year) }
                }
                row += 1
            }
            let convention = scenario.conventions.discountFrom.value
            let rateRow = row
            set(1, .text(ValueMapLayout.rateLabel), .heading)
            for t in 1...years {
                let step = convention == .year0 ? t - 1 : t
                guard step >= 1, let rate = trace["discount.rate.step\(step)"]?.value.number else { continue }
                set(ValueMapLayout.yearColumn(t), .number(rate), .share)
            }
            row += 1
            func rate(_ t: Int) -> String { "\(address(rateRow, ValueMapLayout.yearColumn(t)))" }
            var endRow: Int?
            if convention == .midYear {
                endRow = row
                set(1, .text(ValueMapLayout.yearEndFactorLabel), .heading)
                for t in 1...years {
                    let previous = t == 1 ? "1" : "\(address(row, ValueMapLayout.yearColumn(t - 1)))"
                    set(ValueMapLayout.yearColumn(t), .formula("\(previous)/(1+\(rate(t)))"), .factor)
                }
                row += 1
            }
            let factorRow = row
            set(1, .text(ValueMapLayout.factorLabel), .heading)
            for t in 1...years {
                let previous = t == 1 ? "1" : "\(address(row, ValueMapLayout.yearColumn(t - 1)))"
                let formula: String
                switch convention {
                case .year1: formula = "\(previous)/(1+\(rate(t)))"
                case .year0: formula = t == 1 ? "1" : "\(previous)/(1+\(rate(t)))"
                case .midYear:
                    let end = t == 1 ? "1" : "\(address(endRow!, ValueMapLayout.yearColumn(t - 1)))"
                    formula = "\(end)/SQRT(1+\(rate(t)))"
                }
                set(ValueMapLayout.yearColumn(t), .formula(formula), .factor)
            }
            row += 1
            return factorRow
        }

        /// Stages 2 to 4, one row per outcome; returns the present-value cells' column and rows.
        mutating func outcomes(factorRow: Int) -> (column: Int, first: Int, last: Int) {
            typealias Column = ValueMapLayout.OutcomeColumn
            set(1, .text(ValueMapLayout.outcomesSection), .heading)
            row += 1
            for column in Column.allCases { set(column.column, .text(column.rawValue), .columnHeading) }
            for t in 1...years {
                set(
                    ValueMapLayout.yearColumn(t),
                    .text(ValueMapLayout.yearHeading(t, of: scenario)), .columnHeading)
            }
            let pvColumn = ValueMapLayout.yearColumn(years + 1)
            set(pvColumn, .text(ValueMapLayout.presentValueHeading), .columnHeading)
            row += 1
            let first = row
            let years = self.years
            let yearRange = { (row: Int) -> String in
                "\(CellAddress(row: row, column: ValueMapLayout.yearColumn(1))):\(CellAddress(row: row, column: ValueMapLayout.yearColumn(years)))"
            }
            let factors =
                "\(address(factorRow, ValueMapLayout.yearColumn(1)).absolute):\(address(factorRow, ValueMapLayout.yearColumn(years)).absolute)"
            for outcome in scenario.outcomes {
                outcomeRow(outcome)
                set(pvColumn, .formula("SUMPRODUCT(\(yearRange(row)),\(factors))"), .money)
                row += 1
            }
            return (pvColumn, first, row - 1)
        }

        mutating func outcomeRow(_ outcome: Outcome) {
            typealias Column = ValueMapLayout.OutcomeColumn
            func cell(_ column: Column) -> String { "\(address(row, column.column))" }
            let used = trace.quantityAndProxyUsed(by: outcome.id)
            let quantityNode = used?.quantity
            let proxyNode = used?.proxy
            set(Column.stakeholder.column, .text(input.stakeholderName(outcome.stakeholder.value)))
            set(Column.outcome.column, .text(outcome.summary ?? outcome.indicator ?? outcome.id), .note)
            set(Column.indicator.column, .text(outcome.indicator ?? ""), .note)
            set(Column.id.column, .text(outcome.id))
            set(Column.valueType.column, .text(outcome.valueType.value.title))
            number(Column.quantity, quantityNode?.value, .number)
            set(Column.unit.column, .text(outcome.quantityUnit?.value ?? outcome.proxy.price?.per ?? ""))
            set(
                Column.quantitySource.column,
                .text(input.derivation(outcome.quantity, node: trace[FigureID.outcome(outcome.id, .quantity)])), .note)
            set(Column.startYear.column, .number(Double(outcome.startYear.value)), .year)
            set(Column.duration.column, .number(Double(outcome.duration.value)), .year)
            set(Column.proxy.column, .text(proxyDescription(outcome, final: proxyNode)), .note)
            set(Column.proxySource.column, .text(proxySource(outcome)), .note)
            number(Column.proxyValue, proxyNode?.value, .money)
            let byYear = DeductionKind.allCases.contains { outcome.deduction($0)?.value.isByYear == true }
            var deductionCells: [DeductionKind: [String]] = [:]
            for kind in DeductionKind.allCases {
                let column: Column =
                    kind == .deadweight ? .deadweight : kind == .displacement ? .displacement : .attribution
                if case .byYear(let shares)? = outcome.deduction(kind)?.value {
                    let cells = sharesByYear(outcome, title: kind.title, shares: shares, firstOutcomeYear: 1)
                    deductionCells[kind] = cells
                    set(column.column, .formula(cells[0]), .share)
                } else {
                    set(column.column, .number(outcome.deduction(kind)?.value.share(inOutcomeYear: 0) ?? 0), .share)
                    deductionCells[kind] = [cell(column)]
                }
            }
            // A drop-off listed by year sits on the second sheet under the year it leads into.
            var dropOffCells: [String]?
            if case .byYear(let shares)? = outcome.dropOff?.value {
                let cells = sharesByYear(
                    outcome, title: ValueMapLayout.dropOffKind, shares: shares, firstOutcomeYear: 2)
                dropOffCells = cells
                set(Column.dropOff.column, cells.first.map { .formula($0) } ?? .text(""), .share)
            } else {
                number(Column.dropOff, trace[FigureID.outcome(outcome.id, .dropOff)]?.value, .share)
            }
            /// The decline from year `k` of the outcome to year `k + 1`.
            func dropOffCell(_ k: Int) -> String { dropOffCells?[k - 1] ?? cell(.dropOff) }
            let optimism = trace[FigureID.outcome(outcome.id, .optimismBias)]?.value.number ?? 0
            set(Column.optimismBias.column, .number(optimism), .share)
            set(Column.grossValue.column, .formula("\(cell(.quantity))*\(cell(.proxyValue))"), .money)
            let complements =
                "(1-\(cell(.deadweight)))*(1-\(cell(.displacement)))*(1-\(cell(.attribution)))*(1-\(cell(.optimismBias)))"
            set(Column.impact.column, .formula("\(cell(.grossValue))*\(complements)"), .money)
            let start = outcome.startYear.value
            for k in 0..<outcome.duration.value {
                let column = ValueMapLayout.yearColumn(start + k)
                let formula: String
                if k == 0 {
                    formula = cell(.impact)
                } else if byYear {
                    let shares = DeductionKind.allCases.map { kind -> String in
                        let cells = deductionCells[kind]!
                        return "(1-\(cells.count > 1 ? cells[k] : cells[0]))"
                    }
                    let retained =
                        dropOffCells == nil
                        ? "(1-\(cell(.dropOff)))^\(k)"
                        : (1...k).map { "(1-\(dropOffCell($0)))" }.joined(separator: "*")
                    formula =
                        "\(cell(.grossValue))*\(shares.joined(separator: "*"))*(1-\(cell(.optimismBias)))*\(retained)"
                } else {
                    formula = "\(address(row, column - 1))*(1-\(dropOffCell(k)))"
                }
                set(column, .formula(formula), .money)
            }
        }

        mutating func number(_ column: ValueMapLayout.OutcomeColumn, _ value: FigureValue?, _ style: CellStyle) {
            switch value {
            case .number(let number)?: set(column.column, .number(number), style)
            case .undefined(let reason)?: set(column.column, .text("undefined: \(reason)"), .note)
            case nil: set(column.column, .text("undefined"), .note)
            }
        }

        /// Writes one deduction's or drop-off's shares by year on the second sheet, the first under
        /// `firstOutcomeYear`; returns their references.
        mutating func sharesByYear(
            _ outcome: Outcome, title: String, shares: [Double], firstOutcomeYear: Int
        ) -> [String] {
            var sheet =
                deductionsSheet
                ?? {
                    var sheet = Sheet(name: ValueMapLayout.deductionsSheetName)
                    sheet[1, 1] = Cell(.text(ValueMapLayout.deductionIDHeading), style: .columnHeading)
                    sheet[1, 2] = Cell(.text(ValueMapLayout.deductionKindHeading), style: .columnHeading)
                    sheet.columnWidths = [1: 24, 2: 14]
                    sheet.frozenRows = 1
                    return sheet
                }()
            let row = sheet.lastRow + 1
            sheet[row, 1] = Cell(.text(outcome.id))
            sheet[row, 2] = Cell(.text(title))
            var references: [String] = []
            // Column 3 holds year 1 of the outcome; any earlier column is left for its heading alone.
            for year in 1..<max(firstOutcomeYear, 1) where sheet[1, 2 + year] == nil {
                sheet[1, 2 + year] = Cell(.text(ValueMapLayout.outcomeYearHeading(year)), style: .columnHeading)
                sheet.columnWidths[2 + year] = 12
            }
            for (index, share) in shares.enumerated() {
                let year = firstOutcomeYear + index
                let column = 2 + year
                if sheet[1, column] == nil {
                    sheet[1, column] = Cell(.text(ValueMapLayout.outcomeYearHeading(year)), style: .columnHeading)
                    sheet.columnWidths[column] = 12
                }
                sheet[row, column] = Cell(.number(share), style: .share)
                references.append("'\(ValueMapLayout.deductionsSheetName)'!\(CellAddress(row: row, column: column))")
            }
            deductionsSheet = sheet
            return references
        }

        func proxyDescription(_ outcome: Outcome, final: TraceNode?) -> String {
            let proxy = outcome.proxy
            var parts: [String] = []
            if let model = proxy.price?.model {
                parts.append(trace[FigureID.outcome(outcome.id, .proxy)]?.label ?? model.reference)
                parts.append("model entry \(model.reference)")
            } else {
                parts.append(
                    input.derivation(proxy.amount, node: trace[FigureID.outcome(outcome.id, .proxy)]))
            }
            if let price = proxy.price, let stated = trace[FigureID.outcome(outcome.id, .proxy)]?.value.number {
                parts.append(
                    "stated \(price.currency.code) \(NumberFormat.shortest(stated))"
                        + (price.per.map { " per \($0)" } ?? "")
                        + (price.priceYear.map { " in \($0.label) prices" } ?? ""))
            }
            if let final, final.id != FigureID.outcome(outcome.id, .proxy) {
                parts.append("used: \(trace.substitutedFormula(of: final)) \(currency)")
            }
            return parts.filter { !$0.isEmpty }.joined(separator: "; ")
        }

        func proxySource(_ outcome: Outcome) -> String {
            outcome.proxy.amount.source?.summary ?? outcome.proxy.price?.model?.citation?.summary ?? ""
        }

        mutating func totals(totalInputs: CellAddress, presentValues: (column: Int, first: Int, last: Int)) {
            set(1, .text(ValueMapLayout.totalsSection), .heading)
            row += 1
            let column = presentValues.column
            let pvRange =
                presentValues.last >= presentValues.first
                ? "\(address(presentValues.first, column)):\(address(presentValues.last, column))" : nil
            set(1, .text(ValueMapLayout.totalPresentValueLabel), .heading)
            set(column, .formula(pvRange.map { "SUM(\($0))" } ?? "0"), .total)
            let total = address(row, column)
            row += 1
            set(1, .text(ValueMapLayout.totalInputsLabel), .heading)
            set(column, .formula("\(totalInputs)"), .total)
            let inputs = address(row, column)
            row += 1
            set(1, .text(ValueMapLayout.netPresentValueLabel), .heading)
            set(column, .formula("\(total)-\(inputs)"), .total)
            let net = address(row, column)
            row += 1
            set(1, .text(ValueMapLayout.ratioLabel), .heading)
            set(column, .formula("IF(\(inputs)=0,\"undefined: no inputs\",\(total)/\(inputs))"), .ratio)
            row += 1
            set(1, .text(ValueMapLayout.netRatioLabel), .heading)
            set(column, .formula("IF(\(inputs)=0,\"undefined: no inputs\",\(net)/\(inputs))"), .ratio)
            row += 2
            guard let pvRange else { return }
            let first = presentValues.first, last = presentValues.last
            // The sum of the outcomes whose cell equals this row's label, exactly: SUMIF would
            // read a label starting with = < > as a comparison and * ? ~ as wildcards.
            func sumIf(_ criterionColumn: ValueMapLayout.OutcomeColumn, _ value: String) -> String {
                let range =
                    "\(address(first, criterionColumn.column).absolute):\(address(last, criterionColumn.column).absolute)"
                return "SUMPRODUCT(EXACT(\(range),\(address(row, 1)))*1,\(pvRange))"
            }
            set(1, .text(ValueMapLayout.byValueTypeLabel), .heading)
            row += 1
            for type in ValueType.allCases where scenario.outcomes.contains(where: { $0.valueType.value == type }) {
                set(1, .text(type.title))
                set(column, .formula(sumIf(.valueType, type.title)), .money)
                row += 1
            }
            row += 1
            set(1, .text(ValueMapLayout.byStakeholderLabel), .heading)
            row += 1
            for stakeholder in scenario.stakeholders
            where scenario.outcomes.contains(where: { $0.stakeholder.value == stakeholder.id }) {
                let name = input.stakeholderName(stakeholder.id)
                set(1, .text(name))
                set(column, .formula(sumIf(.stakeholder, name)), .money)
                row += 1
            }
        }
    }
}
