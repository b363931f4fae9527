import ArgumentParser
import Foundation
import SROIAudit
import SROICore
import SROIData
import SROILoad
import SROIReport

@main
struct SROICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sroi",
        abstract: "Social Return on Investment: evaluate declarative scenarios with an auditable trace.",
        discussion: """
            Examples:
              sroi data import outcomes.sqlite Scenarios/use-it/data/*.csv
              sroi check Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite
              sroi run Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out results/
              sroi explain Scenarios/use-it/health-professionals.yaml sroi_ratio --data outcomes.sqlite
              sroi conformance ../shared/method/conformance
            """,
        version: Engine.version,
        subcommands: [
            Check.self, Run.self, Explain.self, Sensitivity.self, Simulate.self, Report.self, Compare.self, Bundle.self,
            Verify.self, Key.self, Conformance.self, DataCommand.self, ImportCommand.self, Init.self, Schema.self,
            Serve.self,
            Bench.self,
        ]
    )
}

/// The scenario file and recorded data every evaluating command takes.
struct ScenarioArgument: ParsableArguments {
    init() {}

    init(scenario: String, data: String?, whatIf: WhatIfOptions = WhatIfOptions()) {
        self.scenario = scenario
        self.data = data
        self.whatIf = whatIf
    }

    @Argument(help: "The scenario file (YAML, schema sroi-scenario/1).")
    var scenario: String

    @Option(
        name: .long,
        help: ArgumentHelp("The record store (SQLite) that quantities from records are read from.", valueName: "DB"))
    var data: String?

    @OptionGroup var whatIf: WhatIfOptions

    /// Loads and validates, reading recorded figures from `--data`, then applies the `--set`
    /// what-ifs; prints every diagnostic and exits 1 on errors.
    func load() throws -> LoadedScenario {
        do {
            var loaded = try ScenarioWithRecords.load(scenario, data: data)
            var parsed: [ScenarioSetting] = []
            for text in whatIf.settings { parsed.append(try ScenarioSetting(parsing: text)) }
            loaded.scenario = try loaded.scenario.applying(parsed)
            return loaded
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }
}

/// The `--set` what-ifs; shared by every command that evaluates a scenario.
struct WhatIfOptions: ParsableArguments {
    init() {}

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "A what-if: set an assumption (values.NAME or NAME, outcomes[ID].deadweight, conventions.discount_rate, …) to a value, or change it by a signed percentage; repeatable. Example: --set nhs-agency-rates/agency-nurse-hour=-20%",
            valueName: "NAME=VALUE"))
    var settings: [String] = []
}

/// Where files are written; shared by every command that writes any.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory for the files written (created if missing).", valueName: "DIR"))
    var out: String?

    /// Writes the files whole or not at all into `--out`, and says where they went.
    func write(_ files: [(name: String, contents: String)]) throws {
        try write(files.map { OutputFile(name: $0.name, text: $0.contents) })
    }

    /// Writes the files whole or not at all into `--out`, and says where they went.
    func write(_ files: [OutputFile]) throws {
        guard let out else { return }
        do {
            try OutputFiles.write(files, to: out)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
        let names = files.map { (out as NSString).appendingPathComponent($0.name) }
        Terminal.write("\nWrote \(names.joined(separator: " and "))\n")
    }
}

extension LoadedScenario {
    var provenance: Provenance { Provenance(self) }

    func evaluate() throws -> Evaluation {
        do {
            return try Evaluator().evaluate(scenario)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
    }
}

enum Terminal {
    static func error(_ text: String, newline: Bool = true) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") || !newline ? text : text + "\n").utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Validate a scenario and the models it uses, listing every problem.",
        discussion: """
            Exits 0 when the scenario can be evaluated, 1 when it has errors. Nothing is written.
            With --data, quantities from records are read and integrity rules checked too.
            Example:
              sroi check Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite
            """)

    @OptionGroup var scenario: ScenarioArgument

    func run() throws {
        let loaded = try scenario.load()
        for warning in loaded.warnings { Terminal.error("\(warning)") }
        let recorded =
            loaded.scenario.outcomes.filter { $0.quantity.recorded != nil }.count
            + loaded.scenario.values.filter {
                if case .records = $0.definition { return true } else { return false }
            }.count
        // Figures computed below what they may be are found only by evaluating.
        if scenario.data != nil || recorded == 0 {
            _ = try loaded.evaluate()
        } else {
            if recorded > 0 {
                Terminal.error(
                    "note: \(recorded) quantit\(recorded == 1 ? "y comes" : "ies come") from recorded data; add --data DB to read and check \(recorded == 1 ? "it" : "them")"
                )
            }
        }
        let s = loaded.scenario
        Terminal.write(
            "\(scenario.scenario): ok: \(Display.count(s.stakeholders.count, "stakeholder")), \(Display.count(s.inputs.count, "input")), \(Display.count(s.outcomes.count, "outcome")), \(Display.count(loaded.files.count - 1, "other file")) read\n"
        )
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a scenario: print the summary and write results.json and trace.json.",
        discussion: """
            Example:
              sroi run Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out results/
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded = try scenario.load()
        let evaluation = try loaded.evaluate()
        Terminal.write(Summary.text(evaluation, scenario: loaded.scenario))
        guard output.out != nil else { return }
        let results = ResultsDocument.results(evaluation, scenario: loaded.scenario, provenance: loaded.provenance)
        let trace = ResultsDocument.trace(evaluation, provenance: loaded.provenance)
        try output.write([
            OutputFile(name: "results.json", json: results), OutputFile(name: "trace.json", json: trace),
        ])
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how one figure was computed, down to the sources of its inputs.",
        discussion: """
            FIGURE is a trace node id (see trace.json) or one of: ratio, net_ratio, npv, pv, inputs, payback.
            Examples:
              sroi explain Scenarios/use-it/health-professionals.yaml sroi_ratio --data outcomes.sqlite
              sroi explain Scenarios/use-it/health-professionals.yaml outcome.agency-cover-replaced@year3.present_value.year3 --data outcomes.sqlite
              sroi explain Scenarios/use-it/health-professionals.yaml npv --depth 2 --data outcomes.sqlite
              sroi explain Scenarios/use-it/trust-recruited-staff.yaml business_case.net_cash.year1 --precision
            Figures are rounded for reading (money to the penny, others to six significant digits);
            --precision prints every digit, as trace.json holds them.
            """)

    @OptionGroup var scenario: ScenarioArgument

    @Argument(help: "The figure to explain.")
    var figure: String = FigureID.sroiRatio

    @Option(help: "Levels of inputs to open below the figure (default: every level).")
    var depth: Int?

    @Flag(help: "Print every digit, as trace.json holds it, instead of money to the penny and six significant digits.")
    var precision = false

    func validate() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() throws {
        let evaluation = try scenario.load().evaluate()
        let explanation = Explanation(trace: evaluation.trace, maximumDepth: depth ?? .max, fullPrecision: precision)
        guard let id = explanation.resolve(figure) else {
            let suggestions = explanation.suggestions(for: figure)
            Terminal.error(
                "error: no figure '\(figure)' in this scenario's trace"
                    + (suggestions.isEmpty
                        ? "; try sroi_ratio, total_present_value or an id from trace.json"
                        : "; ids like it:\n  " + suggestions.joined(separator: "\n  ")))
            throw ExitCode.failure
        }
        Terminal.write(explanation.render(id))
    }
}

struct Conformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every conformance case (*.json) in a directory and compare with its expectations.",
        discussion: """
            Prints one line per case and a closing line 'N passed, M failed'; exits 1 if any case failed.
            Example:
              sroi conformance ../shared/method/conformance
            """)

    @Argument(help: "A directory of conformance case files.")
    var directory: String

    @Flag(help: "Also list what each passing case checked.")
    var verbose = false

    func run() throws {
        let suite = ConformanceSuite()
        let files: [String]
        do {
            files = try suite.caseFiles(in: directory)
        } catch {
            Terminal.error("error: \(directory): cannot list the directory (\(error.localizedDescription))")
            throw ExitCode.failure
        }
        var passed = 0
        var failed = 0
        for file in files {
            let report = suite.run(file: file)
            if report.passed {
                passed += 1
                Terminal.write("PASS \(report.id)\(verbose ? " (\(report.checks) checks)" : "")\n")
            } else {
                failed += 1
                Terminal.write("FAIL \(report.id)\n" + report.findings.map { "     \($0)\n" }.joined())
            }
        }
        Terminal.write("\(passed) passed, \(failed) failed\n")
        if failed > 0 || files.isEmpty {
            if files.isEmpty { Terminal.error("error: \(directory) holds no .json case files") }
            throw ExitCode.failure
        }
    }
}
