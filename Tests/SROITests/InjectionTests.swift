import Foundation
import SROICore
import SROILoad
import SROIReport
import Testing

/// Text from a scenario can only ever be text: links with event handlers, `javascript:` targets
/// and `</script>` in every text field and chapter run nothing in the report file or in the web
/// workspace, checked in the written HTML and in a real Chromium.
@Suite(.serialized) struct InjectionTests {
    /// What an injected script would do if it ran: mark the page.
    static let mark = "document.body.setAttribute('data-'+'pwned','yes')"

    static let payloads = [
        "[hover](https://a.example/\" onmouseover=\"\(mark))",
        "[focus](https://x.example/\" autofocus onfocus=\"\(mark)\" x=\")",
        "[run](javascript:\(mark))",
        "<img src=x onerror=\"\(mark)\">",
        "</script><script>\(mark)</script>",
        "<svg onload=\"\(mark)\"></svg>",
        "[single](https://a.example/' onmouseover='\(mark))",
    ]

    /// A scenario with a payload in every text field a report shows.
    static func scenario() -> String {
        let all = payloads.joined(separator: " ")
        func quoted(_ text: String) -> String { QuotedText.quoted(text) }
        let chapter = payloads.map { "- \($0)" }.joined(separator: "\n")
        return """
            schema: sroi-scenario/1
            title: \(quoted("Title " + all))
            organisation: \(quoted("Organisation " + all))
            description: \(quoted("Summary " + all))
            illustrative: \(quoted("Note " + all))
            analysis_period: {years: 3, first_year: 2024}
            report_currency: GBP
            report:
              author: \(quoted("Author " + all))
              date: "2026-12-01"
              chapters:
                scope: \(quoted(chapter))
                stakeholders: \(quoted(chapter))
                materiality: \(quoted(chapter))
                evidence: \(quoted(chapter))
                limitations: \(quoted(chapter))
            conventions:
              discount_from: year1
              discount_rate: 0.035
            stakeholders:
              - id: people
                name: \(quoted("Stakeholder " + all))
                description: \(quoted("About " + all))
            inputs:
              - {id: grant, stakeholder: people, amount: 1000, description: \(quoted("Input " + all))}
            outcomes:
              - id: jobs
                stakeholder: people
                description: \(quoted("Outcome " + all))
                indicator: \(quoted("Indicator " + all))
                quantity: {value: 10, rationale: \(quoted("Counted " + all)), range: {low: 5, high: 15}}
                proxy: {value: 500, currency: GBP, rationale: \(quoted("Proxy " + all)), source: \(quoted("Source " + all))}
                deadweight: {value: 0.2, rationale: \(quoted("Deadweight " + all))}
                duration: 2
                value_type: social

            """
    }

    /// Any tag of the page that carries an event handler or a `javascript:` link, and any script
    /// element beyond the page's own `allowedScripts`. Script and style contents are set aside
    /// first, and quoted attribute values, so that only elements and attribute names are read.
    static func dangerous(_ html: String, allowedScripts: Int = 1) -> [String] {
        var found: [String] = []
        var page = html
        var scripts = 0
        for element in ["script", "style"] {
            var kept = ""
            var rest = page[...]
            while let open = rest.range(of: "<\(element)", options: .caseInsensitive) {
                kept += rest[..<open.lowerBound]
                if element == "script" { scripts += 1 }
                guard let close = rest[open.upperBound...].range(of: "</\(element)>", options: .caseInsensitive) else {
                    rest = ""
                    break
                }
                kept += "<\(element)></\(element)>"
                rest = rest[close.upperBound...]
            }
            page = kept + rest
        }
        if scripts > allowedScripts { found.append("\(scripts) script elements") }
        var rest = page[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let tag = String(rest[open...close]).lowercased()
            rest = rest[rest.index(after: close)...]
            for target in ["href=\"javascript:", "src=\"javascript:", "href='javascript:"] where tag.contains(target) {
                found.append(tag)
            }
            let names = tag.replacingOccurrences(of: "\"[^\"]*\"|'[^']*'", with: "", options: .regularExpression)
            if names.split(whereSeparator: { $0.isWhitespace }).dropFirst().contains(where: { $0.hasPrefix("on") }) {
                found.append(tag)
            }
        }
        return found
    }

    @Test func theReportFileHoldsNoHandlerNoScriptAndAPolicyNamingItsOwn() throws {
        let directory = try Support.temporaryDirectory()
        let file = directory + "/hostile.yaml"
        try Self.scenario().write(toFile: file, atomically: true, encoding: .utf8)
        let made = try Support.sroi(["report", file, "--out", directory + "/out"])
        #expect(made.status == 0, "\(made.stderr)")
        let html = try String(contentsOfFile: directory + "/out/report.html", encoding: .utf8)
        #expect(Self.dangerous(html).isEmpty, "\(Self.dangerous(html).prefix(3))")
        // The payloads are there, as text a reader sees.
        #expect(html.contains("onmouseover"), "the payloads are shown")
        #expect(html.contains("&lt;/script&gt;"))
        // Only the page's own script may run.
        #expect(html.contains(PagePolicy.hash(ReportDocuments.script).trimmingCharacters(in: ["'"])))
        #expect(!html.contains("script-src 'unsafe-inline'"))
        let markdown = try String(contentsOfFile: directory + "/out/report.md", encoding: .utf8)
        #expect(markdown.contains("Stakeholder"))
    }

    @Test(.enabled(if: BrowserTests.available, "Chromium is not installed"))
    func nothingInjectedRunsInChromiumInTheReportOrTheWorkspace() throws {
        let browser = try #require(BrowserTests.chromium)
        let directory = try Support.temporaryDirectory()
        try Self.scenario().write(toFile: directory + "/hostile.yaml", atomically: true, encoding: .utf8)
        let made = try Support.sroi(["report", directory + "/hostile.yaml", "--out", directory + "/out"])
        #expect(made.status == 0, "\(made.stderr)")
        let file = URL(fileURLWithPath: directory + "/out/report.html").absoluteString

        // The web workspace over the same folder: its list and the scenario's page.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Support.binary)
        server.arguments = ["serve", directory, "--port", "0", "--allow-edits"]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let address = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let token = String(address.split(separator: "=").last ?? "")
        let base = String(address.prefix { $0 != "?" }).replacingOccurrences(of: "/?", with: "")
        let pages = [
            ("report file", file),
            ("workspace", address),
            (
                "workspace scenario",
                "\(base.hasSuffix("/") ? base : base + "/")scenario?file=hostile.yaml&token=\(token)"
            ),
        ]
        for (name, url) in pages {
            let dom = try Self.dump(browser, url)
            #expect(!dom.contains("data-pwned=\"yes\""), "an injected script ran in the \(name)")
            let scripts = name == "workspace scenario" ? 2 : 1
            #expect(
                Self.dangerous(dom, allowedScripts: scripts).isEmpty,
                "\(name): \(Self.dangerous(dom, allowedScripts: scripts).prefix(3))")
            if name != "workspace" {
                #expect(dom.contains("data-ready=\"yes\""), "the \(name)'s own script did not run")
            }
        }
        // Nothing was saved by a page made to post to the workspace.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }
        #expect(files == ["hostile.yaml"])
    }

    /// The page's DOM after its scripts ran and the first element that takes focus has it.
    static func dump(_ browser: String, _ url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--virtual-time-budget=3000",
            "--dump-dom", url,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: dom, as: UTF8.self)
    }
}
