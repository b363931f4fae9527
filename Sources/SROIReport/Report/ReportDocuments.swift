import SROICore

/// The report as one self-contained HTML file, as Markdown, and the impact map as CSV.
public enum ReportDocuments {
    /// What a report written without its trace says in the trace's place.
    static let traceLeftOut =
        "The calculation trace is left out of this report (it was written with --no-trace). `sroi explain SCENARIO sroi_ratio` shows it, and `sroi run SCENARIO --out DIR` writes it whole to trace.json."
    // MARK: HTML

    /// One HTML file: inline CSS and SVG, a small inline script for expanding the trace and for
    /// printing; nothing fetched from anywhere.
    ///
    /// The file carries a Content-Security-Policy that lets only its own script run, so nothing a
    /// scenario's text could slip into the page (an event handler, a script) would run.
    ///
    /// A page that shows the report inside something else (the web workspace) gives `before`, HTML
    /// placed ahead of the report, and `after`, placed after its script; such a page is served
    /// with a policy of its own (``PagePolicy``) naming its scripts.
    public static func html(_ input: ReportInput, before: String = "", after: String? = nil) -> String {
        let scenario = input.scenario
        let results = input.evaluation.results
        var body = ""
        body += cover(input)

        body += section("headline", "In brief") {
            var text = "<p class=\"headline-sentence\">\(HTML.escape(input.headlineSentence)).</p>"
            if scenario.illustrativeNote != nil {
                text +=
                    "<p class=\"flag\">Illustrative: some figures are assumed rather than recorded (see the note above).</p>"
            }
            if let source = scenario.recordSource {
                text +=
                    "<p>Quantities read from recorded data"
                    + (source.dateRange.map { " dated \(HTML.escape($0.from)) to \(HTML.escape($0.to))" } ?? "")
                    + ".</p>"
            }
            let influential = input.mostInfluential()
            if !influential.isEmpty {
                text +=
                    "<p>The assumptions that move the ratio most, over their declared ranges:</p><ol class=\"influential\">"
                for item in influential {
                    text +=
                        "<li>\(HTML.escape(item.name)) (\(HTML.escape(item.range))): ratio \(Display.fixed(min(item.low, item.high))) to \(Display.fixed(max(item.low, item.high)))</li>"
                }
                text += "</ol>"
            }
            text += table(
                ["Figure", "Value"], input.headline.map { [$0.0, input.show($0.1)] }, numericFrom: 1,
                id: "headline-figures")
            return text
        }

        if let second = results.secondCurrency {
            body += section("currencies", "Currencies") {
                let trace = input.evaluation.trace
                let rate = results.secondCurrencyRate.flatMap { trace[$0.node] }
                var text =
                    "<p>Money is shown in \(input.currency.code), the scenario's currency, and in \(second.code) at a declared rate; each conversion is a step of the trace (<code class=\"id\">in_\(second.code).…</code>).</p>"
                if let rate, let value = rate.value.number {
                    text +=
                        "<p>\(HTML.escape(rate.label)): 1 \(input.currency.code) = \(NumberFormat.shortest(value)) \(second.code)"
                    // The declared rate: this one, or the one it is the inverse of.
                    let declared = rate.arithmetic == .given ? rate : rate.inputs.last.flatMap { trace[$0] }
                    if let declared {
                        text += "; declared as \(HTML.escape(declared.label)), \(HTML.escape(declared.rationale ?? ""))"
                        if let source = declared.source { text += ", source: \(citationHTML(source))" }
                    }
                    text += ".</p>"
                }
                return text
            }
        }

        for chapter in scenario.report.chapters {
            body += section("chapter-\(chapter.kind.rawValue)", chapter.kind.title) {
                "<div class=\"chapter\">\(ChapterMarkdown.html(chapter.markdown))</div>"
            }
        }

        body += section("charts", "Where the value arises") { chartsHTML(input) }

        body += section("tables", "Breakdowns") {
            table(
                ["Stakeholder", "Present value"],
                results.byStakeholder.map { [input.stakeholderName($0.stakeholder), input.show($0.figure)] },
                numericFrom: 1)
                + table(
                    ["Value type", "Present value"],
                    results.byValueType.map { [$0.valueType.title, input.show($0.figure)] }, numericFrom: 1)
                + table(
                    ["Analysis year", "Present value"],
                    results.byYear.map { entry in
                        let label =
                            scenario.firstCalendarYear == nil
                            ? "Year \(entry.year)" : "Year \(entry.year) (\(scenario.yearLabel(entry.year)))"
                        return [label, input.show(entry.figure)]
                    }, numericFrom: 1)
        }

        if let view = input.cashableView {
            body += section("cashable", "Cashable savings by organisation and year") {
                "<p>Each year's value, undiscounted, in \(input.currency.code); the last column is the present value. Cashable savings are money an organisation no longer spends; the other rows are value that does not release cash.</p>"
                    + table(
                        ["Kind of value"] + view.years.map { scenario.yearLabel($0) } + ["Present value"],
                        view.rows.map { [$0.name] + $0.totals.cells }, numericFrom: 1, id: "cashable-table",
                        className: "wide-table")
            }
        }

        if let view = input.businessCaseView {
            body += section("business-case", "The option as a business case") {
                "<p>\(HTML.escape(view.intro))</p>"
                    + table(["Figure", "Present value"], view.summary, numericFrom: 1)
                    + table(
                        view.cashHeader, view.cash, numericFrom: 1, id: "business-case-cash", className: "wide-table")
            }
        }

        let inputs = input.inputsView
        body += section("impact-map", "Impact map") {
            "<p class=\"caption\">Money in \(input.currency.code). Each outcome's id, for the trace, is in small type beneath its name.</p>"
                + impactTable(input)
                + "<h3>Inputs</h3>"
                + table(inputs.header, inputs.rows, numericFrom: 4)
        }

        body += section("assumptions", "Assumptions and their sources") {
            table(
                ["Outcome", "Assumption", "Value", "Why", "Source", "Written at"],
                input.assumptions.map { [$0.outcome, $0.name, $0.value, $0.rationale, $0.source, $0.location] },
                numericFrom: nil, className: "wide-table assumptions", smallColumns: [5])
        }

        body += section("conventions", "Declared conventions") {
            table(["Convention", "As declared"], input.conventions.map { [$0.0, $0.1] }, numericFrom: nil)
        }

        if let source = scenario.recordSource {
            body += section("data", "Recorded data") {
                var text =
                    "<p>Quantities read from <code>\(HTML.escape(source.database))</code>, data fingerprint <code class=\"id\">\(source.fingerprint)</code>.</p>"
                if source.minimised.isEmpty {
                    text += "<p>The record store holds every column as it was imported.</p>"
                } else {
                    text +=
                        "<p id=\"records-minimised\">The record store is a minimised copy: it holds only the columns the scenario reads, with personal identifiers replaced by keyed pseudonyms (the same identifier always has the same pseudonym, so counts and integrity rules give the same answers; the key is not kept).</p><ul>"
                        + source.minimised.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
                }
                if !scenario.integrityFindings.isEmpty {
                    text +=
                        "<p>What the integrity rules found, counted by rule: the records themselves are named only in results.json.</p>"
                        + table(
                            ["Rule", "Severity", "Dataset", "Finding", "Records"],
                            IntegrityFinding.counted(scenario.integrityFindings).map {
                                [
                                    $0.finding.rule, $0.finding.severity.rawValue, $0.finding.dataset,
                                    $0.finding.summary, Display.fixed(Double($0.records), decimals: 0),
                                ]
                            }, numericFrom: 4)
                } else if !scenario.integrityRules.isEmpty {
                    text += "<p>Every integrity rule held.</p>"
                }
                return text
            }
        }

        if let sensitivity = input.sensitivity, !sensitivity.entries.isEmpty {
            body += section("sensitivity", "Sensitivity") { sensitivityHTML(input) }
        }

        if let simulation = input.simulation {
            body += section("simulation", "Uncertainty (Monte Carlo)") {
                simulationHTML(simulation, explaining: input.simulationMeanSentence)
            }
        }

        body += section("principles", "The SROI Guide's principles") {
            "<p>What this scenario file declares for each of the seven principles of the SROI Guide (Social Value UK's assurance standard checks them): yes only where a declared record supports it.</p>"
                + table(
                    ["Principle", "Declared", "On what"],
                    input.principles.map { [$0.principle, $0.status.rawValue, $0.by] },
                    numericFrom: nil, id: "principles")
        }

        body += section("trace", "How the figures were computed") {
            guard input.includesTrace else { return "<p>\(HTML.escape(ReportDocuments.traceLeftOut))</p>" }
            return
                "<p class=\"no-print\"><button type=\"button\" id=\"expand-all\">Expand all</button> <button type=\"button\" id=\"collapse-all\">Collapse all</button></p>"
                + "<div class=\"trace\">"
                + traceHTML(
                    input.evaluation.trace,
                    roots: [FigureID.sroiRatio, FigureID.netPresentValue, FigureID.paybackMonths]) + "</div>"
        }

        body += section("provenance", "Inputs to this report") {
            table(
                ["File", "Role", "SHA-256"], input.provenance.files.map { [$0.path, $0.role, $0.sha256] },
                numericFrom: nil, smallColumns: [2])
                + "<p>Engine \(Engine.name) \(Engine.version).</p>"
        }

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            \(after == nil ? PagePolicy.meta(scripts: [script]) : "")<title>\(HTML.escape(scenario.title)) — SROI report</title>
            <style>\(style)</style>
            </head>
            <body>
            \(before)\(body)
            <script>\(script)</script>\(after ?? "")
            </body>
            </html>

            """
    }

    /// The charts of where the value arises: by stakeholder, value type and year.
    public static func chartsHTML(_ input: ReportInput) -> String {
        let scenario = input.scenario
        let results = input.evaluation.results
        var charts = Charts.horizontalBars(
            results.byStakeholder.map {
                Charts.Bar(
                    label: input.stakeholderName($0.stakeholder), value: $0.figure.value.number,
                    text: input.show($0.figure))
            }, title: "Present value by stakeholder", id: "chart-stakeholders")
        charts += Charts.horizontalBars(
            results.byValueType.map {
                Charts.Bar(label: $0.valueType.title, value: $0.figure.value.number, text: input.show($0.figure))
            },
            title: "Present value by value type", id: "chart-value-types")
        charts += Charts.columns(
            results.byYear.map { entry in
                Charts.Bar(
                    label: scenario.yearLabel(entry.year), value: entry.figure.value.number,
                    text: input.show(entry.figure))
            }, title: "Present value by year", id: "chart-years")
        return charts
    }

    /// The tornado and the sensitivity table; empty without ranges.
    public static func sensitivityHTML(_ input: ReportInput) -> String {
        guard let sensitivity = input.sensitivity, !sensitivity.entries.isEmpty else { return "" }
        var text = ""
        if let base = sensitivity.baseRatio.number {
            text += Charts.tornado(
                sensitivity.entries.compactMap { entry in
                    guard let low = entry.ratioAtLow.number, let high = entry.ratioAtHigh.number else {
                        return nil
                    }
                    return Charts.Swing(
                        label: input.parameterName(entry.parameter), low: low, high: high,
                        lowText: Display.fixed(low), highText: Display.fixed(high))
                }, base: base, title: "SROI ratio at each end of each range", id: "chart-tornado")
        }
        let tornado = input.sensitivityTable
        // The last column is words, which wrap; figures in words need no right alignment.
        return text + table(tornado.header, tornado.rows, numericFrom: nil)
    }

    /// The Monte Carlo histogram and summary.
    public static func simulationHTML(_ simulation: Simulation, explaining sentence: String? = nil) -> String {
        let histogram = simulation.histogram
        var text = Charts.columns(
            histogram.counts.enumerated().map { index, count in
                Charts.Bar(label: Display.fixed(histogram.edges[index]), value: Double(count), text: "\(count) draws")
            }, title: "SROI ratio over \(simulation.draws) draws (seed \(simulation.seed))", id: "chart-histogram",
            caption: "SROI ratio")
        let ratio = simulation.ratio
        text += table(
            ["", "Mean", "5th percentile", "Median", "95th percentile"],
            [["SROI ratio"] + [ratio.mean, ratio.p5, ratio.median, ratio.p95].map { Display.fixed($0) }],
            numericFrom: 1)
        text +=
            "<p>Probability that the ratio exceeds \(NumberFormat.shortest(simulation.targetRatio)): \(Display.fixed(simulation.probabilityAboveTarget * 100, decimals: 1))%.</p>"
        if let sentence { text += "<p>\(HTML.escape(sentence))</p>" }
        return text
    }

    /// The cover: title, organisation, author, date, engine, the scenario file and its hash.
    static func cover(_ input: ReportInput) -> String {
        let scenario = input.scenario
        var html = "<header class=\"cover\"><p class=\"kind\">Social Return on Investment report</p>"
        html += "<h1>\(HTML.escape(scenario.title))</h1>"
        if let organisation = scenario.organisation {
            html += "<p class=\"organisation\">\(HTML.escape(organisation))</p>"
        }
        if let summary = scenario.summary { html += "<p>\(HTML.escape(summary))</p>" }
        if let note = scenario.illustrativeNote {
            html += "<p class=\"illustrative\"><strong>Illustrative.</strong> \(HTML.escape(note))</p>"
        }
        if let settings = Display.commandLineSettings(scenario) {
            html += "<p class=\"flag\"><strong>What-if.</strong> \(HTML.escape(settings))</p>"
        }
        var facts: [(String, String)] = []
        facts.append(("Author", scenario.report.author ?? "not stated in the scenario (report.author)"))
        facts.append(("Date", scenario.report.date ?? "not stated in the scenario (report.date)"))
        facts.append(("Engine", "\(Engine.name) \(Engine.version)"))
        if let file = input.scenarioFile {
            facts.append(("Scenario file", file.path))
            facts.append(("Its SHA-256", file.sha256))
        }
        html += "<dl class=\"facts\">"
        for (term, value) in facts {
            html +=
                "<dt>\(HTML.escape(term))</dt><dd\(term.hasPrefix("Its") ? " class=\"id\"" : "")>\(HTML.escape(value))</dd>"
        }
        return html + "</dl></header>\n"
    }

    /// The impact map, each row with its outcome's id in small type under its name.
    static func impactTable(_ input: ReportInput) -> String {
        let columns = ReportInput.impactColumns
        // Fixed column widths, so that the table is as wide as the page and long words wrap.
        let widths = [6.5, 8, 6.5, 9, 6.5, 5, 6.5, 6, 8, 7, 8, 6.5, 5, 6, 6.5]
        var html = "<table id=\"impact-map-table\" class=\"wide-table impact\"><colgroup>"
        html += widths.map { "<col style=\"width:\(NumberFormat.shortest($0))%\">" }.joined()
        html += "</colgroup><thead><tr>"
        html += columns.map { "<th>\(HTML.escape($0))</th>" }.joined()
        html += "</tr></thead><tbody>"
        let numeric: Set<Int> = [4, 7, 9, 10, 11, 12, 13, 14]
        for row in input.impactRows {
            html += "<tr>"
            for (index, cell) in row.cells.enumerated() {
                let label = " data-label=\"\(HTML.escape(columns[index]))\""
                var content = HTML.escape(cell)
                if index == 1 {
                    let anchor =
                        "node-"
                        + FigureID.outcome(row.id, .presentValue).map { $0.isLetter || $0.isNumber ? String($0) : "-" }
                        .joined()
                    content += "<br><a class=\"id\" href=\"#\(anchor)\">\(HTML.escape(row.id))</a>"
                }
                html += "<td\(numeric.contains(index) ? " class=\"number\"" : "")\(label)>\(content)</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>\n"
    }

    public static func section(_ id: String, _ title: String, _ content: () -> String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\(content())</section>\n"
    }

    /// A table whose cells carry their column's heading, so that on a narrow screen each row
    /// reads as a card of labelled values.
    public static func table(
        _ header: [String], _ rows: [[String]], numericFrom: Int?, id: String? = nil, className: String? = nil,
        smallColumns: Set<Int> = []
    ) -> String {
        var html = "<table\(id.map { " id=\"\($0)\"" } ?? "")\(className.map { " class=\"\($0)\"" } ?? "")><thead><tr>"
        html += header.map { "<th>\(HTML.escape($0))</th>" }.joined()
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                var classes: [String] = []
                if numericFrom.map({ index >= $0 }) ?? false { classes.append("number") }
                if smallColumns.contains(index) { classes.append("id") }
                let label =
                    index < header.count && !header[index].isEmpty
                    ? " data-label=\"\(HTML.escape(header[index]))\"" : ""
                html +=
                    "<td\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")\(label)>\(HTML.escape(cell))</td>"
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

    public static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;max-width:76rem;padding:0 1rem;color:#1b1b1b;line-height:1.45;overflow-wrap:break-word}
        h1{margin:.2rem 0}h2{border-bottom:2px solid #2f5d8a;padding-bottom:.2rem;margin-top:2.2rem}h3{margin-top:1.4rem}
        .cover .kind{text-transform:uppercase;letter-spacing:.08em;color:#2f5d8a;font-size:.85rem;margin:0}
        .organisation{color:#555;margin-top:0}.illustrative,.flag{background:#fff4d6;border-left:4px solid #d49b00;padding:.6rem .8rem}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;font-size:.9rem}.facts dt{font-weight:600}.facts dd{margin:0}
        .headline-sentence{font-size:1.35rem;font-weight:600;color:#183a5a}
        table{border-collapse:collapse;margin:1rem 0;font-size:.92rem;max-width:100%}th,td{border:1px solid #ccd;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef2f7}td{overflow-wrap:anywhere}table:not(.wide-table) td:first-child{overflow-wrap:normal}td.number{text-align:right;font-variant-numeric:tabular-nums;overflow-wrap:normal;white-space:nowrap}
        table.wide-table{width:100%;table-layout:auto;font-size:.78rem}table.wide-table th,table.wide-table td{padding:.25rem .3rem}
        table.impact{table-layout:fixed}table.impact th{overflow-wrap:normal}table.impact td.number{overflow-wrap:anywhere;white-space:normal}
        .id,code.id{color:#667;font-size:.72rem;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace}
        .caption{color:#555;font-size:.9rem}.chapter{max-width:46rem}
        svg.chart{display:block;width:100%;max-width:44rem;height:auto;margin:1rem 0;font-size:15px}
        svg .bar{fill:#2f5d8a}svg .bar.negative{fill:#b03a2e}svg .axis{stroke:#333}svg .base{stroke:#b03a2e;stroke-dasharray:4 3}
        svg .chart-title{font-weight:600;font-size:16px}svg .tick{font-size:14px;fill:#444}
        .trace details{margin-left:1.1rem;border-left:1px dotted #aab}.trace summary{cursor:pointer;padding:.1rem 0}
        .trace .node{margin-left:.6rem;font-size:.9rem}.trace .formula{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
        .trace .leaf{margin-left:1.6rem}.trace .see{color:#667}.step{font-weight:600}
        code{font-size:.85em;overflow-wrap:anywhere}a{overflow-wrap:anywhere}
        @media screen and (max-width:760px){body{margin:1rem auto;padding:0 .6rem}
        table,thead,tbody,tr,th,td{display:block}thead{position:absolute;left:-9999px}
        tr{border:1px solid #ccd;margin:.6rem 0;padding:.2rem}td{border:none;border-bottom:1px solid #eef;text-align:left!important;white-space:normal!important}
        td[data-label]::before{content:attr(data-label);display:block;font-weight:600;font-size:.75rem;color:#445}
        table.wide-table{font-size:.9rem}.trace details{margin-left:.5rem}}
        @page{size:A4 portrait;margin:12mm}
        @page wide{size:A4 landscape;margin:10mm}
        @media print{body{max-width:none;margin:0;padding:0;font-size:9.5pt}.no-print{display:none}h2{break-after:avoid}
        #impact-map,#assumptions,#cashable{page:wide}
        table.wide-table{font-size:7pt;width:100%}table.wide-table th,table.wide-table td{padding:1.5pt 2.5pt}
        table.wide-table th{font-size:6.5pt}
        tr,svg{break-inside:avoid}.trace details{border:none}a{color:inherit;text-decoration:none}
        svg.chart{max-width:16cm}}
        """

    /// Expands or collapses the trace, opens it all for printing, and notes that the page ran.
    public static let script = """
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
        if let settings = Display.commandLineSettings(scenario) { lines += ["> **What-if.** \(settings)", ""] }
        lines += [
            "Author: \(scenario.report.author ?? "not stated") · Date: \(scenario.report.date ?? "not stated") · Engine: \(Engine.name) \(Engine.version)"
                + (input.scenarioFile.map { " · Scenario: \($0.path), SHA-256 \($0.sha256)" } ?? ""), "",
        ]
        lines += ["## In brief", "", "**\(input.headlineSentence).**", ""]
        for (index, item) in input.mostInfluential().enumerated() {
            lines.append(
                "\(index + 1). \(item.name) (\(item.range)): ratio \(Display.fixed(min(item.low, item.high))) to \(Display.fixed(max(item.low, item.high)))"
            )
        }
        lines +=
            [""] + markdownTable(["Figure", "Value"], input.headline.map { [$0.0, input.show($0.1)] }) + [""]
        for chapter in scenario.report.chapters {
            lines += [
                "## \(chapter.kind.title)", "", chapter.markdown.trimmingCharacters(in: .whitespacesAndNewlines), "",
            ]
        }
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
                results.byValueType.map { [$0.valueType.title, input.show($0.figure)] }) + [""]
        lines +=
            ["## Present value by year", ""]
            + markdownTable(
                ["Analysis year", "Present value"],
                results.byYear.map { entry in
                    [
                        "Year \(entry.year)"
                            + (scenario.firstCalendarYear == nil ? "" : " (\(scenario.yearLabel(entry.year)))"),
                        input.show(entry.figure),
                    ]
                }) + [""]
        if let view = input.cashableView {
            lines +=
                [
                    "## Cashable savings by organisation and year", "",
                    "Each year's value, undiscounted, in \(input.currency.code); the last column is the present value.",
                    "",
                ]
                + markdownTable(
                    ["Kind of value"] + view.years.map { scenario.yearLabel($0) } + ["Present value"],
                    view.rows.map { [$0.name] + $0.totals.cells }) + [""]
        }
        if let view = input.businessCaseView {
            lines +=
                ["## The option as a business case", "", view.intro, ""]
                + markdownTable(["Figure", "Present value"], view.summary) + [""]
                + markdownTable(view.cashHeader, view.cash) + [""]
        }
        lines +=
            ["## Impact map", ""]
            + markdownTable(
                ReportInput.impactColumns,
                input.impactRows.map(\.cells)) + [""]
        let inputs = input.inputsView
        lines += ["### Inputs", ""] + markdownTable(inputs.header, inputs.rows) + [""]
        lines +=
            ["## Assumptions and their sources", ""]
            + markdownTable(
                ["Outcome", "Assumption", "Value", "Why", "Source", "Written at"],
                input.assumptions.map { [$0.outcome, $0.name, $0.value, $0.rationale, $0.source, $0.location] }) + [""]
        lines +=
            ["## The SROI Guide's principles", ""]
            + markdownTable(
                ["Principle", "Declared", "On what"],
                input.principles.map { [$0.principle, $0.status.rawValue, $0.by] }) + [""]
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
                    [
                        "What the integrity rules found, counted by rule: the records themselves are named only in results.json.",
                        "",
                    ]
                    + markdownTable(
                        ["Rule", "Severity", "Dataset", "Finding", "Records"],
                        IntegrityFinding.counted(scenario.integrityFindings).map {
                            [
                                $0.finding.rule, $0.finding.severity.rawValue, $0.finding.dataset, $0.finding.summary,
                                Display.fixed(Double($0.records), decimals: 0),
                            ]
                        }) + [""]
            }
        }
        if let sensitivity = input.sensitivity, !sensitivity.entries.isEmpty {
            lines +=
                ["## Sensitivity", ""]
                + markdownTable(input.sensitivityTable) + [""]
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
                ] + (input.simulationMeanSentence.map { [$0, ""] } ?? [])
        }
        lines += ["## How the SROI ratio was computed", ""]
        if input.includesTrace {
            // The tree as one piece: the lines are joined with newlines again, so splitting it is waste.
            lines += ["```text", Explanation(trace: input.evaluation.trace).render(FigureID.sroiRatio), "```"]
        } else {
            lines.append(ReportDocuments.traceLeftOut)
        }
        lines +=
            ["", "## Inputs to this report", ""]
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
            let used = trace.quantityAndProxyUsed(by: outcome.id)
            let quantity = used?.quantity
            let proxy = used?.proxy
            func share(_ declared: Assumption<YearlyShares>?) -> (String, isNumber: Bool) {
                guard let declared else { return ("0", true) }
                let shares = declared.value.shares.map(NumberFormat.shortest)
                return (shares.joined(separator: " / "), shares.count == 1)
            }
            func share(_ kind: DeductionKind) -> (String, isNumber: Bool) { share(outcome.deduction(kind)) }
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
                        share(outcome.dropOff),
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
