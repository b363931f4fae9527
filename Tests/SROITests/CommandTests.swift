import Foundation
import SROICore
import SROILoad
import Testing

/// The `sroi` command as a user runs it.
@Suite struct CommandTests {
    @Test(.enabled(if: Support.sharedIsPresent, "../shared/method/conformance is absent in this clone"))
    func conformanceCasesAllPassThroughTheCommand() throws {
        let result = try Support.sroi(["conformance", Support.conformanceDirectory])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let caseLines = lines.filter { $0.hasPrefix("PASS ") || $0.hasPrefix("FAIL ") }
        #expect(!caseLines.isEmpty)
        #expect(lines.filter { $0.hasPrefix("FAIL ") }.isEmpty, "\(result.stdout)")
        #expect(lines.last == "\(caseLines.count) passed, 0 failed")
        #expect(result.status == 0)
    }

    @Test(.enabled(if: Support.sharedIsPresent, "../shared/method/conformance is absent in this clone"))
    func everyConformanceCaseTraceIsConsistent() throws {
        let suite = ConformanceSuite()
        for file in try suite.caseFiles(in: Support.conformanceDirectory) {
            let testCase = try ConformanceCaseReader().read(path: file)
            guard case .success(let scenario) = testCase.scenario else { continue }
            let evaluation = try Evaluator().evaluate(scenario)
            #expect(evaluation.trace.inconsistencies().isEmpty, "\(file)")
        }
    }

    @Test func conformanceReportsFailuresAndExitsNonZero() throws {
        let directory = try Support.temporaryDirectory()
        // A wrong expectation (the PV of 10 × 1000 for one year at 3.5% is 9661.83…, not 9000),
        // and a refusal case whose scenario is in fact valid.
        let wrong = """
            {"id": "wrong", "given": {"discount_rate": 0.035, "inputs": [{"id": "g", "amount": 5000}],
             "outcomes": [{"id": "jobs", "stakeholder": "p", "quantity": 10, "proxy": 1000, "duration_years": 1}]},
             "expect": {"total_present_value": 9000}, "relative_tolerance": 1e-9}
            """
        let notRefused = """
            {"id": "not-refused", "given": {"discount_rate": 0.035, "inputs": [],
             "outcomes": [{"id": "jobs", "stakeholder": "p", "quantity": 1, "proxy": 1, "duration_years": 1}]},
             "expect_error_mentioning": "deadweight"}
            """
        let right = """
            {"id": "right", "given": {"discount_rate": 0.035, "inputs": [{"id": "g", "amount": 5000}],
             "outcomes": [{"id": "jobs", "stakeholder": "p", "quantity": 10, "proxy": 1000, "duration_years": 1}]},
             "expect": {"total_present_value": 9661.835748792271, "sroi_ratio": 1.9323671497584543}}
            """
        for (name, text) in [("a.json", wrong), ("b.json", notRefused), ("c.json", right)] {
            try text.write(
                toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let result = try Support.sroi(["conformance", directory])
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAIL wrong"))
        #expect(result.stdout.contains("total_present_value: expected 9000, got 9661.835748792271"))
        #expect(result.stdout.contains("FAIL not-refused"))
        #expect(result.stdout.contains("PASS right"))
        #expect(result.stdout.hasSuffix("1 passed, 2 failed\n"))
    }

    @Test func conformanceRefusesAFieldTheFormatDoesNotHave() throws {
        let directory = try Support.temporaryDirectory()
        let text = """
            {"id": "new-field", "given": {"discount_rate": 0.035, "inputs": [], "currency_conversion": 1.17,
             "outcomes": [{"id": "jobs", "stakeholder": "p", "quantity": 1, "proxy": 1, "duration_years": 1}]},
             "expect": {"total_present_value": 0.966183574879227}}
            """
        try text.write(
            toFile: (directory as NSString).appendingPathComponent("x.json"), atomically: true, encoding: .utf8)
        let result = try Support.sroi(["conformance", directory])
        #expect(result.status != 0)
        #expect(result.stdout.contains("given.currency_conversion: is not a known key"))
    }

    @Test func exampleRunsTwiceToByteIdenticalFiles() throws {
        let first = try Support.temporaryDirectory()
        let second = try Support.temporaryDirectory()
        let data = try Support.sampleStore()
        for out in [first, second] {
            let result = try Support.sroi(["run", Support.exampleScenario, "--data", data, "--out", out])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for name in ["results.json", "trace.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: (first as NSString).appendingPathComponent(name)))
            let b = try Data(contentsOf: URL(fileURLWithPath: (second as NSString).appendingPathComponent(name)))
            #expect(!a.isEmpty)
            #expect(a == b, "\(name) differs between runs")
        }
    }

    @Test func everyResultFigureIsATraceNodeWithTheSameValue() throws {
        let out = try Support.temporaryDirectory()
        _ = try Support.sroi(["run", Support.exampleScenario, "--data", Support.sampleStore(), "--out", out])
        let results =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/results.json")))
            as! [String: Any]
        let trace =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/trace.json")))
            as! [String: Any]
        let nodes = trace["nodes"] as! [String: [String: Any]]
        var figures: [[String: Any]] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if object["node"] != nil, object["unit"] != nil { figures.append(object) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(results)
        #expect(figures.count > 20)
        for figure in figures {
            let id = figure["node"] as! String
            let node = try #require(nodes[id], "\(id) is not in trace.json")
            #expect((node["value"] as? Double) == (figure["value"] as? Double), "\(id)")
            #expect((node["unit"] as? String) == (figure["unit"] as? String), "\(id)")
        }
        // The files read are named with their hashes, in both documents.
        let files = try #require(results["files"] as? [[String: Any]])
        #expect(files.contains { ($0["role"] as? String) == "scenario" && ($0["sha256"] as? String)?.count == 64 })
        #expect(files.count == (trace["files"] as? [Any])?.count)
        #expect((results["engine"] as? [String: Any])?["version"] as? String == Engine.version)
    }

    @Test func shortestRoundTripNumbersReadBackExactly() throws {
        let out = try Support.temporaryDirectory()
        _ = try Support.sroi(["run", Support.exampleScenario, "--data", Support.sampleStore(), "--out", out])
        let evaluation = try Evaluator().evaluate(Support.loadExample())
        // Read the numbers' text with Swift's correctly rounded parser: each node opens at
        // four spaces of indentation and its value sits at six.
        let text = try String(contentsOfFile: out + "/trace.json", encoding: .utf8)
        var written: [String: String] = [:]
        var current = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("    \""), !line.hasPrefix("     "), line.hasSuffix("\": {") {
                current = String(line.dropFirst(5).dropLast(4))
            } else if line.hasPrefix("      \"value\": ") {
                written[current] = String(line.dropFirst("      \"value\": ".count).dropLast())
            }
        }
        var checked = 0
        for node in evaluation.trace.nodes {
            guard case .number(let value) = node.value else { continue }
            let number = try #require(written[node.id].flatMap { Double($0) }, "\(node.id)")
            #expect(number.bitPattern == value.bitPattern, "\(node.id)")
            checked += 1
        }
        #expect(checked == evaluation.trace.nodes.filter { $0.value.number != nil }.count)
        #expect(checked > 50)
    }

    @Test func explainTheRatioReachesCitedSources() throws {
        let result = try Support.sroi([
            "explain", Support.exampleScenario, "--data", Support.sampleStore(), "sroi_ratio",
        ])
        #expect(result.status == 0)
        let text = result.stdout
        #expect(text.hasPrefix("SROI ratio  [sroi_ratio]"))
        #expect(text.contains("sroi_ratio: SROI = PV_total / Inputs"))
        #expect(text.contains("deadweight: I_DW = G × (1 − DW)"))
        #expect(text.contains("cites The Green Book"))
        #expect(text.contains("cites Funding secured to continue helping health professionals re-qualify"))
        #expect(text.contains("written at Scenarios/use-it/health-professionals.yaml:"))
    }

    @Test func explainOneYearOfOneOutcome() throws {
        let result = try Support.sroi([
            "explain", Support.exampleScenario, "--data", Support.sampleStore(),
            "outcome.agency-cover-replaced@year3.present_value.year3", "--depth", "1",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("PV_3 = V_3 × F_3"))
        #expect(result.stdout.contains("raise --depth to open"))
    }

    @Test func explainUnknownFigureSuggestsIds() throws {
        let result = try Support.sroi([
            "explain", Support.exampleScenario, "--data", Support.sampleStore(), "outcome.agency",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("outcome.agency-cover-replaced@year2.quantity"))
        // A figure of an outcome that does not exist: the same figure of each outcome there is.
        let misspelt = try Support.sroi([
            "explain", Support.exampleScenario, "--data", Support.sampleStore(), "outcome.agency-cover.present_value",
        ])
        #expect(misspelt.status == 1)
        #expect(misspelt.stderr.contains("outcome.agency-cover-replaced@year2.present_value\n"))
        #expect(misspelt.stderr.contains("outcome.participant-wellbeing.present_value"))
    }

    @Test func badScenarioExitsNonZeroAndWritesNothing() throws {
        let directory = try Support.temporaryDirectory()
        let scenario = (directory as NSString).appendingPathComponent("bad.yaml")
        try Support.scenario(outcome: Support.outcomeLines + ["deadweight: 1.2", "atribution: 0.1"])
            .write(toFile: scenario, atomically: true, encoding: .utf8)
        let out = (directory as NSString).appendingPathComponent("results")
        let result = try Support.sroi(["run", scenario, "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad.yaml:19:17: error: outcomes[jobs].deadweight"))
        #expect(
            result.stderr.contains(
                "bad.yaml:20:5: error: outcomes[jobs].atribution: is not a known key; did you mean 'attribution'?"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let check = try Support.sroi(["check", scenario])
        #expect(check.status == 1)
    }

    @Test func missingScenarioFileIsAClearError() throws {
        let result = try Support.sroi(["check", "no/such/scenario.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no/such/scenario.yaml:1:1: error: (file): cannot be read"))
    }

    @Test func helpShowsAnExample() throws {
        let commands = [
            "run", "check", "explain", "sensitivity", "simulate", "report", "compare", "bundle", "verify",
            "conformance",
            "data import", "data status", "bench records", "bench simulation",
        ]
        for command in [["--help"]] + commands.map({ $0.split(separator: " ").map(String.init) + ["--help"] }) {
            let result = try Support.sroi(command)
            #expect(result.stdout.contains("Example"), "\(command)")
        }
    }
}

extension CommandTests {
    /// `explain` rounds for reading (money to the penny, factors to six significant digits);
    /// `--precision` gives every digit, which reads back to the trace's binary64.
    @Test func explainRoundsForReadingAndPrecisionGivesEveryDigit() throws {
        let scenario = "Scenarios/use-it/trust-recruited-staff.yaml"
        let id = "business_case.cash_releasing.present_value.year1"
        let loaded = try ScenarioLoader().load(path: Support.packageRoot.appendingPathComponent(scenario).path)
        let trace = try Evaluator().evaluate(loaded.scenario).trace
        let value = try #require(trace[id]?.value.number)
        let factor = try #require(trace["discount.factor.year1"]?.value.number)
        // The year-1 factor is 1 / 1.035: 0.966184 to six significant digits.
        #expect(factor == 1 / 1.035)
        let readable = try Support.sroi(["explain", scenario, id, "--depth", "1"])
        #expect(readable.status == 0, "\(readable.stderr)")
        #expect(readable.stdout.contains("= \(String(format: "%.2f", value)) GBP"))
        #expect(readable.stdout.contains("0.966184"))
        #expect(!readable.stdout.contains(NumberFormat.shortest(value)))
        let full = try Support.sroi(["explain", scenario, id, "--depth", "1", "--precision"])
        let digits = try #require(
            full.stdout.split(separator: "\n").first { $0.contains("PV_CR_1 = ") && $0.hasSuffix(" GBP") }
                .flatMap { $0.split(separator: " ").dropLast().last })
        #expect(Double(String(digits)) == value)
        #expect(full.stdout.contains(NumberFormat.shortest(factor)))
        // The help says what the default depth is in words, not as the largest integer.
        let help = try Support.sroi(["explain", "--help"])
        #expect(!help.stdout.contains("9223372036854775807") && help.stdout.contains("every level"))
    }
}
