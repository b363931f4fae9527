import Crypto
import Foundation
import GRDB
import SROICore
import SROILoad

/// What a minimised copy of a record store holds, for the report and the user.
public struct MinimisedRecords: Sendable, Equatable {
    /// The columns kept, by dataset.
    public var columns: [String: [String]]
    /// The personal columns kept as pseudonyms, by dataset.
    public var pseudonymised: [String: [String]]

    /// The prefix of the import a minimised copy records, which tells a reader what it holds.
    public static let importNote = "minimised:"

    /// A record store with only what `scenario` reads: the datasets it reads, the columns its
    /// quantities and integrity rules use, and each personal column (a person's or an enterprise's
    /// identifier) replaced by a keyed pseudonym.
    ///
    /// The key is random and never written down, so a pseudonym cannot be traced back to the
    /// identifier; within the copy the same identifier always gets the same pseudonym, so counts,
    /// distinct counts and integrity rules give the answers they give on the original. A personal
    /// column that a filter compares with a value is kept as it is, since its values are needed.
    public static func write(from store: RecordStore, reading scenario: Scenario, to path: String) throws
        -> MinimisedRecords
    {
        let needed = columnsRead(by: scenario)
        let filteredColumns = filterColumns(scenario)
        let key = SymmetricKey(size: .bits256)
        let target = try RecordStore.openForWriting(path: path)
        var summary = MinimisedRecords(columns: [:], pseudonymised: [:])
        let datasets = try store.datasets().filter { needed[$0.definition.name] != nil }
        do {
            try target.queue.inTransaction { db in
                for dataset in datasets {
                    let original = dataset.definition
                    var wanted = needed[original.name]!
                    // A count of every record reads no column, but a dataset keeps one: its key's first.
                    if wanted.isEmpty, let first = original.key.first ?? original.columns.first?.name {
                        wanted.insert(first)
                    }
                    let filtered = filteredColumns[original.name, default: []]
                    var definition = original
                    definition.columns = original.columns.filter { wanted.contains($0.name) }
                    definition.fileFormat = DatasetDefinition.FileFormat()
                    definition.columns.indices.forEach { definition.columns[$0].header = nil }
                    if !original.key.allSatisfy(wanted.contains) { definition.key = [] }
                    try CSVImporter.createDataset(definition, db: db)
                    let hidden = Set(
                        definition.columns.filter { $0.personal && !filtered.contains($0.name) }.map(\.name))
                    summary.columns[original.name] = definition.columns.map(\.name)
                    summary.pseudonymised[original.name] = definition.columns.map(\.name).filter(hidden.contains)

                    let note =
                        "\(importNote) \(definition.columns.count) of \(original.columns.count) columns"
                        + (hidden.isEmpty ? "" : "; \(hidden.sorted().joined(separator: ", ")) as keyed pseudonyms")
                    let importedAt = dataset.imports.map(\.importedAt).max() ?? ""
                    try db.execute(
                        sql:
                            "INSERT INTO dataset_import (dataset, file_name, sha256, rows, imported_at) VALUES (?, ?, ?, 0, ?)",
                        arguments: [original.name, note, String(repeating: "0", count: 64), importedAt])
                    let importID = db.lastInsertedRowID
                    let names = definition.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
                    let marks = Array(repeating: "?", count: definition.columns.count + 2).joined(separator: ", ")
                    let insert = try db.makeStatement(
                        sql:
                            "INSERT INTO \"\(RecordStore.table(original.name))\" (_import, _line, \(names)) VALUES (\(marks))"
                    )
                    var hasher = SHA256()
                    var rows = 0
                    try store.read { source in
                        let cursor = try Row.fetchCursor(
                            source,
                            sql:
                                "SELECT _line, \(names) FROM \"\(RecordStore.table(original.name))\" ORDER BY _import, _line"
                        )
                        while let row = try cursor.next() {
                            var values: [DatabaseValue] = [importID.databaseValue, row[0] as DatabaseValue]
                            for (index, column) in definition.columns.enumerated() {
                                var value: DatabaseValue = row[index + 1]
                                if hidden.contains(column.name), let text = String.fromDatabaseValue(value) {
                                    value = pseudonym(text, key: key).databaseValue
                                }
                                values.append(value)
                            }
                            try insert.execute(arguments: StatementArguments(values))
                            hasher.update(
                                data: Data(values.dropFirst().map { "\($0)" }.joined(separator: "\u{1F}").utf8))
                            hasher.update(data: Data([0x1E]))
                            rows += 1
                        }
                    }
                    let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    try db.execute(
                        sql: "UPDATE dataset_import SET sha256 = ?, rows = ? WHERE id = ?",
                        arguments: [digest, rows, importID])
                }
                return .commit
            }
        } catch {
            target.removeIfCreatedNow()
            throw error
        }
        try target.queue.close()
        return summary
    }

    /// `p-` and 24 hex digits of HMAC-SHA-256 under the copy's key.
    static func pseudonym(_ text: String, key: SymmetricKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
        return "p-" + code.prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The columns of each dataset that the scenario's quantities, values and integrity rules read.
    public static func columnsRead(by scenario: Scenario) -> [String: Set<String>] {
        var needed: [String: Set<String>] = [:]
        var datasetOfOutcome: [String: String] = [:]
        func note(_ recorded: RecordedQuantity) {
            var columns = needed[recorded.dataset.value, default: []]
            if let column = recorded.column { columns.insert(column.value) }
            for filter in recorded.filters { columns.insert(filter.column.value) }
            if let byYear = recorded.byYear { columns.insert(byYear.value) }
            if let inPost = recorded.inPost { columns.formUnion([inPost.from.value, inPost.to.value]) }
            needed[recorded.dataset.value] = columns
        }
        scenario.recordedQuantities.forEach(note)
        for outcome in scenario.outcomes {
            guard let recorded = outcome.quantity.recorded else { continue }
            datasetOfOutcome[outcome.declaredID] = recorded.dataset.value
            datasetOfOutcome[outcome.id] = recorded.dataset.value
        }
        for rule in scenario.integrityRules {
            switch rule.kind {
            case .countedOnce(let outcome, let key):
                if let dataset = datasetOfOutcome[outcome] { needed[dataset, default: []].insert(key) }
            case .withinWindow(let outcome, let dateColumn, _, _):
                if let dataset = datasetOfOutcome[outcome] { needed[dataset, default: []].insert(dateColumn) }
            case .mutuallyExclusive(let outcomes, let key):
                for outcome in outcomes {
                    if let dataset = datasetOfOutcome[outcome] { needed[dataset, default: []].insert(key) }
                }
            }
        }
        return needed
    }

    /// Columns a filter compares with a value, by dataset: their values must stay as recorded.
    static func filterColumns(_ scenario: Scenario) -> [String: Set<String>] {
        var columns: [String: Set<String>] = [:]
        for quantity in scenario.recordedQuantities {
            for filter in quantity.filters {
                if case .present = filter.condition { continue }
                columns[quantity.dataset.value, default: []].insert(filter.column.value)
            }
        }
        return columns
    }
}
