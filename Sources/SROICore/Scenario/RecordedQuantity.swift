/// A quantity declared as an aggregate over recorded data rather than typed by hand.
///
/// The declaration is a value: the core neither knows nor needs the storage behind it. A data
/// layer resolves it into a number, and records how in ``RecordsOrigin``.
public struct RecordedQuantity: Sendable, Equatable {
    public enum Aggregate: String, Sendable, CaseIterable {
        /// The number of matching records.
        case count
        /// The number of distinct values of a column among matching records.
        case countDistinct = "count_distinct"
        /// The sum of a column over matching records.
        case sum
        /// The mean of a column over matching records; undefined when none match.
        case mean
    }

    /// A literal in a filter: text (also dates, as `YYYY-MM-DD`) or a number.
    public enum Literal: Sendable, Equatable, CustomStringConvertible {
        case text(String)
        case number(Double)

        public var description: String {
            switch self {
            case .text(let text): return "'\(text)'"
            case .number(let number): return NumberFormat.shortest(number)
            }
        }
    }

    public enum Condition: Sendable, Equatable {
        /// The column equals the value.
        case equals(Literal)
        /// The column is one of the values.
        case oneOf([Literal])
        /// The column lies within the bounds, both inclusive; either may be open.
        case range(min: Literal?, max: Literal?)
        /// The column holds a value (or, when `false`, holds none).
        case present(Bool)
    }

    public struct Filter: Sendable, Equatable {
        public var column: Located<String>
        public var condition: Condition
        public var location: SourceLocation?

        public init(column: Located<String>, condition: Condition, location: SourceLocation? = nil) {
            self.column = column
            self.condition = condition
            self.location = location
        }
    }

    public var dataset: Located<String>
    public var aggregate: Located<Aggregate>
    /// The column aggregated; required for every aggregate but `count`.
    public var column: Located<String>?
    public var filters: [Filter]
    /// A date column that places each record in an analysis year: one cohort per year.
    public var byYear: Located<String>?
    /// The start and end date columns of a spell (a post held, a place taken): each analysis year
    /// counts the records whose spell overlaps it, an end left empty meaning still there. One
    /// cohort per year, each lasting that year.
    public var inPost: InPost?

    public struct InPost: Sendable, Equatable {
        public var from: Located<String>
        public var to: Located<String>
        public var location: SourceLocation?

        public init(from: Located<String>, to: Located<String>, location: SourceLocation? = nil) {
            self.from = from
            self.to = to
            self.location = location
        }
    }
    public var location: SourceLocation?

    public init(
        dataset: Located<String>, aggregate: Located<Aggregate>, column: Located<String>? = nil,
        filters: [Filter] = [], byYear: Located<String>? = nil, location: SourceLocation? = nil
    ) {
        self.dataset = dataset
        self.aggregate = aggregate
        self.column = column
        self.filters = filters
        self.byYear = byYear
        self.location = location
    }

    /// One line for people: `count_distinct(participant_id) of participants where profession = 'nurse'`.
    public var summary: String {
        var text = aggregate.value.rawValue
        text += column.map { "(\($0.value))" } ?? "(*)"
        text += " of \(dataset.value)"
        if !filters.isEmpty {
            text +=
                " where "
                + filters.map { filter in
                    let name = filter.column.value
                    switch filter.condition {
                    case .equals(let value): return "\(name) = \(value)"
                    case .oneOf(let values): return "\(name) in (\(values.map(\.description).joined(separator: ", ")))"
                    case .range(let low, let high):
                        return [low.map { "\(name) ≥ \($0)" }, high.map { "\(name) ≤ \($0)" }].compactMap { $0 }
                            .joined(separator: " and ")
                    case .present(let present): return present ? "\(name) is recorded" : "\(name) is not recorded"
                    }
                }.joined(separator: " and ")
        }
        if let byYear { text += ", by year of \(byYear.value)" }
        if let inPost { text += ", in post each year from \(inPost.from.value) to \(inPost.to.value)" }
        return text
    }
}

/// How a quantity was read from recorded data: enough for an auditor to rerun the query on the
/// same data and to tell whether the data has changed since.
public struct RecordsOrigin: Hashable, Sendable {
    /// The declaration as written, in words.
    public var declaration: String
    public var dataset: String
    /// The parameterised SQL that was run, and the parameters bound to it, in order.
    public var sql: String
    public var parameters: [String]
    /// How many records matched the filters.
    public var rowsMatched: Int
    /// A SHA-256 over the imports the dataset holds (file hashes), identifying the data read.
    public var fingerprint: String
    /// Where the declaration is written.
    public var location: SourceLocation?

    public init(
        declaration: String, dataset: String, sql: String, parameters: [String], rowsMatched: Int,
        fingerprint: String, location: SourceLocation?
    ) {
        self.declaration = declaration
        self.dataset = dataset
        self.sql = sql
        self.parameters = parameters
        self.rowsMatched = rowsMatched
        self.fingerprint = fingerprint
        self.location = location
    }
}

/// The recorded data a scenario was evaluated against.
public struct RecordSource: Sendable, Equatable {
    /// The database as the user named it.
    public var database: String
    /// A SHA-256 over every import in the database, in a fixed order.
    public var fingerprint: String
    /// The earliest and latest date in the datasets read (`YYYY-MM-DD`), when they have dates.
    public var dateRange: (from: String, to: String)?
    /// Set when the store is a minimised copy (an audit bundle's): what it keeps, by dataset.
    public var minimised: [String] = []

    public init(database: String, fingerprint: String, dateRange: (from: String, to: String)? = nil) {
        self.database = database
        self.fingerprint = fingerprint
        self.dateRange = dateRange
    }

    public static func == (a: RecordSource, b: RecordSource) -> Bool {
        a.database == b.database && a.fingerprint == b.fingerprint && a.dateRange?.from == b.dateRange?.from
            && a.dateRange?.to == b.dateRange?.to
    }
}

/// A rule that recorded data must keep, checked when quantities are read.
public struct IntegrityRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No key (a person) is counted twice under one outcome.
        case countedOnce(outcome: String, key: String)
        /// Every record counted under an outcome has its date column within the window
        /// (by default the analysis period).
        case withinWindow(outcome: String, dateColumn: String, from: String?, to: String?)
        /// No key is counted under more than one of these outcomes.
        case mutuallyExclusive(outcomes: [String], key: String)
    }

    public var name: String
    public var kind: Kind
    public var severity: Diagnostic.Severity
    public var location: SourceLocation?

    public init(name: String, kind: Kind, severity: Diagnostic.Severity, location: SourceLocation? = nil) {
        self.name = name
        self.kind = kind
        self.severity = severity
        self.location = location
    }
}

/// A breach of an ``IntegrityRule`` found in the data: which rule, dataset and key.
public struct IntegrityFinding: Sendable, Equatable {
    public var rule: String
    public var severity: Diagnostic.Severity
    public var dataset: String
    public var key: String
    public var detail: String
    /// What was found, in words that name no record: findings of one rule with the same
    /// summary are reported as one count, so a report lists no identifier.
    public var summary: String
    public var location: SourceLocation?

    public init(
        rule: String, severity: Diagnostic.Severity, dataset: String, key: String, detail: String,
        summary: String? = nil, location: SourceLocation?
    ) {
        self.rule = rule
        self.severity = severity
        self.dataset = dataset
        self.key = key
        self.detail = detail
        self.summary = summary ?? detail
        self.location = location
    }

    /// Findings counted by rule, severity, dataset and summary, in the order first found.
    public static func counted(_ findings: [IntegrityFinding]) -> [(finding: IntegrityFinding, records: Int)] {
        var order: [String] = []
        var groups: [String: (IntegrityFinding, Int)] = [:]
        for finding in findings {
            let key = [finding.rule, finding.severity.rawValue, finding.dataset, finding.summary].joined(
                separator: "\u{1F}")
            if let group = groups[key] {
                groups[key] = (group.0, group.1 + 1)
            } else {
                order.append(key)
                groups[key] = (finding, 1)
            }
        }
        return order.map { (groups[$0]!.0, groups[$0]!.1) }
    }

    public var diagnostic: Diagnostic {
        Diagnostic(
            severity, code: .integrity, at: location, field: "integrity[\(rule)]",
            message: "\(dataset) \(key): \(detail)")
    }
}

extension Scenario {
    /// Every records declaration of the scenario: its outcomes' quantities, then its named values.
    public var recordedQuantities: [RecordedQuantity] {
        outcomes.compactMap(\.quantity.recorded)
            + values.compactMap { value -> RecordedQuantity? in
                if case .records(let recorded, _) = value.definition { return recorded }
                return nil
            }
    }
}
