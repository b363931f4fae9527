import ArgumentParser
import Foundation
import SROICore
import SROIReport

struct Sensitivity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One-at-a-time sensitivity and switching values over the ranges the scenario declares.",
        discussion: """
            For each assumption with a range, the SROI ratio and NPV at each end (a tornado chart's data,
            widest swing first) and the value at which the ratio reaches the target (1 unless the
            scenario's sensitivity.target_ratio says otherwise). Writes sensitivity.json with --out.
            Example:
              sroi sensitivity Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out results/
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    func run() throws {
        let loaded = try scenario.load()
        let analysis: SensitivityAnalysis
        do {
            analysis = try SensitivityAnalysis.run(loaded.scenario)
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        Terminal.write(UncertaintyDocuments.sensitivityTable(analysis, scenario: loaded.scenario))
        guard output.out != nil else { return }
        let document = UncertaintyDocuments.sensitivity(
            analysis, scenario: loaded.scenario, provenance: loaded.provenance)
        try output.write([("sensitivity.json", document.rendered())])
    }
}

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Seeded Monte Carlo simulation over the distributions the scenario declares.",
        discussion: """
            The same seed gives the same numbers on every machine and with any number of threads.
            Writes simulation.json (summary and histogram data) with --out.
            Example:
              sroi simulate Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --draws 100000 --seed 42 --out results/
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    @Option(help: "How many draws.")
    var draws = 100_000

    @Option(help: "The seed of the pseudo-random generator.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads (default: one per core). The results do not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard draws >= 2, draws <= SROICore.Simulation.maximumDraws else {
            throw ValidationError("--draws must be from 2 to \(SROICore.Simulation.maximumDraws)")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let loaded = try scenario.load()
        let progress = ProgressLine()
        let total = draws
        var report: (@Sendable (Int) -> Void)?
        if progress.isTerminal {
            report = { done in progress.show("simulating: \(done) of \(total) draws") }
        }
        let simulation: Simulation
        do {
            simulation = try Simulation.run(
                loaded.scenario, draws: draws, seed: seed, threads: threads, progress: report)
        } catch {
            progress.clear()
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        progress.clear()
        Terminal.write(UncertaintyDocuments.simulationTable(simulation, currency: loaded.scenario.reportCurrency.value))
        guard output.out != nil else { return }
        let document = UncertaintyDocuments.simulation(
            simulation, scenario: loaded.scenario, provenance: loaded.provenance)
        try output.write([("simulation.json", document.rendered())])
    }
}
