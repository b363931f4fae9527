import ArgumentParser
import Foundation
import SROICore
import SROILoad
import SROIReport
import SROISpreadsheet

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the report: report.html (self-contained), report.md, impact-map.csv and value-map.xlsx.",
        discussion: """
            The report holds the headline figures, the impact map, charts, assumptions with their sources,
            the declared conventions and the trace, expandable down to cited sources. It includes the
            sensitivity analysis when the scenario declares ranges, and a simulation when --draws is given.
            Example:
              sroi report Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --draws 20000 --out results/ --pdf
              sroi report Scenarios/use-it/trust-recruited-staff.yaml --out results/ --pdf --no-trace
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    @Option(help: "Also run a Monte Carlo simulation of this many draws for the report.")
    var draws: Int?

    @Option(help: "The seed of the simulation.")
    var seed: UInt64 = 42

    @Flag(help: "Also print the report to report.pdf (A4) with a headless Chromium.")
    var pdf = false

    @Flag(help: "Leave the calculation trace out of the report, for a shorter print; it says where the trace is.")
    var noTrace = false

    @Option(
        help: ArgumentHelp(
            "Also show every money figure in this currency, at the rate the scenario declares (conversions:).",
            valueName: "CODE"))
    var currency: String?

    func validate() throws {
        guard output.out != nil else {
            throw ValidationError("name the directory to write the report to with --out DIR")
        }
        if let draws, draws < 2 || draws > Simulation.maximumDraws {
            throw ValidationError("--draws must be from 2 to \(Simulation.maximumDraws)")
        }
    }

    func run() throws {
        var loaded = try scenario.load()
        if let currency {
            guard let code = Currency(code: currency) else {
                Terminal.error("error: --currency: '\(currency)' is not an ISO 4217 currency code such as EUR")
                throw ExitCode.failure
            }
            loaded.scenario.report.secondCurrency = Located(code)
        }
        let evaluation = try loaded.evaluate()
        var input: ReportInput
        do {
            input = try ReportInput.prepare(
                loaded.scenario, evaluation: evaluation, provenance: loaded.provenance, draws: draws, seed: seed)
            input.includesTrace = !noTrace
        } catch {
            Terminal.error(error.description)
            throw ExitCode.failure
        }
        let workbook: Data
        do {
            workbook = try WorkbookWriter.data(ValueMapWorkbook.make(input))
        } catch {
            Terminal.error("error: the value map workbook cannot be written: \(error)")
            throw ExitCode.failure
        }
        try output.write([
            OutputFile(name: "report.html", text: ReportDocuments.html(input)),
            OutputFile(name: "report.md", text: ReportDocuments.markdown(input)),
            OutputFile(name: "impact-map.csv", text: ReportDocuments.impactMapCSV(input)),
            OutputFile(name: "value-map.xlsx", data: workbook),
        ])
        if pdf, let out = output.out {
            let target = (out as NSString).appendingPathComponent("report.pdf")
            do {
                try PDFPrinter.print(html: (out as NSString).appendingPathComponent("report.html"), to: target)
            } catch {
                Terminal.error("error: report.pdf was not written: \(error)")
                throw ExitCode.failure
            }
            Terminal.write("Wrote \(target)\n")
        }
    }
}
