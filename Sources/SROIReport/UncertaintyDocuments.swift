import SROICore

/// `sensitivity.json` and `simulation.json`, and their terminal tables.
public enum UncertaintyDocuments {
    public static let sensitivityFormat = "sroi-sensitivity/1"
    public static let simulationFormat = "sroi-simulation/1"

    static func parameterJSON(_ parameter: UncertainParameter) -> [(String, JSON?)] {
        let uncertainty = parameter.uncertainty
        var members: [(String, JSON?)] = [
            ("parameter", .string(parameter.name)), ("base", .number(parameter.base)),
            ("low", uncertainty.low.map(JSON.number)), ("high", uncertainty.high.map(JSON.number)),
            ("distribution", uncertainty.distribution.map { .string($0.name) }),
        ]
        if case .normal(let deviation) = uncertainty.distribution { members.append(("sd", .number(deviation))) }
        members += ResultsDocument.location(uncertainty.location)
        return members
    }

    static func value(_ value: FigureValue) -> JSON { ResultsDocument.value(value) }

    public static func sensitivity(_ analysis: SensitivityAnalysis, scenario: Scenario, provenance: Provenance) -> JSON
    {
        .members([
            ("format", .string(sensitivityFormat)),
            ("engine", ResultsDocument.engine),
            ("files", provenance.json),
            ("scenario", .string(scenario.title)),
            (
                "base",
                .object([("sroi_ratio", value(analysis.baseRatio)), ("net_present_value", value(analysis.baseNPV))])
            ),
            ("target_ratio", .number(analysis.targetRatio)),
            (
                "assumptions",
                .array(
                    analysis.entries.map { entry in
                        let switching = entry.switchingValue
                        return .members(
                            parameterJSON(entry.parameter) + [
                                ("sroi_ratio_at_low", value(entry.ratioAtLow)),
                                ("sroi_ratio_at_high", value(entry.ratioAtHigh)),
                                ("net_present_value_at_low", value(entry.npvAtLow)),
                                ("net_present_value_at_high", value(entry.npvAtHigh)),
                                ("swing", entry.swing.map(JSON.number) ?? .null),
                                (
                                    "switching_value",
                                    .members([
                                        ("value", switching.value.map(JSON.number) ?? .null),
                                        ("reachable", .bool(switching.value != nil)),
                                        ("method", .string(switching.method.rawValue)),
                                        ("sroi_ratio_at_value", switching.ratioAtValue.map(JSON.number)),
                                        ("note", .text(switching.note)),
                                        ("outside_range", switching.outsideRange.map(JSON.number) ?? .null),
                                    ])
                                ),
                            ])
                    })
            ),
        ])
    }

    public static func sensitivityTable(_ analysis: SensitivityAnalysis, scenario: Scenario) -> String {
        func ratio(_ value: FigureValue) -> String {
            value.number.map { Display.fixed($0) } ?? "undefined"
        }
        let index = OutcomeIndex(scenario)
        var lines = [
            "One at a time: the SROI ratio at each end of each range, widest swing first (base \(ratio(analysis.baseRatio)))",
            "",
        ]
        let rows = analysis.entries.map { entry -> [String] in
            let switching = entry.switchingValue
            let unit = Display.unit(of: entry.parameter, in: scenario, outcomes: index)
            func show(_ value: Double) -> String { Display.amount(value, unit: unit, share: entry.parameter.isShare) }
            let value =
                switching.value.map(show) ?? switching.outsideRange.map { "outside: \(show($0))" } ?? "none"
            return [
                Display.parameterName(entry.parameter, in: scenario, outcomes: index),
                "\(show(entry.low)) to \(show(entry.high))",
                ratio(entry.ratioAtLow), ratio(entry.ratioAtHigh), entry.swing.map { Display.fixed($0) } ?? "undefined",
                value,
            ]
        }
        let header = [
            "assumption", "range", "ratio at low", "ratio at high", "swing",
            "ratio \(NumberFormat.shortest(analysis.targetRatio)) at",
        ]
        lines += table([header] + rows)
        if analysis.entries.isEmpty { lines.append("(no assumption declares a range)") }
        if !analysis.entries.isEmpty {
            lines += ["", "Where the ratio reaches \(NumberFormat.shortest(analysis.targetRatio)) : 1"]
            lines += analysis.entries.map {
                "  \(Display.parameterName($0.parameter, in: scenario, outcomes: index)): "
                    + Display.switching(
                        $0, target: analysis.targetRatio,
                        unit: Display.unit(of: $0.parameter, in: scenario, outcomes: index))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func simulation(_ simulation: Simulation, scenario: Scenario, provenance: Provenance) -> JSON {
        func summary(_ summary: Simulation.Summary) -> JSON {
            .object([
                ("mean", .number(summary.mean)), ("median", .number(summary.median)), ("p5", .number(summary.p5)),
                ("p25", .number(summary.p25)), ("p75", .number(summary.p75)), ("p95", .number(summary.p95)),
                ("min", .number(summary.minimum)), ("max", .number(summary.maximum)),
            ])
        }
        return .members([
            ("format", .string(simulationFormat)),
            ("engine", ResultsDocument.engine),
            ("files", provenance.json),
            ("scenario", .string(scenario.title)),
            (
                "generator",
                .string(
                    "xoshiro256** per draw, state from SplitMix64 at seed + draw × 0x9E3779B97F4A7C15; percentiles by linear interpolation between ranks (n − 1) × q"
                )
            ),
            ("seed", .number(Double(simulation.seed))),
            ("draws", .number(Double(simulation.draws))),
            ("parameters", .array(simulation.parameters.map { .members(parameterJSON($0)) })),
            ("sroi_ratio", summary(simulation.ratio)),
            ("net_present_value", summary(simulation.npv)),
            ("target_ratio", .number(simulation.targetRatio)),
            ("probability_ratio_above_target", .number(simulation.probabilityAboveTarget)),
            (
                "histogram",
                .object([
                    ("of", .string("sroi_ratio")), ("edges", .array(simulation.histogram.edges.map(JSON.number))),
                    ("counts", .array(simulation.histogram.counts.map { .number(Double($0)) })),
                ])
            ),
        ])
    }

    public static func simulationTable(_ simulation: Simulation, currency: Currency) -> String {
        let ratio = simulation.ratio
        let npv = simulation.npv
        var lines = [
            "Monte Carlo: \(simulation.draws) draws, seed \(simulation.seed), \(simulation.parameters.count) assumptions drawn",
            "",
        ]
        lines += table([
            ["", "mean", "p5", "p25", "median", "p75", "p95"],
            ["SROI ratio"]
                + [ratio.mean, ratio.p5, ratio.p25, ratio.median, ratio.p75, ratio.p95].map { Display.fixed($0) },
            ["NPV (\(currency.code))"]
                + [npv.mean, npv.p5, npv.p25, npv.median, npv.p75, npv.p95].map { Display.fixed($0, decimals: 0) },
        ])
        lines.append("")
        lines.append(
            "Probability that the ratio exceeds \(NumberFormat.shortest(simulation.targetRatio)): \(Display.fixed(simulation.probabilityAboveTarget * 100, decimals: 1))%"
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows as aligned columns, text left and figures right. Where the table would be wider
    /// than `width`, the first column (the names) narrows and its text wraps onto lines of its
    /// own above the row's figures, so a terminal never folds a row.
    static func table(_ rows: [[String]], width: Int = 100) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        let total = widths.reduce(0, +) + 2 * (columns - 1)
        if total > width, columns > 1 { widths[0] = max(min(32, widths[0]), widths[0] - (total - width)) }
        func padded(_ text: String, _ count: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: max(0, count - text.count))
            return left ? text + fill : fill + text
        }
        var lines: [String] = []
        for row in rows {
            let label = row.first ?? ""
            var labelLines = [label]
            if label.count > widths[0] {
                let indent = String(label.prefix { $0 == " " })
                labelLines = Display.wrap(String(label.dropFirst(indent.count)), width: widths[0], indent: indent)
            }
            lines += labelLines.dropLast()
            let cells = row.dropFirst().enumerated().map { padded($0.element, widths[$0.offset + 1], left: false) }
            lines.append(([padded(labelLines.last ?? "", widths[0], left: true)] + cells).joined(separator: "  "))
        }
        return lines
    }
}
