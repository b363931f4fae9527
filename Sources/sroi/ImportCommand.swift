import ArgumentParser
import Foundation
import SROICore
import SROILoad
import SROISpreadsheet

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read scenarios from the files people keep them in.",
        discussion: """
            Example:
              sroi import value-map value-map.xlsx --out scenario.yaml
            """,
        subcommands: [ValueMap.self])

    struct ValueMap: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "value-map",
            abstract: "Read a filled-in value map workbook (.xlsx) into a scenario file.",
            discussion: """
                The workbook must have the layout 'sroi report' writes in value-map.xlsx (docs/spreadsheets.md):
                settings, inputs, discounting and outcomes, each found by its label in column A and its
                columns by their headings. Each figure of the scenario names the cell it came from, and
                every problem is reported at its cell. An existing file is not replaced.
                Example:
                  sroi import value-map results/value-map.xlsx --out scenario.yaml
                  sroi run scenario.yaml
                """)

        @Argument(help: ArgumentHelp("The workbook.", valueName: "FILE.xlsx"))
        var workbook: String

        @Option(help: ArgumentHelp("The scenario file to write.", valueName: "FILE.yaml"))
        var out: String

        func run() throws {
            let imported: ValueMapImport
            do {
                let data = try InputFiles.read(workbook)
                let book = try WorkbookReader.read(data, file: workbook)
                imported = try ValueMapImport.read(book, file: workbook)
            } catch let failure as ValidationFailure {
                Self.refuse(failure.diagnostics)
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
            // Checked as the scenario it becomes, each problem reported at its cell.
            let directory = (out as NSString).deletingLastPathComponent
            do {
                _ = try ScenarioLoader().load(
                    text: imported.yaml, file: out, directory: directory.isEmpty ? "." : directory)
            } catch {
                Self.refuse(error.diagnostics.map(imported.locate))
            }
            do {
                try NewFile.write(imported.yaml, to: out)
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
            Terminal.write("\(out): written from \(workbook); check it with: sroi check \(out)\n")
        }

        /// Every problem, in the workbook's order, and the exit.
        static func refuse(_ diagnostics: [Diagnostic]) -> Never {
            let failure = ValidationFailure(diagnostics)
            let count = failure.errors.count
            Terminal.error(
                (failure.diagnostics.map(\.description) + [
                    "\(count) error\(count == 1 ? "" : "s"); nothing was written."
                ])
                .joined(separator: "\n"))
            ImportCommand.exit(withError: ExitCode.failure)
        }
    }
}
