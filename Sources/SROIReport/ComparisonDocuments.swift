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
            ("Payback", options.map { show($0, $0.evaluation.results.paybackMonths) }),
            ("Cashable savings (PV)", options.map { show($0, $0.cashableSavings) }),
        ]
    }

    public static func text(_ options: [Option], comparisons: [ScenarioComparison]) -> String {
        var lines = ["Options side by side (the first is the baseline)", ""]
        let header = [""] + options.map { Charts.short($0.scenario.title, limit: 38) }
        lines += UncertaintyDocuments.table([header] + rows(options).map { [$0.0] + $0.1 })
        for (index, comparison) in comparisons.enumerated() {
            let option = options[index + 1]
            lines += ["", "\(option.scenario.title) against \(options[0].scenario.title):"]
            if comparison.differences.isEmpty {
                lines.append("  no assumption differs")
                continue
            }
            let currency = option.evaluation.results.currency.code
            lines += UncertaintyDocuments.table(
                [["  assumption", "baseline", "this option", "PV effect (\(currency))", "ratio effect"]]
                    + comparison.differences.map { difference in
                        [
                            "  " + difference.name, difference.baseline, difference.other,
                            attributed(difference) ? Display.fixed(difference.presentValueEffect) : "in remainder",
                            difference.ratioEffect.map { Display.fixed($0, decimals: 4) } ?? "",
                        ]
                    })
            if abs(comparison.remainder) > 0 || comparison.differences.contains(where: { !attributed($0) }) {
                lines.append(
                    "  not attributed one at a time (remainder): \(currency) \(Display.fixed(comparison.remainder))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func attributed(_ difference: ScenarioComparison.Difference) -> Bool { difference.isAttributedAlone }

    public static func json(_ options: [Option], comparisons: [ScenarioComparison], provenance: [Provenance]) -> JSON {
        .object([
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
                            ("cashable_savings", option.cashableSavings.map(ResultsDocument.figure)),
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
                                            ("present_value_effect", .number(difference.presentValueEffect)),
                                            ("sroi_ratio_effect", difference.ratioEffect.map(JSON.number)),
                                        ])
                                    })
                            ),
                            ("remainder", .number(comparison.remainder)),
                        ])
                    })
            ),
        ])
    }

    public static func html(_ options: [Option], comparisons: [ScenarioComparison]) -> String {
        var body = "<h1>Options compared</h1><p>The first option is the baseline.</p>"
        body += ReportDocuments.table(
            ["Figure"] + options.map { $0.scenario.title }, rows(options).map { [$0.0] + $0.1 }, numericFrom: 1,
            id: "options")
        body += Charts.horizontalBars(
            options.map { option in
                Charts.Bar(
                    label: option.scenario.title, value: option.evaluation.results.totalPresentValue.value.number ?? 0,
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
                        difference.name, difference.baseline, difference.other,
                        [difference.baselineLocation, difference.otherLocation].compactMap { $0?.description }.joined(
                            separator: " / "),
                        attributed(difference) ? Display.fixed(difference.presentValueEffect) : "in remainder",
                        difference.ratioEffect.map { Display.fixed($0, decimals: 4) } ?? "",
                    ]
                }, numericFrom: 4)
            body += "<p>Not attributed one at a time (remainder): \(Display.fixed(comparison.remainder)).</p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Options compared</title><style>\(ReportDocuments.style)</style></head>
            <body>\(body)</body></html>

            """
    }
}
