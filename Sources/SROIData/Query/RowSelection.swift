import GRDB
import SROICore
import SROILoad

/// The rows of each dataset that a scenario's quantities read, and how finely each date column
/// is needed: what a minimised copy keeps, and the date range a report names as used.
struct RowSelection {
    /// The rows a dataset's quantities select, as one SQL condition over its table; `nil` when
    /// some quantity reads every row.
    var condition: String?
    var arguments: [DatabaseValue]
    /// Date columns read only to place a record in an analysis year: the start of its
    /// (calendar or financial) year gives every figure the exact date gives.
    var yearOnlyDates: Set<String>
    /// Date columns whose values any quantity compares.
    var datesRead: Set<String>

    /// A `by_year` column's window: the days of the analysis period.
    static func byYearWindow(_ column: String, scenario: Scenario, first: Int) -> (String, [DatabaseValue]) {
        let last = first + scenario.analysisYears.value - 1
        return (
            "\(column) >= ? AND \(column) <= ?",
            [
                RecordResolver.yearStart(first, scenario).databaseValue,
                RecordResolver.yearEnd(last, scenario).databaseValue,
            ]
        )
    }

    /// A spell that overlaps the analysis period somewhere.
    static func inPostWindow(from: String, to: String, scenario: Scenario, first: Int) -> (String, [DatabaseValue]) {
        let last = first + scenario.analysisYears.value - 1
        return (
            "\(from) IS NOT NULL AND \(from) <= ? AND (\(to) IS NULL OR \(to) >= ?)",
            [
                RecordResolver.yearEnd(last, scenario).databaseValue,
                RecordResolver.yearStart(first, scenario).databaseValue,
            ]
        )
    }

    /// The analysis period a quantity reads within: its `by_year` column's window and its
    /// spells' overlap, with the date columns they place in a year; `nil` when it reads all time
    /// (no first year, or neither). The one window the selection and the integrity rules use.
    static func periodWindow(of recorded: RecordedQuantity, scenario: Scenario, definition: DatasetDefinition) -> (
        conditions: [String], arguments: [DatabaseValue], yearColumns: [String]
    )? {
        guard let first = scenario.firstCalendarYear else { return nil }
        let isDate = { (column: String) in definition.column(column)?.type == .date }
        var window: (conditions: [String], arguments: [DatabaseValue], yearColumns: [String]) = ([], [], [])
        if let byYear = recorded.byYear?.value, isDate(byYear) {
            let (sql, values) = byYearWindow("\"\(byYear)\"", scenario: scenario, first: first)
            window.conditions.append(sql)
            window.arguments += values
            window.yearColumns.append(byYear)
        }
        if let inPost = recorded.inPost, isDate(inPost.from.value), isDate(inPost.to.value) {
            let (sql, values) = inPostWindow(
                from: "\"\(inPost.from.value)\"", to: "\"\(inPost.to.value)\"", scenario: scenario, first: first)
            window.conditions.append(sql)
            window.arguments += values
            window.yearColumns += [inPost.from.value, inPost.to.value]
        }
        return window.conditions.isEmpty ? nil : window
    }

    /// The selection of every dataset the scenario reads, by dataset name.
    static func of(_ scenario: Scenario, definitions: [String: DatasetDefinition]) -> [String: RowSelection] {
        var selections: [String: RowSelection] = [:]
        var everything: Set<String> = []
        var exactDates: [String: Set<String>] = [:]
        for recorded in scenario.recordedQuantities {
            let name = recorded.dataset.value
            guard let definition = definitions[name] else { continue }
            var selection =
                selections[name] ?? RowSelection(condition: nil, arguments: [], yearOnlyDates: [], datesRead: [])
            var compiler = QueryCompiler(definition: definition)
            var (conditions, arguments) = compiler.conditions(recorded.filters, field: "")
            let isDate = { (column: String) in definition.column(column)?.type == .date }
            for filter in recorded.filters where isDate(filter.column.value) {
                selection.datesRead.insert(filter.column.value)
                // Whether a date is recorded needs no date at all; a comparison needs the day.
                if case .present = filter.condition { continue }
                exactDates[name, default: []].insert(filter.column.value)
            }
            if let column = recorded.column?.value, isDate(column) { exactDates[name, default: []].insert(column) }
            if let window = periodWindow(of: recorded, scenario: scenario, definition: definition) {
                conditions += window.conditions
                arguments += window.arguments
                selection.yearOnlyDates.formUnion(window.yearColumns)
                selection.datesRead.formUnion(window.yearColumns)
            }
            if conditions.isEmpty || !compiler.diagnostics.isEmpty {
                everything.insert(name)
            } else {
                let clause = "(" + conditions.joined(separator: " AND ") + ")"
                selection.condition = selection.condition.map { "\($0) OR \(clause)" } ?? clause
                selection.arguments += arguments
            }
            selections[name] = selection
        }
        // Integrity rules compare dates with their window to the day.
        var datasetOfOutcome: [String: String] = [:]
        for outcome in scenario.outcomes {
            if let recorded = outcome.quantity.recorded {
                datasetOfOutcome[outcome.id] = recorded.dataset.value
                datasetOfOutcome[outcome.declaredID] = recorded.dataset.value
            }
        }
        for rule in scenario.integrityRules {
            if case .withinWindow(let outcome, let column, _, _) = rule.kind, let name = datasetOfOutcome[outcome] {
                exactDates[name, default: []].insert(column)
            }
        }
        for name in selections.keys {
            if everything.contains(name) {
                selections[name]!.condition = nil
                selections[name]!.arguments = []
            }
            selections[name]!.yearOnlyDates.subtract(exactDates[name] ?? [])
        }
        return selections
    }
}
