import SROICore

/// The report as one self-contained HTML file, as Markdown, and the impact map as CSV.
public enum ReportDocuments {
    // MARK: HTML

    /// One HTML file: inline CSS and SVG, a small inline script for expanding the trace and for
    /// printing; nothing fetched from anywhere.
    public static func html(_ input: ReportInput) -> String {
        let scenario = input.scenario
        let results = input.evaluation.results
        var body = ""
        body += "<header><h1>\(HTML.escape(scenario.title))</h1>"
        if let organisation = scenario.organisation {
            body += "<p class=\"organisation\">\(HTML.escape(organisation))</p>"
        }
        if let summary = scenario.summary { body += "<p>\(HTML.escape(summary))</p>" }
        if let note = scenario.illustrativeNote {
            body += "<p class=\"illustrative\"><strong>Illustrative.</strong> \(HTML.escape(note))</p>"
        }
        body += "</header>"

        body += section("headline", "Headline figures") {
            table(
                ["Figure", "Value"], input.headline.map { [$0.0, input.show($0.1)] }, numericFrom: 1,
                id: "headline-figures")
        }

        body += section("charts", "Where the value arises") {
            var charts = Charts.horizontalBars(
                results.byStakeholder.map {
                    Charts.Bar(
                        label: input.stakeholderName($0.stakeholder), value: $0.figure.value.number,
                        text: input.show($0.figure))
                }, title: "Present value by stakeholder", id: "chart-stakeholders")
            charts += Charts.horizontalBars(
                results.byValueType.map {
                    Charts.Bar(
                        label: $0.valueType.rawValue, value: $0.figure.value.number, text: input.show($0.figure))
                },
                title: "Present value by value type", id: "chart-value-types")
            charts += Charts.columns(
                results.byYear.map { entry in
                    let label = scenario.firstCalendarYear.map { String($0 + entry.year - 1) } ?? "Year \(entry.year)"
                    return Charts.Bar(
                        label: label, value: entry.figure.value.number, text: input.show(entry.figure))
                }, title: "Present value by year", id: "chart-years")
            return charts
        }

        body += section("tables", "Breakdowns") {
            table(
                ["Stakeholder", "Present value"],
                results.byStakeholder.map { [input.stakeholderName($0.stakeholder), input.show($0.figure)] },
                numericFrom: 1)
                + table(
                    ["Value type", "Present value"],
                    results.byValueType.map { [$0.valueType.rawValue, input.show($0.figure)] }, numericFrom: 1)
                + table(
                    ["Analysis year", "Present value"],
                    results.byYear.map { entry in
                        let label =
                            "Year \(entry.year)"
                            + (scenario.firstCalendarYear.map { " (\($0 + entry.year - 1))" } ?? "")
                        return [label, input.show(entry.figure)]
                    }, numericFrom: 1)
        }

        body += section("impact-map", "Impact map") {
            let rows = input.impactRows.map(ReportInput.cells)
            return "<div class=\"wide\">"
                + table(ReportInput.impactColumns, rows, numericFrom: nil, id: "impact-map-table") + "</div>"
                + table(
                    ["Input", "Stakeholder", "Year", "Amount"],
                    zip(scenario.inputs, results.inputs).map { input_, result in
                        [
                            input_.summary ?? input_.id,
                            input_.stakeholder.map { input.stakeholderName($0.value) } ?? "",
                            String(input_.year.value), input.show(result.amount),
                        ]
                    }, numericFrom: 3)
        }

        body += section("assumptions", "Assumptions and their sources") {
            table(
                ["Outcome", "Assumption", "Value", "Why", "Source", "Written at"],
                input.assumptions.map { [$0.outcome, $0.name, $0.value, $0.rationale, $0.source, $0.location] },
                numericFrom: nil)
        }

        body += section("conventions", "Declared conventions") {
            table(["Convention", "As declared"], input.conventions.map { [$0.0, $0.1] }, numericFrom: nil)
        }

        if let source = scenario.recordSource {
            body += section("data", "Recorded data") {
                var text =
                    "<p>Quantities read from <code>\(HTML.escape(source.database))</code>, data fingerprint <code>\(source.fingerprint)</code>.</p>"
                if !scenario.integrityFindings.isEmpty {
                    text += table(
                        ["Rule", "Severity", "Dataset", "Key", "Finding"],
                        scenario.integrityFindings.map {
                            [$0.rule, $0.severity.rawValue, $0.dataset, $0.key, $0.detail]
                        }, numericFrom: nil)
                } else if !scenario.integrityRules.isEmpty {
                    text += "<p>Every integrity rule held.</p>"
                }
                return text
            }
        }

        if let sensitivity = input.sensitivity, !sensitivity.entries.isEmpty {
            body += section("sensitivity", "Sensitivity") {
                var text = ""
                if let base = sensitivity.baseRatio.number {
                    text += Charts.tornado(
                        sensitivity.entries.compactMap { entry in
                            guard let low = entry.ratioAtLow.number, let high = entry.ratioAtHigh.number else {
                                return nil
                            }
                            return Charts.Swing(
                                label: entry.parameter.name, low: low, high: high, lowText: Display.fixed(low),
                                highText: Display.fixed(high))
                        }, base: base, title: "SROI ratio at each end of each range", id: "chart-tornado")
                }
                let tornado = ReportInput.sensitivityTable(sensitivity)
                text += table(
                    tornado.header, tornado.rows, numericFrom: 2)
                return text
            }
        }

        if let simulation = input.simulation {
            body += section("simulation", "Uncertainty (Monte Carlo)") {
                let histogram = simulation.histogram
                var text = Charts.columns(
                    histogram.counts.enumerated().map { index, count in
                        Charts.Bar(
                            label: Display.fixed(histogram.edges[index]), value: Double(count), text: "\(count) draws")
                    }, title: "SROI ratio over \(simulation.draws) draws (seed \(simulation.seed))",
                    id: "chart-histogram",
                    caption: "SROI ratio")
                let ratio = simulation.ratio
                text += table(
                    ["", "Mean", "5th percentile", "Median", "95th percentile"],
                    [["SROI ratio"] + [ratio.mean, ratio.p5, ratio.median, ratio.p95].map { Display.fixed($0) }],
                    numericFrom: 1)
                text +=
                    "<p>Probability that the ratio exceeds \(NumberFormat.shortest(simulation.targetRatio)): \(Display.fixed(simulation.probabilityAboveTarget * 100, decimals: 1))%.</p>"
                return text
            }
        }

        body += section("trace", "How the figures were computed") {
            "<p class=\"no-print\"><button type=\"button\" id=\"expand-all\">Expand all</button> <button type=\"button\" id=\"collapse-all\">Collapse all</button></p>"
                + "<div class=\"trace\">"
                + traceHTML(
                    input.evaluation.trace,
                    roots: [FigureID.sroiRatio, FigureID.netPresentValue, FigureID.paybackMonths]) + "</div>"
        }

        body += section("provenance", "Inputs to this report") {
            table(
                ["File", "Role", "SHA-256"], input.provenance.files.map { [$0.path, $0.role, $0.sha256] },
                numericFrom: nil)
                + "<p>Engine \(Engine.name) \(Engine.version).</p>"
        }

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(scenario.title)) — SROI report</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body)
            <script>\(script)</script>
            </body>
            </html>

            """
    }

    static func section(_ id: String, _ title: String, _ content: () -> String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(content())</section>\n"
    }

    static func table(_ header: [String], _ rows: [[String]], numericFrom: Int?, id: String? = nil) -> String {
        var html = "<table\(id.map { " id=\"\($0)\"" } ?? "")><thead><tr>"
        html += header.map { "<th>\(HTML.escape($0))</th>" }.joined()
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                let numeric = numericFrom.map { index >= $0 } ?? false
                html += numeric ? "<td class=\"number\">\(HTML.escape(cell))</td>" : "<td>\(HTML.escape(cell))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>\n"
    }

    /// The trace as nested `<details>`: each figure opens onto its formula and inputs; a figure
    /// met again links to where it was first shown.
    static func traceHTML(_ trace: Trace, roots: [String]) -> String {
        var shown: Set<String> = []
        var html = ""
        func visit(_ id: String, depth: Int) {
            guard let node = trace[id] else { return }
            let value: String
            switch node.value {
            case .number(let number): value = "\(NumberFormat.shortest(number)) \(node.unit)"
            case .undefined(let reason): value = "undefined: \(reason)"
            }
            let anchor = "node-" + id.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            if shown.contains(id) {
                html +=
                    "<div class=\"leaf\"><a href=\"#\(anchor)\">\(HTML.escape(node.label))</a> = \(HTML.escape(value)) <span class=\"see\">(shown above)</span></div>"
                return
            }
            shown.insert(id)
            html +=
                "<details id=\"\(anchor)\"\(depth == 0 ? " open" : "")><summary><span class=\"label\">\(HTML.escape(node.label))</span> = <span class=\"value\">\(HTML.escape(value))</span> <code class=\"id\">\(HTML.escape(id))</code></summary><div class=\"node\">"
            if node.arithmetic != .given {
                html +=
                    "<p class=\"formula\"><span class=\"step\">\(HTML.escape(node.step.title))</span>: \(HTML.escape(trace.symbolicFormula(of: node)))<br>= \(HTML.escape(trace.substitutedFormula(of: node)))</p>"
            }
            if let convention = node.convention { html += "<p>convention: \(HTML.escape(convention))</p>" }
            if let origin = node.origin { html += "<p class=\"origin\">from: \(originHTML(origin))</p>" }
            if let rationale = node.rationale { html += "<p>why: \(HTML.escape(rationale))</p>" }
            if let source = node.source { html += "<p>source: \(citationHTML(source))</p>" }
            for input in node.inputs { visit(input, depth: depth + 1) }
            html += "</div></details>"
        }
        for root in roots { visit(root, depth: 0) }
        return html
    }

    static func citationHTML(_ citation: Citation) -> String {
        var text = HTML.escape(citation.publication)
        if let locator = citation.locator { text += ", " + HTML.escape(locator) }
        if let publisher = citation.publisher { text += " (" + HTML.escape(publisher) + ")" }
        if let url = citation.url, url.hasPrefix("http") {
            text += " <a href=\"\(HTML.escape(url))\">\(HTML.escape(url))</a>"
        }
        if let licence = citation.licence { text += "; licence: " + HTML.escape(licence) }
        return text
    }

    static func originHTML(_ origin: Origin) -> String {
        switch origin {
        case .model(let entry):
            var text = "model entry <code>\(HTML.escape(entry.reference))</code>"
            if let location = entry.location { text += " (\(HTML.escape(location.description)))" }
            if let citation = entry.citation { text += "; cites " + citationHTML(citation) }
            return text
        default:
            return HTML.escape(Explanation.describe(origin))
        }
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
        h1{margin-bottom:.2rem}h2{border-bottom:2px solid #2f5d8a;padding-bottom:.2rem;margin-top:2.2rem}
        .organisation{color:#555;margin-top:0}.illustrative{background:#fff4d6;border-left:4px solid #d49b00;padding:.6rem .8rem}
        table{border-collapse:collapse;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef2f7}td.number{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
        .wide{overflow-x:auto}svg.chart{display:block;max-width:60rem;margin:1rem 0;font-size:12px}
        svg .bar{fill:#2f5d8a}svg .bar.negative{fill:#b03a2e}svg .axis{stroke:#333}svg .base{stroke:#b03a2e;stroke-dasharray:4 3}
        svg .chart-title{font-weight:600;font-size:14px}svg .tick{font-size:11px;fill:#444}
        .trace details{margin-left:1.1rem;border-left:1px dotted #aab}.trace summary{cursor:pointer;padding:.1rem 0}
        .trace .node{margin-left:.6rem;font-size:.9rem}.trace .formula{font-family:ui-monospace,Menlo,Consolas,monospace}
        .trace .id{color:#667;font-size:.8rem}.trace .leaf{margin-left:1.6rem}.trace .see{color:#667}.step{font-weight:600}
        code{font-size:.85em}
        @media print{body{max-width:none;margin:0;font-size:10pt}.no-print{display:none}h2{break-after:avoid}
        table,svg{break-inside:avoid}.trace details{border:none}a{color:inherit;text-decoration:none}}
        """

    /// Expands or collapses the trace, opens it all for printing, and notes that the page ran.
    static let script = """
        (function(){var all=function(open){document.querySelectorAll('details').forEach(function(d){d.open=open;});};
        window.addEventListener('error',function(e){document.body.setAttribute('data-errors',String(e.message));});
        document.getElementById('expand-all').addEventListener('click',function(){all(true);});
        document.getElementById('collapse-all').addEventListener('click',function(){all(false);});
        window.addEventListener('beforeprint',function(){all(true);});
        if(location.hash==='#open-all'){all(true);}
        document.body.setAttribute('data-ready','yes');})();
        """

    // MARK: Markdown

    public static func markdown(_ input: ReportInput) -> String {
        let scenario = input.scenario
        let results = input.evaluation.results
        var lines: [String] = ["# \(scenario.title)", ""]
        if let organisation = scenario.organisation { lines += [organisation, ""] }
        if let summary = scenario.summary { lines += [summary, ""] }
        if let note = scenario.illustrativeNote { lines += ["> **Illustrative.** \(note)", ""] }
        lines +=
            ["## Headline figures", ""]
            + markdownTable(["Figure", "Value"], input.headline.map { [$0.0, input.show($0.1)] }) + [""]
        lines +=
            ["## Present value by stakeholder", ""]
            + markdownTable(
                ["Stakeholder", "Present value"],
                results.byStakeholder.map { [input.stakeholderName($0.stakeholder), input.show($0.figure)] })
            + [""]
        lines +=
            ["## Present value by value type", ""]
            + markdownTable(
                ["Value type", "Present value"],
                results.byValueType.map { [$0.valueType.rawValue, input.show($0.figure)] }) + [""]
        lines +=
            ["## Present value by year", ""]
            + markdownTable(
                ["Analysis year", "Present value"],
                results.byYear.map { entry in
                    [
                        "Year \(entry.year)" + (scenario.firstCalendarYear.map { " (\($0 + entry.year - 1))" } ?? ""),
                        input.show(entry.figure),
                    ]
                }) + [""]
        lines +=
            ["## Impact map", ""]
            + markdownTable(
                ReportInput.impactColumns,
                input.impactRows.map(ReportInput.cells)) + [""]
        lines +=
            ["## Assumptions and their sources", ""]
            + markdownTable(
                ["Outcome", "Assumption", "Value", "Why", "Source", "Written at"],
                input.assumptions.map { [$0.outcome, $0.name, $0.value, $0.rationale, $0.source, $0.location] }) + [""]
        lines +=
            ["## Declared conventions", ""]
            + markdownTable(["Convention", "As declared"], input.conventions.map { [$0.0, $0.1] }) + [""]
        if let source = scenario.recordSource {
            lines += [
                "## Recorded data", "",
                "Quantities read from `\(source.database)`, data fingerprint `\(source.fingerprint)`.", "",
            ]
            if !scenario.integrityFindings.isEmpty {
                lines +=
                    markdownTable(
                        ["Rule", "Severity", "Dataset", "Key", "Finding"],
                        scenario.integrityFindings.map {
                            [$0.rule, $0.severity.rawValue, $0.dataset, $0.key, $0.detail]
                        }) + [""]
            }
        }
        if let sensitivity = input.sensitivity, !sensitivity.entries.isEmpty {
            lines +=
                ["## Sensitivity", ""]
                + markdownTable(ReportInput.sensitivityTable(sensitivity)) + [""]
        }
        if let simulation = input.simulation {
            let ratio = simulation.ratio
            lines +=
                ["## Uncertainty (Monte Carlo)", "", "\(simulation.draws) draws, seed \(simulation.seed).", ""]
                + markdownTable(
                    ["", "Mean", "5th percentile", "Median", "95th percentile"],
                    [["SROI ratio"] + [ratio.mean, ratio.p5, ratio.median, ratio.p95].map { Display.fixed($0) }])
                + [
                    "",
                    "Probability that the ratio exceeds \(NumberFormat.shortest(simulation.targetRatio)): \(Display.fixed(simulation.probabilityAboveTarget * 100, decimals: 1))%.",
                    "",
                ]
        }
        lines += ["## How the SROI ratio was computed", "", "```text"]
        lines += Explanation(trace: input.evaluation.trace).render(FigureID.sroiRatio).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        lines +=
            ["```", "", "## Inputs to this report", ""]
            + markdownTable(["File", "Role", "SHA-256"], input.provenance.files.map { [$0.path, $0.role, $0.sha256] })
            + ["", "Engine \(Engine.name) \(Engine.version).", ""]
        return lines.joined(separator: "\n")
    }

    static func markdownTable(_ table: (header: [String], rows: [[String]])) -> [String] {
        markdownTable(table.header, table.rows)
    }

    static func markdownTable(_ header: [String], _ rows: [[String]]) -> [String] {
        func cell(_ text: String) -> String {
            text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        }
        return ["| " + header.map(cell).joined(separator: " | ") + " |", "|" + header.map { _ in " --- |" }.joined()]
            + rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" }
    }

    // MARK: CSV

    /// The impact map's columns in the CSV, in the order of the SROI Guide's impact map.
    public static let impactMapCSVColumns = [
        "Stakeholder", "Intended/unintended changes", "Inputs", "Inputs value", "Currency", "Outputs",
        "Outcome (what changes)", "Indicator", "Indicator source", "Quantity", "Unit", "Duration (years)",
        "Start year", "Financial proxy", "Value of proxy", "Proxy source", "Deadweight", "Displacement", "Attribution",
        "Drop-off", "Impact (year one)", "Present value",
    ]

    /// The impact map as CSV (RFC 4180) for spreadsheets: numbers as numbers (shortest
    /// round-trip form, shares as fractions, the currency in its own column), each input once
    /// (on its stakeholder's first row, or a row of its own), and a totals row.
    public static func impactMapCSV(_ input: ReportInput) -> String {
        func field(_ text: String) -> String {
            // A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or CR first) is
            // written as text, with a leading apostrophe, so that opening the file runs nothing.
            var text = text
            if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
            return text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        // Numbers are written bare: a negative one keeps its sign and is never taken for a formula.
        func number(_ value: FigureValue?) -> String {
            switch value {
            case .number(let number)?: return NumberFormat.shortest(number)
            case .undefined?: return "undefined"
            case nil: return ""
            }
        }
        let scenario = input.scenario
        let evaluation = input.evaluation
        let trace = evaluation.trace
        let currency = evaluation.results.currency.code
        var lines = [impactMapCSVColumns.map(field).joined(separator: ",")]
        func line(_ cells: [(String, isNumber: Bool)]) {
            lines.append(cells.map { $0.isNumber ? $0.0 : field($0.0) }.joined(separator: ","))
        }
        var inputsShown = Set<String>()
        func inputsCells(_ stakeholder: String?) -> [(String, isNumber: Bool)] {
            let inputs = zip(scenario.inputs, evaluation.results.inputs).filter {
                $0.0.stakeholder?.value == stakeholder && !inputsShown.contains($0.0.id)
            }
            inputs.forEach { inputsShown.insert($0.0.id) }
            guard !inputs.isEmpty else { return [("", false), ("", true), ("", false)] }
            let values = inputs.compactMap { $0.1.counted.value.number }
            let total: FigureValue =
                values.count == inputs.count
                ? .number(values.reduce(0, +)) : .undefined(reason: "an input is undefined")
            return [
                (inputs.map { $0.0.summary ?? $0.0.id }.joined(separator: "; "), false), (number(total), true),
                (currency, false),
            ]
        }
        for (outcome, result) in zip(scenario.outcomes, evaluation.results.outcomes) {
            let gross = trace[FigureID.outcome(outcome.id, .grossValue)]
            let quantity = gross.flatMap { trace[$0.inputs[0]] }
            let proxy = gross.flatMap { trace[$0.inputs[1]] }
            func share(_ kind: DeductionKind) -> (String, isNumber: Bool) {
                guard let deduction = outcome.deduction(kind) else { return ("0", true) }
                let shares = deduction.value.shares.map(NumberFormat.shortest)
                return (shares.joined(separator: " / "), shares.count == 1)
            }
            let proxyName = outcome.proxy.price?.model?.reference ?? (outcome.proxy.amount.rationale ?? "")
            line(
                [(input.stakeholderName(outcome.stakeholder.value), false), (outcome.summary ?? "", false)]
                    + inputsCells(outcome.stakeholder.value) + [
                        ("", false), (outcome.id, false), (outcome.indicator ?? "", false),
                        (
                            input.derivation(outcome.quantity, node: trace[FigureID.outcome(outcome.id, .quantity)]),
                            false
                        ),
                        (number(quantity?.value), true), (quantity?.unit ?? "", false),
                        (String(outcome.duration.value), true), (String(outcome.startYear.value), true),
                        (proxyName, false), (number(proxy?.value), true),
                        (
                            input.derivation(outcome.proxy.amount, node: trace[FigureID.outcome(outcome.id, .proxy)]),
                            false
                        ),
                        share(.deadweight), share(.displacement), share(.attribution),
                        (number(trace[FigureID.outcome(outcome.id, .dropOff)]?.value), true),
                        (number(result.impactYear1.value), true), (number(result.presentValue.value), true),
                    ])
        }
        // Inputs of stakeholders with no outcome of their own (a funder, say), once each.
        for stakeholder in Set(scenario.inputs.map { $0.stakeholder?.value }).sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let cells = inputsCells(stakeholder)
            guard !cells[0].0.isEmpty else { continue }
            line(
                [(stakeholder.map(input.stakeholderName) ?? "", false), ("", false)] + cells
                    + Array(repeating: ("", false), count: impactMapCSVColumns.count - 5))
        }
        let results = evaluation.results
        let impacts = results.outcomes.compactMap(\.impactYear1.value.number)
        line(
            [("Total", false), ("", false), ("", false), (number(results.totalInputs.value), true), (currency, false)]
                + Array(repeating: ("", false), count: impactMapCSVColumns.count - 7)
                + [
                    (impacts.count == results.outcomes.count ? NumberFormat.shortest(impacts.reduce(0, +)) : "", true),
                    (number(results.totalPresentValue.value), true),
                ])
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
