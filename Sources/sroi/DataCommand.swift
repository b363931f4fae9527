import ArgumentParser
import Foundation
import SROICore
import SROIData

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Keep recorded outcome data in a record store (SQLite).",
        discussion: """
            Examples:
              sroi data import outcomes.sqlite Scenarios/use-it/data/*.csv
              sroi data status outcomes.sqlite
              sroi data init referrals.csv
              sroi data replace outcomes.sqlite referrals.csv
            """,
        subcommands: [Import.self, Status.self, Init.self, Replace.self, Remove.self, Upgrade.self])

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
                    for note in file.notes { Terminal.write("  note: \(note)\n") }
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
                let history = try store.history()
                if !history.isEmpty { Terminal.write("\nhistory:\n") }
                for entry in history {
                    let record = entry.record
                    Terminal.write(
                        "  \(record.dataset): \(record.fileName), \(record.rows) rows imported \(record.importedAt), \(entry.action) \(entry.ended), sha256 \(record.sha256)\n"
                    )
                }
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

extension DataCommand {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draft the dataset definition of a CSV file from its header and values, for review.",
            discussion: """
                Writes FILE.dataset.yaml beside the file (or --out PATH): each column's type, whether
                it may be empty, enumerations, a key, and the file's separator, date format, decimal
                comma and encoding, each with the reason it was inferred. An existing file is not replaced.
                Example:
                  sroi data init referrals.csv
                """)

        @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE.csv"))
        var file: String

        @Option(help: ArgumentHelp("Where to write the definition.", valueName: "PATH"))
        var out: String?

        func run() throws {
            let target = out ?? CSVImporter.definitionPath(for: file)
            do {
                let draft = try DatasetDraft.draft(file: file)
                try NewFile.write(draft.yaml, to: target)
                Terminal.write(
                    "\(target): \(draft.definition.columns.count) columns drafted from \(draft.recordsRead) records; review it, then: sroi data import DB \(file)\n"
                )
            } catch let failure as ValidationFailure {
                Terminal.error(failure.diagnostics.map(\.description).joined(separator: "\n"))
                throw ExitCode.failure
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the rows of datasets with corrected exports, in one transaction.",
            discussion: """
                Each FILE.csv is checked against the definition beside it, as by import; its dataset's
                earlier imports move to the store's history and the file becomes its only import. If any
                row of any file is bad, nothing changes.
                Example:
                  sroi data replace outcomes.sqlite Scenarios/use-it/data/participants.csv
                """)

        @Argument(help: ArgumentHelp("The record store.", valueName: "DB"))
        var database: String

        @Argument(help: "CSV files, each replacing its dataset's rows.")
        var files: [String]

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one CSV file") }
        }

        func run() throws {
            do {
                let store = try RecordStore.openExisting(path: database)
                for file in try CSVImporter().replace(files: files, in: store) {
                    Terminal.write(
                        "\(file.file): \(file.rows) rows now make up \(file.dataset) (sha256 \(file.sha256))\n")
                    for note in file.notes { Terminal.write("  note: \(note)\n") }
                }
            } catch let error as ImportFailure {
                Terminal.error(error.description)
                throw ExitCode.failure
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a dataset, its rows and its definition; its imports stay in the history.",
            discussion: """
                Example:
                  sroi data remove outcomes.sqlite referrals
                """)

        @Argument(help: ArgumentHelp("The record store.", valueName: "DB"))
        var database: String

        @Argument(help: ArgumentHelp("The dataset's name.", valueName: "DATASET"))
        var dataset: String

        func run() throws {
            do {
                let store = try RecordStore.openExisting(path: database)
                try store.remove(dataset: dataset)
                Terminal.write("\(database): dataset \(dataset) removed\n")
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }

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
            do {
                _ = try RecordStore.openExisting(path: database)
                Terminal.write("\(database): up to date\n")
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

/// A file written only where none exists: whole, or not at all.
enum NewFile {
    struct Exists: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path): exists; it is not replaced (remove it, or name another with --out)" }
    }

    static func write(_ text: String, to path: String) throws {
        var status = stat()
        if lstat(path, &status) == 0 { throw Exists(path: path) }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let temporary = directory + "/.sroi-partial-\(getpid())-" + URL(fileURLWithPath: path).lastPathComponent
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary), options: .withoutOverwriting)
        // link() refuses an existing name, so a file that appeared meanwhile is not replaced either.
        defer { unlink(temporary) }
        guard link(temporary, path) == 0 else {
            if errno == EEXIST { throw Exists(path: path) }
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
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
