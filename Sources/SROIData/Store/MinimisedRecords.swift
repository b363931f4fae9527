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
    /// The date columns kept only to the start of their year, by dataset.
    public var yearOnlyDates: [String: [String]] = [:]

    /// The prefix of the import a minimised copy records, which tells a reader what it holds.
    public static let importNote = "minimised:"

    /// A record store with only what `scenario` reads: the datasets it reads, the rows its
    /// quantities select, the columns its quantities and integrity rules use, dates no finer than
    /// its queries need, and each personal column (a person's or an enterprise's identifier)
    /// replaced by a keyed pseudonym. No original line number or row order survives.
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
        let selections = RowSelection.of(
            scenario,
            definitions: Dictionary(uniqueKeysWithValues: datasets.map { ($0.definition.name, $0.definition) }))
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
                    let selection =
                        selections[original.name]
                        ?? RowSelection(condition: nil, arguments: [], yearOnlyDates: [], datesRead: [])
                    var definition = original
                    definition.columns = original.columns.filter { wanted.contains($0.name) }
                    definition.fileFormat = DatasetDefinition.FileFormat()
                    definition.columns.indices.forEach { definition.columns[$0].header = nil }
                    if !original.key.allSatisfy(wanted.contains) { definition.key = [] }
                    try CSVImporter.createDataset(definition, db: db)
                    let hidden = Set(
                        definition.columns.filter { $0.personal && !filtered.contains($0.name) }.map(\.name))
                    let coarsened = selection.yearOnlyDates.intersection(definition.columns.map(\.name))
                    summary.columns[original.name] = definition.columns.map(\.name)
                    summary.pseudonymised[original.name] = definition.columns.map(\.name).filter(hidden.contains)
                    summary.yearOnlyDates[original.name] = definition.columns.map(\.name).filter(coarsened.contains)

                    var note =
                        "\(importNote) \(definition.columns.count) of \(original.columns.count) columns"
                        + (hidden.isEmpty ? "" : "; \(hidden.sorted().joined(separator: ", ")) as keyed pseudonyms")
                    if !coarsened.isEmpty {
                        note += "; \(coarsened.sorted().joined(separator: ", ")) to the start of the year"
                    }
                    let importedAt = dataset.imports.map(\.importedAt).max() ?? ""
                    try db.execute(
                        sql:
                            "INSERT INTO dataset_import (dataset, file_name, sha256, rows, imported_at) VALUES (?, ?, ?, 0, ?)",
                        arguments: [original.name, note, String(repeating: "0", count: 64), importedAt])
                    let importID = db.lastInsertedRowID
                    let quoted = definition.columns.map { "\"\($0.name)\"" }
                    let names = quoted.joined(separator: ", ")
                    // Rows wait in a temporary table, then enter the copy sorted by their values
                    // as copied, numbered in that order: neither order nor numbers say anything.
                    try db.execute(sql: "CREATE TEMP TABLE _minimised (\(names))")
                    let stage = try db.makeStatement(
                        sql:
                            "INSERT INTO _minimised (\(names)) VALUES (\(Array(repeating: "?", count: quoted.count).joined(separator: ", ")))"
                    )
                    let condition = selection.condition.map { " WHERE \($0)" } ?? ""
                    try store.read { source in
                        let cursor = try Row.fetchCursor(
                            source,
                            sql: "SELECT \(names) FROM \"\(RecordStore.table(original.name))\"\(condition)",
                            arguments: StatementArguments(selection.arguments))
                        while let row = try cursor.next() {
                            var values: [DatabaseValue] = []
                            for (index, column) in definition.columns.enumerated() {
                                var value: DatabaseValue = row[index]
                                if let text = String.fromDatabaseValue(value) {
                                    if hidden.contains(column.name) {
                                        value = pseudonym(text, key: key).databaseValue
                                    } else if coarsened.contains(column.name) {
                                        value = yearStart(of: text, scenario).databaseValue
                                    }
                                }
                                values.append(value)
                            }
                            try stage.execute(arguments: StatementArguments(values))
                        }
                    }
                    try db.execute(
                        sql:
                            "INSERT INTO \"\(RecordStore.table(original.name))\" (_import, _line, \(names)) SELECT ?, row_number() OVER (ORDER BY \(names)), \(names) FROM _minimised ORDER BY \(names)",
                        arguments: [importID])
                    try db.execute(sql: "DROP TABLE _minimised")
                    var hasher = SHA256()
                    var rows = 0
                    let cursor = try Row.fetchCursor(
                        db, sql: "SELECT \(names) FROM \"\(RecordStore.table(original.name))\" ORDER BY _line")
                    while let row = try cursor.next() {
                        let values = (0..<row.count).map { "\(row[$0] as DatabaseValue)" }
                        hasher.update(data: Data(values.joined(separator: "\u{1F}").utf8))
                        hasher.update(data: Data([0x1E]))
                        rows += 1
                    }
                    let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                    try db.execute(
                        sql: "UPDATE dataset_import SET sha256 = ?, rows = ? WHERE id = ?",
                        arguments: [digest, rows, importID])
                }
                try RecordStore.seal(db)
                return .commit
            }
        } catch {
            target.removeIfCreatedNow()
            throw error
        }
        try target.queue.close()
        return summary
    }

    /// The first day of the (calendar or financial) year a `YYYY-MM-DD` date falls in.
    static func yearStart(of date: String, _ scenario: Scenario) -> String {
        let utf8 = Array(date.utf8)
        guard utf8.count == 10, let year = Int(String(decoding: utf8[0..<4], as: UTF8.self)),
            let month = Int(String(decoding: utf8[5..<7], as: UTF8.self))
        else { return date }
        return RecordResolver.yearStart(scenario.financialYears && month < 4 ? year - 1 : year, scenario)
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
