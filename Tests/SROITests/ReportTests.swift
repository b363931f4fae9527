import Foundation
import GRDB
import SROICore
import SROIData
import SROILoad
import SROIReport
import Testing

/// Reports, comparisons and audit bundles, as the evaluation officer, the trust and the funder use them.
@Suite struct ReportTests {
    private func exampleReport(draws: Int? = 2000) throws -> (directory: String, data: String) {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        var arguments = ["report", Support.exampleScenario, "--data", data, "--out", out]
        if let draws { arguments += ["--draws", String(draws)] }
        let result = try Support.sroi(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return (out, data)
    }

    @Test func htmlHoldsEveryFigureAsTheSummaryPrintsIt() throws {
        let (out, data) = try exampleReport()
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let scenario = try Support.loadExample()
        let results = try Evaluator().evaluate(scenario).results
        var figures = [
            results.totalPresentValue, results.totalInputs, results.netPresentValue, results.sroiRatio,
            results.netSROIRatio, results.paybackMonths,
        ]
        figures +=
            results.byStakeholder.map(\.figure) + results.byValueType.map(\.figure) + results.byYear.map(\.figure)
        figures += results.outcomes.map(\.presentValue)
        let summary = try Support.sroi(["run", Support.exampleScenario, "--data", data]).stdout
        for figure in figures {
            // The impact map gives money without its currency, which its caption names.
            let printed =
                figure.node.hasPrefix("outcome.")
                ? Display.fixed(figure.value.number ?? .nan) : Display.figure(figure, currency: results.currency)
            let escaped = printed.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
                of: "'", with: "&#39;")
            #expect(html.contains(escaped), "\(figure.node): \(printed) is not in the report")
            if !figure.node.hasPrefix("outcome.") {
                #expect(summary.contains(printed), "\(figure.node): \(printed) is not in the summary")
            }
        }
        #expect(results.outcomes.count > 5)
    }

    @Test func reportIsSelfContained() throws {
        let (out, _) = try exampleReport(draws: nil)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for forbidden in ["<script src", "<link", "@import", "url(", "<img", "@font-face"] {
            #expect(!html.contains(forbidden), "the report refers outside itself: \(forbidden)")
        }
        #expect(html.contains("@media print"))
        for chart in ["chart-stakeholders", "chart-years", "chart-tornado"] {
            #expect(html.contains("id=\"\(chart)\""))
        }
        #expect(!html.contains("chart-histogram"), "no simulation was asked for")
    }

    @Test func markdownAndImpactMapCSV() throws {
        let (out, _) = try exampleReport(draws: nil)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(markdown.hasPrefix("# USE-IT! Overseas health professionals into NHS work"))
        let ratio = try #require(
            try Evaluator().evaluate(Support.loadExample()).results.sroiRatio.value.number)
        #expect(markdown.contains("| SROI ratio | \(Display.fixed(ratio)) : 1 |"))
        #expect(markdown.contains("sroi_ratio: SROI = PV_total / Inputs"))
        let csv = try String(contentsOfFile: out + "/impact-map.csv", encoding: .utf8)
        let rows = LibreOffice.parseCSV(csv)
        let header = try #require(rows.first)
        #expect(header == ReportDocuments.impactMapCSVColumns)
        let scenario = try Support.loadExample()
        let evaluation = try Evaluator().evaluate(scenario)
        let column = { (name: String) in header.firstIndex(of: name)! }
        // Numbers are numbers: each outcome's present value reads back exactly; each input is
        // counted once, so the column sums to the total invested; the totals row says so too.
        let body = rows.dropFirst().filter { $0.first != "Total" }
        let outcomeRows = body.filter { !$0[column("Outcome (what changes)")].isEmpty }
        #expect(outcomeRows.count == scenario.outcomes.count)
        for (row, outcome) in zip(outcomeRows, evaluation.results.outcomes) {
            #expect(Double(row[column("Present value")]) == outcome.presentValue.value.number)
            #expect(row[column("Currency")].isEmpty || row[column("Currency")] == "GBP")
        }
        let inputsSum = body.compactMap { Double($0[column("Inputs value")]) }.reduce(0, +)
        #expect(inputsSum == evaluation.results.totalInputs.value.number)
        let total = try #require(rows.last)
        #expect(total.first == "Total")
        #expect(Double(total[column("Present value")]) == evaluation.results.totalPresentValue.value.number)
        #expect(Double(total[column("Inputs value")]) == evaluation.results.totalInputs.value.number)
        #expect(!csv.contains("GBP 3"), "no money written as text")
    }

    @Test func comparingAScenarioWithItselfShowsNoDifference() throws {
        let file = "Scenarios/use-it/trust-recruited-staff.yaml"
        let result = try Support.sroi(["compare", file, file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("no assumption differs"))
        let scenario = try ScenarioLoader().load(path: Support.packageRoot.appendingPathComponent(file).path).scenario
        let comparison = try ScenarioComparison(baseline: scenario, other: scenario)
        #expect(comparison.differences.isEmpty)
        #expect(comparison.remainder == .number(0))
    }

    @Test func oneChangedAssumptionCarriesTheWholeDifference() throws {
        let a = try Support.load(Support.scenario(outcome: Support.outcomeLines + ["deadweight: 0.2"])).scenario
        let b = try Support.load(Support.scenario(outcome: Support.outcomeLines + ["deadweight: 0.35"])).scenario
        let comparison = try ScenarioComparison(baseline: a, other: b)
        #expect(comparison.differences.map(\.name) == ["outcomes[jobs].deadweight"])
        let difference = try #require(comparison.differences.first)
        #expect(difference.baseline == "0.2")
        #expect(difference.other == "0.35")
        #expect(difference.baselineLocation?.line == 19)
        let pvA = try #require(comparison.baseline.results.totalPresentValue.value.number)
        let pvB = try #require(comparison.other.results.totalPresentValue.value.number)
        // 10 × 1000 a year for 3 years, deadweight 0.2 → 0.35: PV falls by 15% of the gross PV.
        let effect = try #require(difference.presentValueEffect?.number)
        #expect(effect == pvB - pvA)
        #expect(abs(effect / (pvA / 0.8) + 0.15) < 1e-12)
        #expect(comparison.remainder == .number(0))
    }

    @Test func compareWritesJSONAndHTML() throws {
        let out = try Support.temporaryDirectory()
        let result = try Support.sroi([
            "compare", "Scenarios/use-it/trust-agency-cover.yaml", "Scenarios/use-it/trust-recruited-staff.yaml",
            "--out", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // People's words on the terminal, identifiers in the machine-readable file; titles whole.
        #expect(result.stdout.contains("Named value share_otherwise_agency"))
        #expect(result.stdout.contains("Cashable savings (PV)"))
        #expect(result.stdout.contains("B: Ten nurse posts: recruited overseas-qualified staff"))
        #expect(result.stdout.contains("(Scenarios/use-it/trust-recruited-staff.yaml)"))
        #expect(result.stdout.contains("Input: Language, registration and placement support for ten recruits"))
        #expect(!result.stdout.contains("…"))
        // The trust's cashable savings by year: ten posts' hours in place of agency cover each year.
        #expect(result.stdout.contains("Cashable savings by organisation and year"))
        #expect(result.stdout.contains("B: Sandwell and West Birmingham Hospitals NHS Trust"))
        let json = try String(contentsOfFile: out + "/comparison.json", encoding: .utf8)
        #expect(json.contains("\"name\": \"inputs[recruitment-support].amount\""))
        #expect(FileManager.default.fileExists(atPath: out + "/comparison.html"))
    }

    private func bundle() throws -> (directory: String, archive: String) {
        let data = try Support.sampleStore()
        let parent = try Support.temporaryDirectory()
        let out = (parent as NSString).appendingPathComponent("bundle")
        let result = try Support.sroi(["bundle", Support.exampleScenario, "--data", data, "--out", out, "--no-pdf"])
        #expect(result.status == 0, "\(result.stderr)")
        return (out, out + ".tar")
    }

    @Test func freshBundleVerifies() throws {
        let (directory, archive) = try bundle()
        for target in [directory, archive] {
            let result = try Support.sroi(["verify", target])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("every one matches, bit for bit"))
        }
    }

    @Test(arguments: [
        "inputs/Scenarios/use-it/health-professionals.yaml", "inputs/Models/proxies/nhs-workforce.yaml",
        "data/outcomes.sqlite", "results/results.json", "results/trace.json", "results/report.html",
        "results/report.md", "results/impact-map.csv", "results/sensitivity.json", "manifest.json",
    ])
    func oneChangedByteIsFoundAndNamed(_ file: String) throws {
        let (directory, _) = try bundle()
        let path = (directory as NSString).appendingPathComponent(file)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let position = bytes.count / 2
        bytes[position] = bytes[position] == UInt8(ascii: "7") ? UInt8(ascii: "8") : UInt8(ascii: "7")
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = try Support.sroi(["verify", directory])
        #expect(result.status == 1, "\(file): \(result.stdout)")
        #expect(result.stdout.contains("CHANGED \(file)"), "\(file): \(result.stdout)")
    }

    @Test func changedArchiveIsFound() throws {
        let (directory, archive) = try bundle()
        // Change a byte of the trace inside the archive, then check the archive.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
        let trace = try Data(contentsOf: URL(fileURLWithPath: directory + "/results/trace.json"))
        let marker = Data("\"total_present_value\": {".utf8)
        let range = try #require(bytes.range(of: marker, in: bytes.startIndex..<bytes.endIndex))
        bytes[range.lowerBound + 2] = UInt8(ascii: "T")
        try bytes.write(to: URL(fileURLWithPath: archive))
        let result = try Support.sroi(["verify", archive])
        #expect(result.status == 1)
        #expect(!trace.isEmpty)
        #expect(result.stdout.contains("CHANGED results/"), "\(result.stdout)")
    }

    @Test func addedFileIsFound() throws {
        let (directory, _) = try bundle()
        try "extra".write(toFile: directory + "/results/extra.txt", atomically: true, encoding: .utf8)
        let result = try Support.sroi(["verify", directory])
        #expect(result.status == 1)
        #expect(result.stdout.contains("EXTRA results/extra.txt"))
    }
}

/// The report in a real browser: Chromium from the system's packages, headless.
@Suite struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// In CI the browser must be there (the test set-up installs it); elsewhere its absence is said and the test skipped.
    static var available: Bool {
        if chromium != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print("note: Chromium is not installed (scripts/test installs it), so the browser tests are skipped")
        return false
    }

    private func browse(_ url: String, arguments: [String]) throws -> (dom: String, log: String) {
        let browser = try #require(Self.chromium, "Chromium is not installed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments =
            ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"] + arguments + [
                url
            ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        let log = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: dom, as: UTF8.self), String(decoding: log, as: UTF8.self))
    }

    @Test(.enabled(if: BrowserTests.available, "Chromium is not installed"))
    func reportLoadsChartsShowAndTheTraceExpands() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        let made = try Support.sroi([
            "report", Support.exampleScenario, "--data", data, "--draws", "2000", "--out", out,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let url = URL(fileURLWithPath: out + "/report.html").absoluteString

        let collapsed = try browse(url, arguments: ["--dump-dom"])
        #expect(collapsed.dom.contains("data-ready=\"yes\""), "the page's script did not run")
        #expect(!collapsed.dom.contains("data-errors=\""), "the page reported an error")
        #expect(!collapsed.log.contains("Uncaught"), "\(collapsed.log)")
        for chart in ["chart-stakeholders", "chart-value-types", "chart-years", "chart-tornado", "chart-histogram"] {
            #expect(collapsed.dom.contains("<svg class=\"chart\" id=\"\(chart)\""), "\(chart) is missing")
        }
        let details = collapsed.dom.components(separatedBy: "<details").count - 1
        let openAtFirst = collapsed.dom.components(separatedBy: "<details").dropFirst().filter {
            $0.hasPrefix(" id=\"node-") && $0.prefix(200).contains(" open")
        }.count
        #expect(details > 50)
        #expect(openAtFirst == 3, "only the three roots start open")

        let expanded = try browse(url + "#open-all", arguments: ["--dump-dom"])
        let openExpanded = expanded.dom.components(separatedBy: "<details").dropFirst().filter {
            $0.prefix(200).contains(" open")
        }.count
        #expect(openExpanded == details, "expanding opened \(openExpanded) of \(details)")
        #expect(expanded.dom.contains("cites The Green Book"))

        // A screenshot of the expanded report, kept as a test artefact.
        let artefacts = Support.packageRoot.appendingPathComponent(".build/test-artifacts").path
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let shot = artefacts + "/report.png"
        try? FileManager.default.removeItem(atPath: shot)
        _ = try browse(url + "#open-all", arguments: ["--screenshot=\(shot)", "--window-size=1280,2400"])
        let png = try Data(contentsOf: URL(fileURLWithPath: shot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the screenshot is not a PNG")
        #expect(png.count > 20_000)
    }
}

/// The report printed and on screen, in a real Chromium: every bundled scenario prints to A4 with
/// the whole impact map, and at a phone's width nothing needs sideways scrolling.
@Suite struct PrintTests {
    static var pdfToolsAvailable: Bool {
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext"), BrowserTests.chromium != nil {
            return true
        }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print(
            "note: Chromium or pdftotext is not installed (scripts/test installs them), so the print tests are skipped")
        return false
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(executable) \(arguments)")
        return text
    }

    @Test(.enabled(if: PrintTests.pdfToolsAvailable, "Chromium or pdftotext is not installed"))
    func everyBundledReportPrintsTheWholeImpactMapOnA4() throws {
        let data = try Support.sampleStore()
        for path in SpreadsheetTests.bundledScenarios {
            let out = try Support.temporaryDirectory()
            let made = try Support.sroi(["report", path, "--data", data, "--out", out, "--pdf"])
            #expect(made.status == 0, "\(made.stderr)")
            let info = try Self.run("/usr/bin/pdfinfo", [out + "/report.pdf"])
            #expect(info.contains("(A4)"), "\(info)")
            // Text in drawing order, each run of white space one space, so a heading that wraps
            // inside its cell reads whole.
            let text = try Self.run("/usr/bin/pdftotext", ["-raw", out + "/report.pdf", "-"]).split(
                whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }
            ).joined(separator: " ")
            for heading in ReportInput.impactColumns {
                #expect(text.contains(heading), "\(path): the impact map's column '\(heading)' is not printed")
            }
            let input = try SpreadsheetTests.input(path, data: data)
            for outcome in input.evaluation.results.outcomes {
                let shown = try #require(outcome.presentValue.value.number.map { Display.fixed($0) })
                #expect(text.contains(shown), "\(path): \(outcome.id)'s present value \(shown) is not printed")
            }
            // The example's first page and its impact map, kept as pictures of what a funder receives.
            if path.hasSuffix(Support.exampleScenario) {
                let artefacts = Support.packageRoot.appendingPathComponent(".build/test-artifacts").path
                try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
                _ = try Self.run(
                    "/usr/bin/pdftoppm",
                    ["-r", "60", "-f", "1", "-l", "5", "-png", out + "/report.pdf", artefacts + "/report-pdf-page"])
                try? FileManager.default.removeItem(atPath: artefacts + "/report.pdf")
                try FileManager.default.copyItem(atPath: out + "/report.pdf", toPath: artefacts + "/report.pdf")
            }
        }
    }

    static let measure = """
        import json, sys
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        options = webdriver.ChromeOptions()
        options.binary_location = sys.argv[2]
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(sys.argv[3]), options=options)
        measured = {}
        try:
            for width in (400, 1280):
                driver.set_window_size(width, 900)
                driver.get(sys.argv[1])
                measured[str(width)] = driver.execute_script('''
                  const texts = [...document.querySelectorAll('svg.chart text')].map(t => t.getBoundingClientRect().height).filter(h => h > 0);
                  return {pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
                          smallestChartText: Math.min(...texts),
                          tablesScrolling: [...document.querySelectorAll('table')].filter(t => t.scrollWidth > t.clientWidth + 1).length};
                ''')
                driver.save_screenshot(f"{sys.argv[4]}/report-{width}.png")
        finally:
            driver.quit()
        print(json.dumps(measured))
        """

    static var seleniumAvailable: Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import selenium"]
        probe.standardError = FileHandle.nullDevice
        if (try? probe.run()) != nil {
            probe.waitUntilExit()
            if probe.terminationStatus == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") {
                return true
            }
        }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print(
            "note: selenium or chromedriver is not installed (scripts/test installs them), so the screen tests are skipped"
        )
        return false
    }

    @Test(.enabled(if: PrintTests.seleniumAvailable, "selenium is not installed"))
    func atAPhonesWidthNothingScrollsSidewaysAndChartTextIsReadable() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        let made = try Support.sroi([
            "report", Support.exampleScenario, "--data", data, "--draws", "2000", "--out", out,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let script = out + "/measure.py"
        try Self.measure.write(toFile: script, atomically: true, encoding: .utf8)
        let artefacts = Support.packageRoot.appendingPathComponent(".build/test-artifacts").path
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let browser = try #require(BrowserTests.chromium)
        let output = try Self.run(
            "/usr/bin/env",
            [
                "python3", script, URL(fileURLWithPath: out + "/report.html").absoluteString, browser,
                "/usr/bin/chromedriver", artefacts,
            ])
        let measured = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: Any]])
        for width in ["400", "1280"] {
            let page = try #require(measured[width])
            #expect(
                page["pageWidth"] as? Int == page["viewport"] as? Int,
                "at \(width) px the page scrolls sideways: \(page)")
            #expect(page["tablesScrolling"] as? Int == 0, "at \(width) px a table scrolls: \(page)")
            #expect((page["smallestChartText"] as? Double ?? 0) >= 9, "at \(width) px chart text is too small: \(page)")
        }
        #expect(FileManager.default.fileExists(atPath: artefacts + "/report-400.png"))
    }
}

/// A bundle for a funder holds no personal data it does not need, and still recomputes.
@Suite struct DataMinimisationTests {
    /// Every value of the personal columns of the bundled sample files, as the CSV holds them.
    static func identifiers() throws -> Set<String> {
        var found: Set<String> = []
        for file in Support.sampleData {
            let path = Support.packageRoot.appendingPathComponent(file).path
            let definition = try DatasetDefinitionReader().read(path: CSVImporter.definitionPath(for: path))
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for column in definition.columns where column.personal {
                let index = try #require(header.firstIndex(of: column.name))
                for line in lines.dropFirst() {
                    found.insert(String(line.split(separator: ",", omittingEmptySubsequences: false)[index]))
                }
            }
        }
        return found
    }

    /// Whether `data` holds `identifier` other than as part of a diagnostic code (`SROI-E023`
    /// shares its letters with an enterprise's reference).
    static func holds(_ data: Data, _ identifier: String) -> Bool {
        let needle = Data(identifier.utf8)
        let code = Data("SROI-".utf8)
        var start = data.startIndex
        while let found = data.range(of: needle, in: start..<data.endIndex) {
            let before = found.lowerBound - code.count
            if before < data.startIndex || data[before..<found.lowerBound] != code { return true }
            start = found.upperBound
        }
        return false
    }

    @Test func aBundleHoldsNoIdentifierInClearAndVerifiesBitForBit() throws {
        let data = try Support.sampleStore()
        let identifiers = try Self.identifiers()
        #expect(identifiers.count > 200)
        let directory = try Support.temporaryDirectory()
        for scenario in [Support.exampleScenario, "Scenarios/use-it/programme.yaml"] {
            let out = directory + "/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
            // Without the PDF, whose font tables hold hex that reads like an enterprise's reference;
            // it is a printing of report.html, which is searched.
            let made = try Support.sroi(["bundle", scenario, "--data", data, "--out", out, "--no-pdf"])
            #expect(made.status == 0, "\(made.stderr)")
            // Every byte of the archive, and of every file of the folder, searched for every identifier.
            var blobs = [try Data(contentsOf: URL(fileURLWithPath: out + ".tar"))]
            for file in FileManager.default.enumerator(atPath: out)?.compactMap({ $0 as? String }) ?? [] {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: out + "/" + file, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                {
                    blobs.append(try Data(contentsOf: URL(fileURLWithPath: out + "/" + file)))
                }
            }
            for identifier in identifiers {
                #expect(!blobs.contains { Self.holds($0, identifier) }, "\(scenario): \(identifier) is in the bundle")
            }
            let verified = try Support.sroi(["verify", out + ".tar"])
            #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
            #expect(verified.stdout.contains("every one matches, bit for bit"))
            let report = try String(contentsOfFile: out + "/results/report.html", encoding: .utf8)
            #expect(report.contains("id=\"records-minimised\""))
        }
        // The bundle's figures are the original's: the same ratio as a run on the full store.
        let original = try Support.sroi(["run", Support.exampleScenario, "--data", data]).stdout
        let bundled = try String(
            contentsOfFile: directory + "/health-professionals/results/results.json", encoding: .utf8)
        let ratio = try #require(original.split(separator: "\n").first { $0.hasPrefix("SROI ratio") })
        #expect(!ratio.isEmpty)
        #expect(bundled.contains("\"sroi_ratio\""))

        // With --records full, the identifiers are there: the search above would have found them.
        let full = directory + "/full"
        #expect(
            try Support.sroi(["bundle", Support.exampleScenario, "--data", data, "--out", full, "--records", "full"])
                .status == 0)
        let fullBytes = try Data(contentsOf: URL(fileURLWithPath: full + ".tar"))
        #expect(fullBytes.range(of: Data("P0001".utf8)) != nil)
        let fullReport = try String(contentsOfFile: full + "/results/report.html", encoding: .utf8)
        #expect(fullReport.contains("holds every column as it was imported"))
    }

    @Test func pseudonymsKeepCountsAndDistinctCounts() throws {
        let data = try Support.sampleStore()
        let loaded = try ScenarioWithRecords.load(
            Support.packageRoot.appendingPathComponent(Support.exampleScenario).path, data: data)
        let copy = try Support.temporaryDirectory() + "/minimised.sqlite"
        let summary = try MinimisedRecords.write(
            from: RecordStore.openForReading(path: data), reading: loaded.scenario, to: copy)
        #expect(summary.pseudonymised["participants"] == ["participant_id"])
        #expect(summary.yearOnlyDates["participants"] == ["nhs_start_on"])
        let original = try RecordStore.openForReading(path: data)
        let minimised = try RecordStore.openForReading(path: copy)
        // The flagship's doctors, written out: refugee doctors with a start date in 2019 to 2023.
        let doctors =
            "profession = 'doctor' AND refugee = 'yes' AND nhs_start_on IS NOT NULL AND nhs_start_on BETWEEN '2019-01-01' AND '2023-12-31'"
        let before = try original.read { db in
            try Row.fetchOne(
                db, sql: "SELECT count(*), count(DISTINCT participant_id) FROM records_participants WHERE \(doctors)")!
        }
        let after = try minimised.read { db in
            try Row.fetchOne(db, sql: "SELECT count(*), count(DISTINCT participant_id) FROM records_participants")!
        }
        #expect(before[0] as Int == after[0] as Int, "the copy holds exactly the rows the quantity selects")
        #expect(before[1] as Int == after[1] as Int)
        #expect((before[0] as Int) < 200, "the other participants are left out")
        // Start dates only to the year; the count by year is the original's.
        let byYear = "SELECT substr(nhs_start_on, 1, 4) AS y, count(*) FROM records_participants"
        let yearsBefore = try original.read { db in
            try Row.fetchAll(db, sql: "\(byYear) WHERE \(doctors) GROUP BY y ORDER BY y").map { "\($0)" }
        }
        let yearsAfter = try minimised.read { db in
            try Row.fetchAll(db, sql: "\(byYear) GROUP BY y ORDER BY y").map { "\($0)" }
        }
        #expect(yearsBefore == yearsAfter)
        let days = try minimised.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT substr(nhs_start_on, 5) FROM records_participants")
        }
        #expect(days == ["-01-01"])
        // Rows sorted by what the copy holds and numbered in that order: no original line survives.
        let lines = try minimised.read { db in
            try Int.fetchAll(db, sql: "SELECT _line FROM records_participants ORDER BY participant_id, nhs_start_on")
        }
        #expect(lines == Array(1...lines.count))
        let columns = try minimised.read { db in try db.columns(in: "records_participants").map(\.name) }
        #expect(!columns.contains("qualified_in"), "a column the scenario does not read is left out")
    }

    /// Every bundled scenario's default bundle verifies, and gives the figures a run on the whole
    /// store gives, to the bit.
    @Test func everyBundledScenarioMinimisedGivesTheOriginalsFigures() throws {
        let data = try Support.sampleStore()
        let directory = try Support.temporaryDirectory()
        let scenarios = try FileManager.default.contentsOfDirectory(
            atPath: Support.packageRoot.appendingPathComponent("Scenarios/use-it").path
        ).filter { $0.hasSuffix(".yaml") }.sorted()
        var bundled = 0
        for name in scenarios {
            let scenario = "Scenarios/use-it/" + name
            let full = directory + "/run-" + name
            guard try Support.sroi(["run", scenario, "--data", data, "--out", full]).status == 0 else {
                continue  // a scenario whose licensed models the user supplies
            }
            let out = directory + "/bundle-" + name
            let made = try Support.sroi(["bundle", scenario, "--data", data, "--out", out, "--no-pdf"])
            #expect(made.status == 0, "\(name): \(made.stderr)")
            let verified = try Support.sroi(["verify", out])
            #expect(verified.status == 0, "\(name): \(verified.stdout)")
            func headline(_ path: String) throws -> [String] {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                return text.split(separator: "\n").filter { $0.hasPrefix("      \"value\": ") }.map(String.init)
            }
            #expect(
                try headline(full + "/results.json") == headline(out + "/results/results.json"),
                "\(name): the minimised bundle gives other figures")
            bundled += 1
        }
        #expect(bundled >= 6)
    }
}

extension ReportTests {
    /// `report --no-trace` leaves the trace out of every page of the report and says where it is,
    /// with every other section kept.
    @Test func aReportWithoutItsTraceSaysWhereTheTraceIs() throws {
        let full = try Support.temporaryDirectory()
        let short = try Support.temporaryDirectory()
        let scenario = "Scenarios/use-it/trust-recruited-staff.yaml"
        #expect(try Support.sroi(["report", scenario, "--out", full]).status == 0)
        let made = try Support.sroi(["report", scenario, "--out", short, "--no-trace"])
        #expect(made.status == 0, "\(made.stderr)")
        let html = (
            try String(contentsOfFile: full + "/report.html", encoding: .utf8),
            try String(contentsOfFile: short + "/report.html", encoding: .utf8)
        )
        let markdown = (
            try String(contentsOfFile: full + "/report.md", encoding: .utf8),
            try String(contentsOfFile: short + "/report.md", encoding: .utf8)
        )
        #expect(html.0.contains("<div class=\"trace\">") && !html.1.contains("<div class=\"trace\">"))
        #expect(markdown.0.contains("```text") && !markdown.1.contains("```text"))
        for text in [html.1, markdown.1] {
            #expect(text.contains("left out of this report") && text.contains("sroi explain"))
            #expect(text.contains("The option as a business case") && text.contains("Inputs to this report"))
        }
    }
}

extension ReportTests {
    /// Time given in kind shows its basis (hours × rate per hour) in both reports, not only its
    /// total, and a proxy declared without a reason still has a name in the impact map.
    @Test func inKindInputsShowTheirBasisAndEveryProxyHasAName() throws {
        let out = try Support.temporaryDirectory()
        let made = try Support.sroi([
            "report", Support.exampleScenario, "--data", try Support.sampleStore(), "--out", out,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        // The flagship's mentoring: 1,200 hours at GBP 25.39, so GBP 30,468.00 by hand.
        let total = 1200 * 25.39
        #expect(
            Display.figure(Figure(node: "", value: .number(total), unit: "GBP"), currency: Currency(code: "GBP")!)
                == "GBP 30,468.00")
        for text in [html, markdown] {
            #expect(text.contains("given in kind: 1,200 hours × GBP 25.39 an hour"))
            #expect(text.contains("GBP 30,468.00"))
        }
        let unnamed = """
            schema: sroi-scenario/1
            title: Unnamed proxy
            analysis_period: {years: 1}
            report_currency: GBP
            conventions: {discount_from: year1, discount_rate: 0.035}
            stakeholders: [{id: families, name: Families}]
            inputs: [{id: grant, amount: 100}]
            outcomes:
              - {id: meals, stakeholder: families, description: Meals eaten, quantity: {value: 10, unit: meal}, proxy: {value: 3, currency: GBP, source: Test figures}, duration: 1, value_type: social}
            """
        let input = try ReportInput.prepare(
            try Support.load(unnamed).scenario, evaluation: try Support.evaluate(unnamed),
            provenance: Provenance(files: []))
        #expect(ReportDocuments.markdown(input).contains("| Value of each meal of Meals eaten |"))
    }
}

extension ReportTests {
    /// A simulation mean away from the base case is explained: the assumption whose distribution
    /// leans above its base (a triangle from 10 to 40 peaking at 10 has mean 20), and which way it
    /// moves the ratio; a mean at the base case gets no sentence.
    @Test func aSimulationMeanAwayFromTheBaseCaseIsExplained() throws {
        func scenario(proxy: String) -> String {
            """
            schema: sroi-scenario/1
            title: Leaning proxy
            analysis_period: {years: 1}
            report_currency: GBP
            conventions: {discount_from: year1, discount_rate: 0}
            stakeholders: [{id: families, name: Families}]
            inputs: [{id: grant, amount: 100}]
            outcomes:
              - id: meals
                stakeholder: families
                description: Meals eaten
                quantity: {value: 10, unit: meal}
                proxy: {\(proxy), currency: GBP, source: Test figures, rationale: Price of a meal}
                duration: 1
                value_type: social
            """
        }
        func sentence(_ text: String) throws -> String? {
            try ReportInput.prepare(
                try Support.load(text).scenario, evaluation: try Support.evaluate(text),
                provenance: Provenance(files: []), draws: 4000, seed: 7
            ).simulationMeanSentence
        }
        // Ratio = 10 × proxy / 100, linear in the proxy: base 1.0, mean near 10 × 20 / 100 = 2.
        let leaning = try #require(
            try sentence(scenario(proxy: "value: 10, range: {low: 10, high: 40}, distribution: triangular")))
        #expect(leaning.hasPrefix("The mean ratio, 2.0"), "\(leaning)")
        #expect(leaning.contains("lies above the base case's 1.00"))
        #expect(leaning.contains("“Financial proxy: Meals eaten” pulls the mean up"), "\(leaning)")
        // Symmetric about the base, a linear ratio's mean stays at it: nothing to explain.
        #expect(try sentence(scenario(proxy: "value: 10, range: {low: 5, high: 15}, distribution: uniform")) == nil)
    }
}
