import ArgumentParser
import Foundation
import SROICore
import SROIData
import SROILoad
import SROIReport

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Compare options side by side: headline figures, cashable savings, the assumptions that differ and their effect.",
        discussion: """
            The first scenario is the baseline. For each other option, every assumption that differs is
            listed with both values and where each is declared, and the difference in present value is
            attributed to them one at a time, in file order. Writes comparison.json and comparison.html
            with --out.
            Example:
              sroi compare Scenarios/use-it/trust-agency-cover.yaml Scenarios/use-it/trust-recruited-staff.yaml --out results/
            What if agency rates fell by a fifth:
              sroi compare Scenarios/use-it/trust-agency-cover.yaml Scenarios/use-it/trust-recruited-staff.yaml --set nhs-agency-rates/agency-nurse-hour=-20%
            """)

    @Argument(help: "Two or more scenario files; the first is the baseline.")
    var scenarios: [String]

    @Option(
        name: .long, help: ArgumentHelp("The record store that quantities from records are read from.", valueName: "DB")
    )
    var data: String?

    @OptionGroup var whatIf: WhatIfOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard scenarios.count >= 2 else { throw ValidationError("name at least two scenarios to compare") }
    }

    func run() throws {
        var options: [ComparisonDocuments.Option] = []
        var provenance: [Provenance] = []
        for file in scenarios {
            let loaded = try ScenarioArgument(scenario: file, data: data, whatIf: whatIf).load()
            options.append(
                ComparisonDocuments.Option(file: file, scenario: loaded.scenario, evaluation: try loaded.evaluate()))
            provenance.append(loaded.provenance)
        }
        var comparisons: [ScenarioComparison] = []
        do {
            for option in options.dropFirst() {
                comparisons.append(try ScenarioComparison(baseline: options[0].scenario, other: option.scenario))
            }
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        Terminal.write(ComparisonDocuments.text(options, comparisons: comparisons))
        try output.write([
            (
                "comparison.json",
                ComparisonDocuments.json(options, comparisons: comparisons, provenance: provenance).rendered()
            ),
            ("comparison.html", ComparisonDocuments.html(options, comparisons: comparisons)),
        ])
    }
}
