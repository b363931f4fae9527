import ArgumentParser
import Foundation
import SROICore
import SROILoad
import SROIReport

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the report: report.html (self-contained), report.md, and impact-map.csv.",
        discussion: """
            The report holds the headline figures, the impact map, charts, assumptions with their sources,
            the declared conventions and the trace, expandable down to cited sources. It includes the
            sensitivity analysis when the scenario declares ranges, and a simulation when --draws is given.
            Example:
              sroi report Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --draws 20000 --out results/
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    @Option(help: "Also run a Monte Carlo simulation of this many draws for the report.")
    var draws: Int?

    @Option(help: "The seed of the simulation.")
    var seed: UInt64 = 42

    func validate() throws {
        guard output.out != nil else {
            throw ValidationError("name the directory to write the report to with --out DIR")
        }
        if let draws, draws < 2 { throw ValidationError("--draws must be at least 2") }
    }

    func run() throws {
        let loaded = try scenario.load()
        let input = try ReportCommandSupport.input(loaded, draws: draws, seed: seed)
        try output.write([
            ("report.html", ReportDocuments.html(input)), ("report.md", ReportDocuments.markdown(input)),
            ("impact-map.csv", ReportDocuments.impactMapCSV(input)),
        ])
    }
}

enum ReportCommandSupport {
    /// Evaluates, and runs sensitivity (when ranges exist) and simulation (when asked for).
    static func input(_ loaded: LoadedScenario, draws: Int?, seed: UInt64) throws -> ReportInput {
        let evaluation = try loaded.evaluate()
        do {
            let sensitivity =
                loaded.scenario.uncertainParameters.contains { $0.uncertainty.hasRange }
                ? try SensitivityAnalysis.run(loaded.scenario) : nil
            let simulation = try draws.map {
                try Simulation.run(
                    loaded.scenario, draws: $0, seed: seed, threads: ProcessInfo.processInfo.activeProcessorCount)
            }
            return ReportInput(
                scenario: loaded.scenario, evaluation: evaluation, provenance: loaded.provenance,
                sensitivity: sensitivity,
                simulation: simulation)
        } catch let failure as ValidationFailure {
            Terminal.error(failure.description)
            throw ExitCode.failure
        }
    }
}
