import GRDB
import SROICore
import SROILoad

/// Reads every recorded quantity of a scenario from a store, opened read-only, and checks the
/// scenario's integrity rules against the same records.
///
/// The result is the scenario with each recorded quantity replaced by its value and the trace
/// origin of that value (declaration, SQL, parameters, rows matched, data fingerprint). A
/// quantity grouped `by_year` becomes one cohort per analysis year with records, each starting
/// in its year: `id@yearN`.
public struct RecordResolver {
    public let store: RecordStore
    /// How the database is named in results (as the user gave it).
    public let databaseName: String

    public init(store: RecordStore, databaseName: String) {
        self.store = store
        self.databaseName = databaseName
    }

    /// Every quantity, named value and integrity rule is read in one snapshot of the store.
    public func resolve(_ scenario: Scenario) throws(ValidationFailure) -> Scenario {
        do {
            return try store.snapshot { () throws -> Scenario in try resolveInSnapshot(scenario) }
        } catch let failure as ValidationFailure {
            throw failure
        } catch {
            throw ValidationFailure([Diagnostic(code: .store, at: nil, field: "--data", message: "\(error)")])
        }
    }

    private func resolveInSnapshot(_ scenario: Scenario) throws(ValidationFailure) -> Scenario {
        var diagnostics: [Diagnostic] = []
        let datasets: [String: StoredDataset]
        let fingerprint: String
        do {
            let stored = try store.datasets()
            datasets = Dictionary(uniqueKeysWithValues: stored.map { ($0.definition.name, $0) })
            fingerprint = RecordStore.fingerprint(of: stored)
        } catch {
            throw ValidationFailure([Diagnostic(code: .store, at: nil, field: "--data", message: error.description)])
        }
        var resolved = scenario
        var outcomes: [Outcome] = []
        for outcome in scenario.outcomes {
            guard let recorded = outcome.quantity.recorded else {
                outcomes.append(outcome)
                continue
            }
            outcomes += resolveOutcome(
                outcome, recorded, scenario: scenario, datasets: datasets, diagnostics: &diagnostics)
        }
        resolved.outcomes = outcomes
        for index in resolved.values.indices {
            guard case .records(let recorded, _) = resolved.values[index].definition else { continue }
            let value = resolved.values[index]
            if let byYear = recorded.byYear {
                diagnostics.append(
                    Diagnostic(
                        code: .records, at: byYear.location, field: "values.\(value.name).records.by_year",
                        message: "a named value is one figure; group by year in an outcome's quantity instead"))
                continue
            }
            if let inPost = recorded.inPost {
                diagnostics.append(
                    Diagnostic(
                        code: .records, at: inPost.location, field: "values.\(value.name).records.in_post",
                        message: "a named value is one figure; count spells by year in an outcome's quantity instead"))
                continue
            }
            if let reading = read(
                recorded, field: "values.\(value.name).records", scenario: scenario, datasets: datasets,
                diagnostics: &diagnostics)?.first
            {
                resolved.values[index].definition = .records(
                    recorded, reading: RecordsReading(value: reading.value, origin: reading.origin))
            }
        }
        resolved.integrityFindings = checkRules(scenario, datasets: datasets, diagnostics: &diagnostics)
        resolved.recordSource = RecordSource(
            database: databaseName, fingerprint: fingerprint, dateRange: dateRange(of: scenario, datasets: datasets))
        resolved.recordSource?.minimised = datasets.values.sorted { $0.definition.name < $1.definition.name }
            .flatMap { dataset in
                dataset.imports.map(\.fileName).filter { $0.hasPrefix(MinimisedRecords.importNote) }.map {
                    "\(dataset.definition.name): \($0.dropFirst(MinimisedRecords.importNote.count).trimmingCharacters(in: .whitespaces))"
                }
            }
        if diagnostics.containsErrors { throw ValidationFailure(diagnostics) }
        return resolved
    }

    /// The earliest and latest date of the records used: the date columns the quantities read,
    /// over the rows they select. One query a dataset.
    private func dateRange(of scenario: Scenario, datasets: [String: StoredDataset]) -> (from: String, to: String)? {
        var bounds: [String] = []
        let selections = RowSelection.of(scenario, definitions: datasets.mapValues(\.definition))
        for (name, selection) in selections.sorted(by: { $0.key < $1.key }) where !selection.datesRead.isEmpty {
            let columns = selection.datesRead.sorted().map { "\"\($0)\"" }
            let select = columns.map { "min(\($0)), max(\($0))" }.joined(separator: ", ")
            let condition = selection.condition.map { " WHERE \($0)" } ?? ""
            let row = try? store.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT \(select) FROM \"\(RecordStore.table(name))\"\(condition)",
                    arguments: StatementArguments(selection.arguments))
            }
            if let row = row ?? nil {
                bounds += (0..<row.count).compactMap { row[$0] as String? }
            }
        }
        guard let earliest = bounds.min(), let latest = bounds.max() else { return nil }
        return (earliest, latest)
    }

    // MARK: Quantities

    private func dataset(
        _ name: Located<String>, field: String, datasets: [String: StoredDataset], diagnostics: inout [Diagnostic]
    ) -> StoredDataset? {
        guard let stored = datasets[name.value] else {
            diagnostics.append(
                Diagnostic(
                    code: .unknownReference, at: name.location, field: field,
                    message: "the store \(databaseName) has no such dataset",
                    found: name.value,
                    allowed: datasets.keys.sorted().joined(separator: ", ").nonEmpty ?? "none: import data first"))
            return nil
        }
        if stored.imports.isEmpty {
            diagnostics.append(
                Diagnostic(
                    code: .records, at: name.location, field: field,
                    message: "no data has been recorded in dataset \(name.value)"))
            return nil
        }
        return stored
    }

    /// An outcome whose quantity is read from records: the outcome with its quantity, or one
    /// cohort per analysis year with records when the quantity is grouped by year.
    private func resolveOutcome(
        _ outcome: Outcome, _ recorded: RecordedQuantity, scenario: Scenario, datasets: [String: StoredDataset],
        diagnostics: inout [Diagnostic]
    ) -> [Outcome] {
        if recorded.byYear != nil || recorded.inPost != nil, outcome.startYear.location != nil {
            diagnostics.append(
                Diagnostic(
                    code: .records, at: outcome.startYear.location, field: "outcomes[\(outcome.id)].start_year",
                    message:
                        "each cohort of a quantity read \(recorded.inPost == nil ? "by_year" : "in_post") starts in its own year; remove start_year"
                ))
            return [outcome]
        }
        // People in post during a year count for that year; who stays on counts again the next.
        if let inPost = recorded.inPost, outcome.duration.value != 1 {
            diagnostics.append(
                Diagnostic(
                    code: .records, at: outcome.duration.location ?? inPost.location,
                    field: "outcomes[\(outcome.id)].duration",
                    message:
                        "a quantity of people in post each year counts each year's people for that year, so its benefit period is 1 year; who stays is counted again the next year",
                    found: String(outcome.duration.value), allowed: "1"))
            return [outcome]
        }
        guard
            let readings = read(
                recorded, field: "outcomes[\(outcome.id)].quantity.records", scenario: scenario, datasets: datasets,
                diagnostics: &diagnostics)
        else { return [outcome] }
        return readings.map { reading in
            var result = outcome
            result.quantity.definition = .records(
                recorded, reading: RecordsReading(value: reading.value, origin: reading.origin))
            if let year = reading.analysisYear {
                result.id = OutcomeID(outcome.id, cohortYear: year).description
                result.startYear = Located(year, at: recorded.byYear?.location ?? recorded.inPost?.location)
            }
            return result
        }
    }

    /// One figure read from records, or one per analysis year when grouped by year.
    private struct Reading {
        var analysisYear: Int?
        var value: Double
        var origin: RecordsOrigin
    }

    /// Compiles a declaration to parameterised SQL and runs it; `nil` after a diagnostic.
    private func read(
        _ recorded: RecordedQuantity, field: String, scenario: Scenario, datasets: [String: StoredDataset],
        diagnostics: inout [Diagnostic]
    ) -> [Reading]? {
        guard
            let stored = dataset(
                recorded.dataset, field: "\(field).dataset", datasets: datasets, diagnostics: &diagnostics)
        else { return nil }
        var compiler = QueryCompiler(definition: stored.definition)
        var aggregate = "COUNT(*)"
        if let name = recorded.column, let column = compiler.column(name, field: "\(field).column") {
            let quoted = "\"\(column.name)\""
            switch recorded.aggregate.value {
            case .count: aggregate = "COUNT(\(quoted))"
            case .countDistinct: aggregate = "COUNT(DISTINCT \(quoted))"
            case .sum, .mean:
                if column.type.isNumeric {
                    // Exactly rounded, so the figure is the same whatever the order of the rows.
                    aggregate = recorded.aggregate.value == .sum ? "exact_sum(\(quoted))" : "exact_mean(\(quoted))"
                } else {
                    compiler.diagnostics.append(
                        Diagnostic(
                            code: .records, at: name.location, field: "\(field).column",
                            message: "\(recorded.aggregate.value.rawValue) needs a numeric column",
                            found: "\(column.name) (\(column.type))",
                            allowed: stored.definition.columns.filter(\.type.isNumeric).map(\.name).joined(
                                separator: ", ")))
                }
            }
        }
        var (conditions, arguments) = compiler.conditions(recorded.filters, field: field)
        var yearColumn: String?
        if let byYear = recorded.byYear, let column = compiler.column(byYear, field: "\(field).by_year") {
            if column.type != .date {
                compiler.diagnostics.append(
                    Diagnostic(
                        code: .records, at: byYear.location, field: "\(field).by_year",
                        message: "must be a date column",
                        found: "\(column.name) (\(column.type))"))
            } else if let first = scenario.firstCalendarYear {
                yearColumn = "\"\(column.name)\""
                let (window, values) = RowSelection.byYearWindow(yearColumn!, scenario: scenario, first: first)
                conditions.append(window)
                arguments += values
            } else {
                compiler.diagnostics.append(
                    Diagnostic(
                        code: .records, at: byYear.location, field: "\(field).by_year",
                        message: "placing records in analysis years needs analysis_period.first_year"))
            }
        }
        var spell: (from: String, to: String)?
        if let inPost = recorded.inPost {
            let from = compiler.column(inPost.from, field: "\(field).in_post.from")
            let to = compiler.column(inPost.to, field: "\(field).in_post.to")
            for (column, name, key) in [(from, inPost.from, "from"), (to, inPost.to, "to")] {
                if let column, column.type != .date {
                    compiler.diagnostics.append(
                        Diagnostic(
                            code: .records, at: name.location, field: "\(field).in_post.\(key)",
                            message: "must be a date column", found: "\(column.name) (\(column.type))"))
                }
            }
            if scenario.firstCalendarYear == nil {
                compiler.diagnostics.append(
                    Diagnostic(
                        code: .records, at: inPost.location, field: "\(field).in_post",
                        message: "counting people in post each year needs analysis_period.first_year"))
            }
            if let from, let to { spell = ("\"\(from.name)\"", "\"\(to.name)\"") }
        }
        diagnostics += compiler.diagnostics
        guard compiler.diagnostics.isEmpty else { return nil }
        if let spell, let first = scenario.firstCalendarYear {
            return readInPost(
                recorded, field: field, scenario: scenario, stored: stored, table: compiler.table,
                aggregate: aggregate, conditions: conditions, arguments: arguments, spell: spell, first: first,
                diagnostics: &diagnostics)
        }

        let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let query: CompiledQuery
        if let yearColumn {
            query = CompiledQuery(
                sql:
                    // Grouped by position: a dataset column named `year` must not take the alias's place.
                    "SELECT \(Self.yearOf(yearColumn, scenario)) AS year, COUNT(*) AS matched, \(aggregate) AS value FROM \(compiler.table)\(whereClause) GROUP BY 1 ORDER BY 1",
                arguments: arguments)
        } else {
            query = CompiledQuery(
                sql: "SELECT COUNT(*) AS matched, \(aggregate) AS value FROM \(compiler.table)\(whereClause)",
                arguments: arguments)
        }
        guard let rows = fetch(query, recorded, field: field, diagnostics: &diagnostics) else { return nil }
        func origin(matched: Int, suffix: String = "") -> RecordsOrigin {
            RecordsOrigin(
                declaration: recorded.summary + suffix, dataset: stored.definition.name, sql: query.sql,
                parameters: query.parameterTexts, rowsMatched: matched, fingerprint: stored.fingerprint,
                location: recorded.location)
        }
        func quantity(_ row: Row, _ matched: Int) -> Double? {
            if let value = row["value"] as Double? { return value }
            diagnostics.append(
                Diagnostic(
                    code: .records, at: recorded.location, field: field,
                    message: "no records match, so the \(recorded.aggregate.value.rawValue) is undefined",
                    found: "\(matched) rows"))
            return nil
        }
        guard yearColumn != nil else {
            let row = rows[0]
            let matched: Int = row["matched"]
            guard let value = quantity(row, matched) else { return nil }
            return [Reading(analysisYear: nil, value: value, origin: origin(matched: matched))]
        }
        let first = scenario.firstCalendarYear!
        var readings: [Reading] = []
        for row in rows {
            let calendarYear: Int = row["year"]
            let matched: Int = row["matched"]
            guard let value = quantity(row, matched) else { continue }
            readings.append(
                Reading(
                    analysisYear: calendarYear - first + 1, value: value,
                    origin: origin(
                        matched: matched, suffix: " — records of \(scenario.yearLabel(calendarYear - first + 1))")))
        }
        if readings.isEmpty {
            diagnostics.append(
                Diagnostic(
                    code: .records, at: recorded.location, field: field,
                    message: "no records fall within the analysis period"))
            return nil
        }
        return readings
    }

    /// One reading per analysis year of the records whose spell overlaps the year: started on
    /// or before its last day, and not ended before its first.
    private func readInPost(
        _ recorded: RecordedQuantity, field: String, scenario: Scenario, stored: StoredDataset, table: String,
        aggregate: String, conditions: [String], arguments: [DatabaseValue], spell: (from: String, to: String),
        first: Int, diagnostics: inout [Diagnostic]
    ) -> [Reading]? {
        // One scan for every year: the records joined to the years their spell overlaps.
        let years = 1...scenario.analysisYears.value
        let overlap =
            "\(spell.from) IS NOT NULL AND \(spell.from) <= _year_end AND (\(spell.to) IS NULL OR \(spell.to) >= _year_start)"
        let query = CompiledQuery(
            sql:
                "WITH _years(_analysis_year, _year_start, _year_end) AS (VALUES "
                + years.map { _ in "(?, ?, ?)" }.joined(separator: ", ")
                + ") SELECT _analysis_year AS year, COUNT(*) AS matched, \(aggregate) AS value FROM _years JOIN \(table) ON "
                + ([overlap] + conditions).joined(separator: " AND ") + " GROUP BY 1 ORDER BY 1",
            arguments: years.flatMap { t in
                let year = first + t - 1
                return [
                    t.databaseValue, Self.yearStart(year, scenario).databaseValue,
                    Self.yearEnd(year, scenario).databaseValue,
                ]
            } + arguments)
        guard let rows = fetch(query, recorded, field: field, diagnostics: &diagnostics) else { return nil }
        var readings: [Reading] = []
        for row in rows {
            guard let value = row["value"] as Double? else { continue }
            let t: Int = row["year"]
            let matched: Int = row["matched"]
            readings.append(
                Reading(
                    analysisYear: t, value: value,
                    origin: RecordsOrigin(
                        declaration: recorded.summary + " — in post during \(scenario.yearLabel(t))",
                        dataset: stored.definition.name, sql: query.sql, parameters: query.parameterTexts,
                        rowsMatched: matched, fingerprint: stored.fingerprint, location: recorded.location)))
        }
        if readings.isEmpty {
            diagnostics.append(
                Diagnostic(
                    code: .records, at: recorded.location, field: field,
                    message: "no spell overlaps the analysis period"))
            return nil
        }
        return readings
    }

    /// The rows of a compiled query; `nil` after a diagnostic when the store cannot answer it.
    private func fetch(
        _ query: CompiledQuery, _ recorded: RecordedQuantity, field: String, diagnostics: inout [Diagnostic]
    ) -> [Row]? {
        do {
            return try store.read { db in
                try Row.fetchAll(db, sql: query.sql, arguments: StatementArguments(query.arguments))
            }
        } catch {
            diagnostics.append(
                Diagnostic(code: .records, at: recorded.location, field: field, message: error.description))
            return nil
        }
    }

    /// The first and last day of calendar or financial year `year` (`2024-25` runs from 1 April 2024).
    static func yearStart(_ year: Int, _ scenario: Scenario) -> String {
        String(format: scenario.financialYears ? "%04d-04-01" : "%04d-01-01", year)
    }

    static func yearEnd(_ year: Int, _ scenario: Scenario) -> String {
        scenario.financialYears ? String(format: "%04d-03-31", year + 1) : String(format: "%04d-12-31", year)
    }

    /// The SQL for the (calendar or financial) year a date column's value falls in.
    static func yearOf(_ column: String, _ scenario: Scenario) -> String {
        let calendar = "CAST(substr(\(column), 1, 4) AS INTEGER)"
        return scenario.financialYears ? "(\(calendar) - (substr(\(column), 6, 2) < '04'))" : calendar
    }

    // MARK: Integrity rules

    private struct Matched {
        var definition: DatasetDefinition
        var table: String
        var conditions: [String]
        var arguments: [DatabaseValue]
    }

    /// The records an outcome counts: its dataset and filters.
    private func matched(
        _ outcomeID: String, scenario: Scenario, datasets: [String: StoredDataset], rule: IntegrityRule,
        diagnostics: inout [Diagnostic]
    ) -> Matched? {
        guard let outcome = scenario.outcomes.first(where: { $0.id == outcomeID }) else { return nil }
        guard let recorded = outcome.quantity.recorded else {
            diagnostics.append(
                Diagnostic(
                    code: .integrity, at: rule.location, field: "integrity[\(rule.name)]",
                    message: "outcome \(outcomeID) has no quantity from records to check"))
            return nil
        }
        guard let stored = datasets[recorded.dataset.value], !stored.imports.isEmpty else { return nil }
        var compiler = QueryCompiler(definition: stored.definition)
        let (conditions, arguments) = compiler.conditions(
            recorded.filters, field: "outcomes[\(outcomeID)].quantity.records")
        guard compiler.diagnostics.isEmpty else { return nil }
        return Matched(
            definition: stored.definition, table: compiler.table, conditions: conditions, arguments: arguments)
    }

    private func keyColumn(_ key: String, in matched: Matched, rule: IntegrityRule, diagnostics: inout [Diagnostic])
        -> String?
    {
        guard matched.definition.column(key) != nil else {
            diagnostics.append(
                Diagnostic(
                    code: .unknownReference, at: rule.location, field: "integrity[\(rule.name)].key",
                    message: "dataset \(matched.definition.name) has no such column",
                    found: key, allowed: matched.definition.columns.map(\.name).joined(separator: ", ")))
            return nil
        }
        return "\"\(key)\""
    }

    private func checkRules(_ scenario: Scenario, datasets: [String: StoredDataset], diagnostics: inout [Diagnostic])
        -> [IntegrityFinding]
    {
        var findings: [IntegrityFinding] = []
        for rule in scenario.integrityRules {
            func finding(_ dataset: String, _ key: String, _ detail: String, summary: String) {
                findings.append(
                    IntegrityFinding(
                        rule: rule.name, severity: rule.severity, dataset: dataset, key: key, detail: detail,
                        summary: summary, location: rule.location))
            }
            do {
                switch rule.kind {
                case .countedOnce(let outcome, let key):
                    guard
                        let matched = matched(
                            outcome, scenario: scenario, datasets: datasets, rule: rule, diagnostics: &diagnostics),
                        let column = keyColumn(key, in: matched, rule: rule, diagnostics: &diagnostics)
                    else { continue }
                    let whereClause =
                        matched.conditions.isEmpty ? "" : " WHERE " + matched.conditions.joined(separator: " AND ")
                    let rows = try store.read { db in
                        try Row.fetchAll(
                            db,
                            sql:
                                "SELECT CAST(\(column) AS TEXT) AS key, COUNT(*) AS n, group_concat(_line, ', ') AS lines FROM \(matched.table)\(whereClause) GROUP BY \(column) HAVING COUNT(*) > 1 ORDER BY MIN(_line) LIMIT 100",
                            arguments: StatementArguments(matched.arguments))
                    }
                    for row in rows {
                        finding(
                            matched.definition.name, "\(key) = \(row["key"] as String? ?? "(none)")",
                            "counted \(row["n"] as Int) times under outcome \(outcome) (lines \(row["lines"] as String))",
                            summary: "\(key) counted more than once under outcome \(outcome)"
                        )
                    }
                case .withinWindow(let outcome, let dateColumn, let from, let to):
                    guard
                        let matched = matched(
                            outcome, scenario: scenario, datasets: datasets, rule: rule, diagnostics: &diagnostics),
                        let column = keyColumn(dateColumn, in: matched, rule: rule, diagnostics: &diagnostics)
                    else { continue }
                    guard let window = window(from: from, to: to, scenario: scenario) else {
                        diagnostics.append(
                            Diagnostic(
                                code: .integrity, at: rule.location, field: "integrity[\(rule.name)]",
                                message:
                                    "give from and to, or analysis_period.first_year for the analysis period as the window"
                            ))
                        continue
                    }
                    let label =
                        matched.definition.key.isEmpty
                        ? "'line ' || _line"
                        : matched.definition.key.map { "'\($0) = ' || \"\($0)\"" }.joined(separator: " || ', ' || ")
                    let conditions = matched.conditions + ["(\(column) IS NULL OR \(column) < ? OR \(column) > ?)"]
                    // Whether the quantity counts the row: its filters, and its analysis-period window.
                    var counted = (sql: "1", arguments: [DatabaseValue]())
                    if let recorded = scenario.outcomes.first(where: { $0.id == outcome })?.quantity.recorded,
                        let window = RowSelection.periodWindow(
                            of: recorded, scenario: scenario, definition: matched.definition)
                    {
                        counted = ("(" + window.conditions.joined(separator: " AND ") + ")", window.arguments)
                    }
                    let rows = try store.read { db in
                        try Row.fetchAll(
                            db,
                            sql:
                                "SELECT \(label) AS key, \(column) AS day, _line AS line, COALESCE(\(counted.sql), 0) AS counted FROM \(matched.table) WHERE \(conditions.joined(separator: " AND ")) ORDER BY _line LIMIT 100",
                            arguments: StatementArguments(
                                counted.arguments + matched.arguments
                                    + [window.from.databaseValue, window.to.databaseValue]))
                    }
                    for row in rows {
                        let day = row["day"] as String?
                        let isCounted = (row["counted"] as Int? ?? 0) != 0
                        finding(
                            matched.definition.name, row["key"] as String,
                            "\(dateColumn) \(day ?? "is not recorded")\(day == nil ? "" : " is outside \(window.from) to \(window.to)") (line \(row["line"] as Int)), "
                                + (isCounted
                                    ? "counted under outcome \(outcome)"
                                    : "left out of outcome \(outcome): its query does not select the row"),
                            summary: (day == nil
                                ? "\(dateColumn) not recorded"
                                : "\(dateColumn) outside \(window.from) to \(window.to)")
                                + (isCounted
                                    ? ", counted under outcome \(outcome)"
                                    : ", left out of outcome \(outcome) by its query")
                        )
                    }
                case .mutuallyExclusive(let outcomes, let key):
                    var owners: [String: [String]] = [:]
                    var dataset = ""
                    for outcome in outcomes {
                        guard
                            let matched = matched(
                                outcome, scenario: scenario, datasets: datasets, rule: rule, diagnostics: &diagnostics),
                            let column = keyColumn(key, in: matched, rule: rule, diagnostics: &diagnostics)
                        else { continue }
                        dataset = matched.definition.name
                        let whereClause =
                            matched.conditions.isEmpty ? "" : " WHERE " + matched.conditions.joined(separator: " AND ")
                        let keys = try store.read { db in
                            try String.fetchAll(
                                db, sql: "SELECT DISTINCT CAST(\(column) AS TEXT) FROM \(matched.table)\(whereClause)",
                                arguments: StatementArguments(matched.arguments))
                        }
                        for value in keys { owners[value, default: []].append(outcome) }
                    }
                    for (value, under) in owners.sorted(by: { $0.key < $1.key }) where under.count > 1 {
                        finding(
                            dataset, "\(key) = \(value)",
                            "counted under \(under.joined(separator: " and ")), which exclude each other",
                            summary:
                                "\(key) counted under \(under.joined(separator: " and ")), which exclude each other")
                    }
                }
            } catch {
                diagnostics.append(
                    Diagnostic(
                        code: .integrity, at: rule.location, field: "integrity[\(rule.name)]", message: "\(error)"))
            }
        }
        return findings
    }

    private func window(from: String?, to: String?, scenario: Scenario) -> (from: String, to: String)? {
        if let from, let to { return (from, to) }
        guard let first = scenario.firstCalendarYear else { return nil }
        let last = first + scenario.analysisYears.value - 1
        return (from ?? Self.yearStart(first, scenario), to ?? Self.yearEnd(last, scenario))
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
