import ArgumentParser
import Foundation
import SROIData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Keep recorded outcome data in a record store (SQLite).",
        discussion: """
            Examples:
              sroi data import outcomes.sqlite Scenarios/use-it/data/*.csv
              sroi data status outcomes.sqlite
            """,
        subcommands: [Import.self, Status.self, Upgrade.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import CSV files, each checked against the dataset definition beside it; all or nothing.",
            discussion: """
                Each FILE.csv needs FILE.dataset.yaml beside it (schema sroi-dataset/1) declaring its columns.
                If any row of any file is bad, nothing is imported and every problem is listed with its
                file, line and column. A file whose exact bytes were imported before is refused unless
                --reimport is given.
                Example:
                  sroi data import outcomes.sqlite Scenarios/use-it/data/participants.csv Scenarios/use-it/data/shifts.csv
                """)

        @Argument(help: ArgumentHelp("The record store; created if missing.", valueName: "DB"))
        var database: String

        @Argument(help: "CSV files to import.")
        var files: [String]

        @Flag(help: "Import files whose exact bytes were imported before.")
        var reimport = false

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one CSV file to import") }
        }

        func run() throws {
            let store: RecordStore
            do {
                store = try RecordStore.openForWriting(path: database)
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
            var importer = CSVImporter()
            let progress = ProgressLine()
            if progress.isTerminal {
                importer.progress = { update in
                    let share = update.totalBytes > 0 ? Double(update.bytesRead) / Double(update.totalBytes) : 1
                    progress.show("importing \(update.file): \(update.rows) rows (\(Int(share * 100))%)")
                }
            }
            do {
                let imported = try importer.run(files: files, into: store, allowReimport: reimport)
                progress.clear()
                for file in imported {
                    Terminal.write("\(file.file): \(file.rows) rows into \(file.dataset) (sha256 \(file.sha256))\n")
                }
            } catch {
                progress.clear()
                store.removeIfCreatedNow()
                Terminal.error(error.description)
                throw ExitCode.failure
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the datasets of a record store, their rows and imports with their hashes.",
            discussion: """
                Example:
                  sroi data status outcomes.sqlite
                """)

        @Argument(help: ArgumentHelp("The record store.", valueName: "DB"))
        var database: String

        func run() throws {
            do {
                let store = try RecordStore.openForReading(path: database)
                let datasets = try store.datasets()
                Terminal.write(
                    "\(database): \(datasets.count) dataset\(datasets.count == 1 ? "" : "s"), fingerprint \(RecordStore.fingerprint(of: datasets))\n"
                )
                for dataset in datasets {
                    let definition = dataset.definition
                    Terminal.write(
                        "\n\(definition.name): \(dataset.rows) rows, \(dataset.imports.count) import\(dataset.imports.count == 1 ? "" : "s")\n"
                    )
                    if let note = definition.syntheticNote { Terminal.write("  SYNTHETIC: \(note)\n") }
                    Terminal.write(
                        "  columns: \(definition.columns.map { "\($0.name) (\($0.type.name)\($0.optional ? ", optional" : ""))" }.joined(separator: ", "))\n"
                    )
                    if !definition.key.isEmpty { Terminal.write("  key: \(definition.key.joined(separator: ", "))\n") }
                    for record in dataset.imports {
                        Terminal.write(
                            "  import \(record.id): \(record.fileName), \(record.rows) rows, \(record.importedAt), sha256 \(record.sha256)\n"
                        )
                    }
                }
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

extension DataCommand {
    struct Upgrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring a record store written by an earlier version of sroi up to date.",
            discussion: """
                Adds what the store's schema gained since (each step named, none ever edited once
                released); the recorded rows are not changed.
                Example:
                  sroi data upgrade outcomes.sqlite
                """)

        @Argument(help: ArgumentHelp("The record store.", valueName: "DB"))
        var database: String

        func run() throws {
            var status = stat()
            guard stat(database, &status) == 0 else {
                Terminal.error("error: \(database): no such file")
                throw ExitCode.failure
            }
            do {
                _ = try RecordStore.openForWriting(path: database)
                Terminal.write("\(database): up to date\n")
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

/// A progress line on a terminal, rewritten in place and never more than a few times a second.
final class ProgressLine: @unchecked Sendable {
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var last = Date.distantPast
    private var shown = false
    private let lock = NSLock()

    func show(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard isTerminal, Date().timeIntervalSince(last) > 0.2 else { return }
        last = Date()
        shown = true
        Terminal.error("\r\u{1B}[K" + text, newline: false)
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown { Terminal.error("\r\u{1B}[K", newline: false) }
        shown = false
    }
}
