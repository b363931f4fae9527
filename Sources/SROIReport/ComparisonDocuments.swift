import Foundation
import SROICore

/// `sroi compare`: options side by side, as a terminal table, JSON and HTML.
public enum ComparisonDocuments {
    public static let format = "sroi-comparison/1"

    /// A scenario as compared: its title, the file it came from, and its evaluation.
    public struct Option: Sendable {
        public var file: String
        public var scenario: Scenario
        public var evaluation: Evaluation

        public init(file: String, scenario: Scenario, evaluation: Evaluation) {
            self.file = file
            self.scenario = scenario
            self.evaluation = evaluation
        }

        /// Cashable savings: the present value of fiscal, cashable outcomes (agency-staff savings and the like).
        var cashableSavings: Figure? {
            evaluation.results.byValueType.first { $0.valueType == .fiscalCashable }?.figure
        }
    }

    /// The letter an option goes by in tables: A, B, C…
    static func letter(_ index: Int) -> String {
        index < 26 ? String(UnicodeScalar(UInt8(65 + index))) : "\(index + 1)"
    }

    /// Each option's letter, title and file, so that tables can name options briefly and nothing
    /// is cut short.
    static func legend(_ options: [Option]) -> [String] {
        options.enumerated().map { index, option in
            "\(letter(index)): \(option.scenario.title) (\(option.file))\(index == 0 ? ", the baseline" : "")"
        }
    }

    /// An assumption's path in a scenario (`outcomes[jobs].deadweight`) as people say it.
    static func humanName(_ path: String, in scenario: Scenario, or other: Scenario? = nil) -> String {
        guard path.hasPrefix("outcomes["), let close = path.firstIndex(of: "]") else {
            let known = [
                "conventions.discount_rate": "Discount rate", "conventions.discount_from": "Discounting convention",
                "conventions.discount_inputs": "Discounting of inputs", "conventions.price_index": "Price index",
                "price_base_year": "Price base year", "analysis_period.years": "Analysis period",
            ]
            if let name = known[path] { return name }
            if path.hasPrefix("values.") {
                let name = String(path.dropFirst(7))
                // A label names it; a reason does not, so without a label the name stays.
                let label = [scenario, other].compactMap { $0 }.lazy.compactMap { scenario in
                    scenario.values.first { $0.name == name }?.label ?? scenario.modelValues[name]?.label
                }.first
                return label.map { "\($0) (\(name))" } ?? "Named value \(name)"
            }
            if path.hasPrefix("inputs["), let end = path.firstIndex(of: "]") {
                let id = String(path[path.index(path.startIndex, offsetBy: 7)..<end])
                let field = path[path.index(after: end)...].trimmingCharacters(in: CharacterSet(charactersIn: "."))
                // The option's description first: the baseline may describe its input as absent.
                let input = [other, scenario].compactMap { $0 }.lazy.compactMap { $0.inputs.first { $0.id == id } }
                    .first
                let title = "Input: \(input?.summary ?? id)"
                return field.isEmpty || field == "amount" ? title : "\(title) (\(field))"
            }
            return path
        }
        let id = String(path[path.index(path.startIndex, offsetBy: 9)..<close])
        let field = path[path.index(after: close)...].trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let outcome = scenario.outcomes.first { $0.declaredID == id }
        let name = outcome.map { $0.summary ?? $0.indicator ?? id } ?? id
        let fields = [
            "quantity": "Quantity", "proxy": "Financial proxy", "deadweight": "Deadweight",
            "displacement": "Displacement", "attribution": "Attribution", "drop_off": "Drop-off",
            "duration": "Duration", "start_year": "Start year", "value_type": "Value type",
        ]
        let title = fields[field.split(separator: ".").first.map(String.init) ?? field] ?? field
        return "\(title): \(name)"
    }

    /// Cashable savings of each option by year (undiscounted) and in present value.
    static func cashableRows(_ options: [Option]) -> (years: [String], rows: [[String]])? {
        guard options.contains(where: { $0.cashableSavings != nil }) else { return nil }
        let longest = options.map { $0.scenario.analysisYears.value }.max() ?? 1
        var rows: [[String]] = []
        for (index, option) in options.enumerated() {
            for (stakeholder, members) in YearlyTotals.cashableByStakeholder(
                option.evaluation.results, scenario: option.scenario)
            {
                rows.append(
                    ["\(letter(index)): \(stakeholder.name ?? stakeholder.id)"]
                        + YearlyTotals(members, years: longest).cells)
            }
        }
        let labels = (1...longest).map { options[0].scenario.yearLabel($0) }
        return (labels, rows)
    }

    /// The options as a business case: each option's benefits, costs and net in present value,
    /// and each other option less the baseline. Columns: the options, then one per comparison.
    static func businessCaseTable(_ options: [Option], comparisons: [ScenarioComparison]) -> (
        header: [String], rows: [[String]]
    ) {
        let header = [""] + options.indices.map(letter) + comparisons.indices.map { "\(letter($0 + 1)) − A" }
        func money(_ value: FigureValue?) -> String { value.map { effect($0) } ?? "none declared" }
        func row(
            _ label: String, _ figure: (Results) -> FigureValue?, _ increment: (ScenarioComparison) -> FigureValue?
        )
            -> [String]
        {
            [label] + options.map { money(figure($0.evaluation.results)) }
                + comparisons.map { comparison in increment(comparison).map { effect($0) } ?? "" }
        }
        let rows = [
            row("Benefits (total present value)", { $0.totalPresentValue.value }, { $0.incremental.benefits }),
            row(
                "Inputs", { $0.totalInputs.value },
                { $0.baseline.results.totalInputs.value.minus($0.other.results.totalInputs.value, reversed: true) }),
            row(
                "The option's costs", { $0.businessCase?.costsPresentValue.value },
                { comparison in
                    guard let a = comparison.baseline.results.businessCase,
                        let b = comparison.other.results.businessCase
                    else { return nil }
                    return a.costsPresentValue.value.minus(b.costsPresentValue.value, reversed: true)
                }),
            row("Whole cost", { ($0.businessCase?.wholeCost ?? $0.totalInputs).value }, { $0.incremental.cost }),
            row(
                "Net present value", { ($0.businessCase?.netPresentValue ?? $0.netPresentValue).value },
                { $0.incremental.netPresentValue }),
        ]
        return (header, rows)
    }

    /// Each other option's incremental benefit-cost ratio against the baseline, in words.
    static func incrementalRatioLines(_ options: [Option], comparisons: [ScenarioComparison]) -> [String] {
        comparisons.enumerated().map { index, comparison in
            let name = "\(letter(index + 1)) against A"
            switch comparison.incremental.benefitCostRatio {
            case .number(let ratio):
                return "Incremental benefit-cost ratio of \(name): \(Display.fixed(ratio)) : 1 "
                    + "(extra benefits \(effect(comparison.incremental.benefits)) ÷ extra cost \(effect(comparison.incremental.cost)))"
            case .undefined(let reason):
                return "Incremental benefit-cost ratio of \(name): undefined, \(reason)"
            }
        }
    }

    /// Cash by analysis year for the options that declare a business case: spending, savings
    /// released and not, and net cash; then each other option's net cash less the baseline's.
    /// In the price base, or (`nominal`) at each year's prices for the options that declare
    /// inflation.
    static func cashTable(_ options: [Option], comparisons: [ScenarioComparison], nominal: Bool = false) -> (
        title: String, header: [String], rows: [[String]]
    )? {
        let declared = options.enumerated().compactMap { index, option in
            option.evaluation.results.businessCase.flatMap { businessCase in
                !nominal || businessCase.inflation != nil ? (index, option, businessCase) : nil
            }
        }
        guard let first = declared.first else { return nil }
        let scenario = first.1.scenario
        let years = first.2.years.map(\.year)
        var rows: [[String]] = []
        for (index, _, businessCase) in declared {
            for (line, name) in BusinessCaseResult.Year.cashLineNames.enumerated() {
                rows.append(
                    ["\(letter(index)): \(name.lowercased())"]
                        + years.map { t in
                            businessCase.years.first { $0.year == t }?.cashLines(nominal: nominal).map {
                                effect($0[line].value)
                            } ?? ""
                        })
            }
        }
        for (index, comparison) in comparisons.enumerated() {
            let byYear = nominal ? comparison.incremental.nominalNetCashByYear : comparison.incremental.netCashByYear
            guard !byYear.isEmpty else { continue }
            rows.append(
                ["\(letter(index + 1)) − A: net cash"]
                    + years.map { t in byYear.first { $0.year == t }.map { effect($0.value) } ?? "" })
        }
        let currency = first.1.evaluation.results.currency.code
        let period = scenario.financialYears ? "financial year, April to March" : "year"
        let title: String
        if nominal, let inflation = first.2.inflation {
            title = "Nominal cash by \(period) (\(currency), undiscounted, at each year's prices: \(inflation))"
        } else {
            let prices = scenario.priceBaseYear.map { ", in \($0.value.label) prices" } ?? ""
            title = "Cash by \(period) (\(currency), undiscounted\(prices); \(first.2.convention))"
        }
        return (title, [""] + years.map { scenario.yearLabel($0) }, rows)
    }

    static func rows(_ options: [Option]) -> [(String, [String])] {
        func show(_ option: Option, _ figure: Figure?) -> String {
            figure.map { Display.figure($0, currency: option.evaluation.results.currency) } ?? "none"
        }
        return [
            ("Total present value", options.map { show($0, $0.evaluation.results.totalPresentValue) }),
            ("Total inputs", options.map { show($0, $0.evaluation.results.totalInputs) }),
            ("Net present value", options.map { show($0, $0.evaluation.results.netPresentValue) }),
            ("SROI ratio", options.map { show($0, $0.evaluation.results.sroiRatio) }),
            ("Net SROI ratio", options.map { show($0, $0.evaluation.results.netSROIRatio) }),
            (
                "Payback",
                options.map {
                    Display.payback(
                        $0.evaluation.results.paybackMonths, scenario: $0.scenario,
                        currency: $0.evaluation.results.currency)
                }
            ),
            ("Discounted payback", options.map { show($0, $0.evaluation.results.discountedPaybackYears) }),
            ("Cashable savings (PV)", options.map { show($0, $0.cashableSavings) }),
        ]
    }

    public static func text(_ options: [Option], comparisons: [ScenarioComparison]) -> String {
        var lines = ["Options side by side"] + legend(options).flatMap { Display.wrap($0, indent: "  ") }
        if let settings = Display.commandLineSettings(options[0].scenario) {
            lines += Display.wrap("WHAT-IF: \(settings)")
        }
        lines.append("")
        let header = [""] + options.indices.map(letter)
        // Why a figure is undefined goes below the table, so that the columns stay narrow.
        var notes: [String] = []
        let headline = rows(options).map { row in
            [row.0]
                + row.1.enumerated().map { index, cell -> String in
                    guard cell.hasPrefix("undefined ("), cell.hasSuffix(")") else { return cell }
                    let note = "\(letter(index)), \(row.0): \(cell.dropFirst(11).dropLast())"
                    if !notes.contains(note) { notes.append(note) }
                    return "undefined [\(notes.firstIndex(of: note)! + 1)]"
                }
        }
        lines += UncertaintyDocuments.table([header] + headline)
        lines += notes.enumerated().map { "  [\($0.offset + 1)] \($0.element)" }
        if let cashable = cashableRows(options) {
            let currency = options[0].evaluation.results.currency.code
            lines += [
                "", "Cashable savings by organisation and year (\(currency), undiscounted; last column present value)",
            ]
            lines += UncertaintyDocuments.table([[""] + cashable.years + ["PV"]] + cashable.rows)
        }
        let currency = options[0].evaluation.results.currency.code
        let business = businessCaseTable(options, comparisons: comparisons)
        lines += [
            "",
            "Business case (\(currency), present value; the last column\(comparisons.count == 1 ? " is" : "s are") the difference from the baseline)",
        ]
        lines += UncertaintyDocuments.table([business.header] + business.rows)
        lines += incrementalRatioLines(options, comparisons: comparisons).flatMap { Display.wrap($0) }
        for nominal in [false, true] {
            guard let cash = cashTable(options, comparisons: comparisons, nominal: nominal) else { continue }
            lines += [""] + Display.wrap(cash.title)
            lines += UncertaintyDocuments.table([cash.header] + cash.rows)
        }
        for (index, comparison) in comparisons.enumerated() {
            let option = options[index + 1]
            lines += ["", "\(option.scenario.title) against \(options[0].scenario.title):"]
            if comparison.differences.isEmpty {
                lines.append("  no assumption differs")
                continue
            }
            let currency = option.evaluation.results.currency.code
            // One block per difference: its values can be long (a formula, a records query), so
            // a table of them would not fit a terminal.
            for difference in comparison.differences {
                let ratio =
                    comparison.baseline.results.sroiRatio.value.number == nil
                    ? "undefined, as the baseline's ratio is"
                    : effect(difference.ratioEffect, decimals: 4)
                lines += Display.wrap(
                    humanName(difference.name, in: options[0].scenario, or: option.scenario), indent: "  ")
                lines += Display.wrap("baseline: \(difference.baseline)", indent: "      ")
                lines += Display.wrap("this option: \(difference.other)", indent: "      ")
                lines += Display.wrap(
                    "applied alone to the baseline: present value \(currency) \(effect(difference.presentValueEffect)), ratio \(ratio)",
                    indent: "      ")
            }
            lines += remainderLines(comparison, currency: currency).flatMap { Display.wrap($0, indent: "  ") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func attributed(_ difference: ScenarioComparison.Difference) -> Bool { difference.isAttributedAlone }

    /// An effect as people read it: the number, "undefined" with why, or "in remainder".
    static func effect(_ value: FigureValue?, decimals: Int = 2) -> String {
        switch value {
        case .number(let number)?: return Display.fixed(number, decimals: decimals)
        case .undefined(let reason)?: return "undefined (\(reason))"
        case nil: return "in remainder"
        }
    }

    /// The total difference and what the differences one at a time leave unexplained.
    static func remainderLines(_ comparison: ScenarioComparison, currency: String) -> [String] {
        var lines = [
            "Total difference in present value: \(currency) \(effect(comparison.presentValueDifference)); "
                + "in the SROI ratio: \(effect(comparison.ratioDifference, decimals: 4))."
        ]
        let alone = comparison.differences.filter { !$0.isAttributedAlone }
        var remainder =
            "Each effect above is that difference applied alone to the baseline. The remainder, "
            + "\(currency) \(effect(comparison.remainder)) (ratio \(effect(comparison.ratioRemainder, decimals: 4))), "
        if alone.isEmpty {
            remainder += "is what the changes do together beyond their separate effects (their interaction)."
        } else {
            remainder +=
                "is their interaction together with the differences that cannot be applied alone: "
                + alone.map { "\($0.name) (\($0.notAppliedAlone ?? "not applied alone"))" }.joined(separator: "; ")
                + "."
        }
        lines.append(remainder)
        return lines
    }

    public static func json(_ options: [Option], comparisons: [ScenarioComparison], provenance: [Provenance]) -> JSON {
        // Net cash by analysis year, labelled as the baseline labels its years; absent when empty.
        func byYear(_ entries: [(year: Int, value: FigureValue)]) -> JSON? {
            entries.isEmpty
                ? nil
                : .array(
                    entries.map { entry in
                        .object([
                            ("year", .number(Double(entry.year))),
                            ("label", .string(options[0].scenario.yearLabel(entry.year))),
                            ("net_cash", ResultsDocument.value(entry.value)),
                        ])
                    })
        }
        return .object([
            ("format", .string(format)),
            ("engine", ResultsDocument.engine),
            (
                "options",
                .array(
                    zip(options, provenance).map { option, provenance in
                        let results = option.evaluation.results
                        return .members([
                            ("title", .string(option.scenario.title)), ("file", .string(option.file)),
                            ("files", provenance.json),
                            ("total_present_value", ResultsDocument.figure(results.totalPresentValue)),
                            ("total_inputs", ResultsDocument.figure(results.totalInputs)),
                            ("net_present_value", ResultsDocument.figure(results.netPresentValue)),
                            ("sroi_ratio", ResultsDocument.figure(results.sroiRatio)),
                            ("net_sroi_ratio", ResultsDocument.figure(results.netSROIRatio)),
                            ("payback_months", ResultsDocument.figure(results.paybackMonths)),
                            (
                                "discounted_payback_years",
                                ResultsDocument.figure(results.discountedPaybackYears)
                            ),
                            ("cashable_savings", option.cashableSavings.map(ResultsDocument.figure)),
                            (
                                "business_case",
                                results.businessCase.map { ResultsDocument.businessCase($0, scenario: option.scenario) }
                            ),
                        ])
                    })
            ),
            (
                "differences",
                .array(
                    comparisons.enumerated().map { index, comparison in
                        .object([
                            ("baseline", .string(options[0].file)), ("option", .string(options[index + 1].file)),
                            (
                                "assumptions",
                                .array(
                                    comparison.differences.map { difference in
                                        .members([
                                            ("name", .string(difference.name)),
                                            ("baseline", .string(difference.baseline)),
                                            ("option", .string(difference.other)),
                                            ("baseline_at", .text(difference.baselineLocation?.description)),
                                            ("option_at", .text(difference.otherLocation?.description)),
                                            ("attributed", .bool(attributed(difference))),
                                            (
                                                "present_value_effect",
                                                difference.presentValueEffect.map(ResultsDocument.value)
                                            ),
                                            (
                                                "sroi_ratio_effect",
                                                difference.ratioEffect.map(ResultsDocument.value)
                                            ),
                                            ("not_applied_alone", difference.notAppliedAlone.map(JSON.string)),
                                        ])
                                    })
                            ),
                            ("present_value_difference", ResultsDocument.value(comparison.presentValueDifference)),
                            ("sroi_ratio_difference", ResultsDocument.value(comparison.ratioDifference)),
                            ("remainder", ResultsDocument.value(comparison.remainder)),
                            ("sroi_ratio_remainder", ResultsDocument.value(comparison.ratioRemainder)),
                            (
                                "incremental",
                                .members([
                                    ("benefits", ResultsDocument.value(comparison.incremental.benefits)),
                                    ("whole_cost", ResultsDocument.value(comparison.incremental.cost)),
                                    (
                                        "net_present_value",
                                        ResultsDocument.value(comparison.incremental.netPresentValue)
                                    ),
                                    (
                                        "benefit_cost_ratio",
                                        ResultsDocument.value(comparison.incremental.benefitCostRatio)
                                    ),
                                    ("net_cash_by_year", byYear(comparison.incremental.netCashByYear)),
                                    ("nominal_net_cash_by_year", byYear(comparison.incremental.nominalNetCashByYear)),
                                ])
                            ),
                        ])
                    })
            ),
        ])
    }

    public static func html(_ options: [Option], comparisons: [ScenarioComparison]) -> String {
        var body =
            "<h1>Options compared</h1><ul>" + legend(options).map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        body += ReportDocuments.table(
            ["Figure"] + options.map { $0.scenario.title }, rows(options).map { [$0.0] + $0.1 }, numericFrom: 1,
            id: "options")
        if let cashable = cashableRows(options) {
            body +=
                "<h2>Cashable savings by organisation and year</h2><p>Each year's value, undiscounted, in \(options[0].evaluation.results.currency.code); the last column is the present value.</p>"
            body += ReportDocuments.table(
                ["Option and organisation"] + cashable.years + ["Present value"], cashable.rows, numericFrom: 1,
                id: "cashable", className: "wide-table")
        }
        let business = businessCaseTable(options, comparisons: comparisons)
        body +=
            "<h2>Business case</h2><p>Present values in \(options[0].evaluation.results.currency.code); the last column\(comparisons.count == 1 ? " is" : "s are") the difference from the baseline.</p>"
        body += ReportDocuments.table(
            ["Figure"] + business.header.dropFirst(), business.rows, numericFrom: 1, id: "business-case")
        body += incrementalRatioLines(options, comparisons: comparisons).map { "<p>\(HTML.escape($0))</p>" }.joined()
        for nominal in [false, true] {
            guard let cash = cashTable(options, comparisons: comparisons, nominal: nominal) else { continue }
            body += "<h2>\(nominal ? "Nominal cash by year" : "Cash by year")</h2><p>\(HTML.escape(cash.title))</p>"
            body += ReportDocuments.table(
                ["Option and figure"] + cash.header.dropFirst(), cash.rows, numericFrom: 1,
                id: nominal ? "nominal-cash" : "cash", className: "wide-table")
        }
        body += Charts.horizontalBars(
            options.map { option in
                Charts.Bar(
                    label: option.scenario.title, value: option.evaluation.results.totalPresentValue.value.number,
                    text: Display.figure(
                        option.evaluation.results.totalPresentValue, currency: option.evaluation.results.currency))
            }, title: "Total present value", id: "chart-options")
        for (index, comparison) in comparisons.enumerated() {
            let option = options[index + 1]
            body += "<h2>\(HTML.escape(option.scenario.title)) against the baseline</h2>"
            if comparison.differences.isEmpty {
                body += "<p>No assumption differs.</p>"
                continue
            }
            body += ReportDocuments.table(
                ["Assumption", "Baseline", "This option", "Where declared", "PV effect", "Ratio effect"],
                comparison.differences.map { difference in
                    [
                        humanName(difference.name, in: options[0].scenario), difference.baseline, difference.other,
                        [difference.baselineLocation, difference.otherLocation].compactMap { $0?.description }.joined(
                            separator: " / "),
                        effect(difference.presentValueEffect), effect(difference.ratioEffect, decimals: 4),
                    ]
                }, numericFrom: 4)
            let currency = option.evaluation.results.currency.code
            body += remainderLines(comparison, currency: currency).map { "<p>\(HTML.escape($0))</p>" }.joined()
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">\(PagePolicy.meta(scripts: []))<title>Options compared</title><style>\(ReportDocuments.style)</style></head>
            <body>\(body)</body></html>

            """
    }
}
