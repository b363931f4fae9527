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
        if let draws, draws < 2 || draws > Simulation.maximumDraws {
            throw ValidationError("--draws must be from 2 to \(Simulation.maximumDraws)")
        }
    }

    func run() throws {
        let loaded = try scenario.load()
        let evaluation = try loaded.evaluate()
        let input: ReportInput
        do {
            input = try ReportInput.prepare(
                loaded.scenario, evaluation: evaluation, provenance: loaded.provenance, draws: draws, seed: seed)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        try output.write([
            ("report.html", ReportDocuments.html(input)), ("report.md", ReportDocuments.markdown(input)),
            ("impact-map.csv", ReportDocuments.impactMapCSV(input)),
        ])
    }
}
