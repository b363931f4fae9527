/// A figure a scenario states: a quantity, a proxy's amount, an input's amount or a named value.
///
/// It is exactly one of three things, and only a given figure or a read record carries a number:
/// a formula has none until the evaluation plan computes it, and a records declaration has none
/// until a data layer has read it. No placeholder number stands in for either, so code that needs
/// a number must say what it does with each kind.
public struct StatedValue: Sendable {
    public enum Definition: Sendable {
        /// A figure typed in the scenario or a model.
        case given(Double)
        /// A formula; `text` is its canonical form, which the trace stores and re-reads.
        case formula(Expression, text: String)
        /// An aggregate over recorded data, and what reading it gave once it has been read.
        case records(RecordedQuantity, reading: RecordsReading?)

        /// A formula from its expression, with the canonical text.
        public static func formula(_ expression: Expression) -> Definition {
            .formula(expression, text: NamedValue.canonical(expression))
        }

        /// The number, when the definition has one of its own: a given figure or a read record.
        public var number: Double? {
            switch self {
            case .given(let value): return value
            case .records(_, let reading?): return reading.value
            case .formula, .records(_, reading: nil): return nil
            }
        }

        /// How the figure is stated, for people: `given`, `formula`, `records`.
        public var kind: String {
            switch self {
            case .given: return "given"
            case .formula: return "formula"
            case .records: return "records"
            }
        }
    }

    public var definition: Definition
    /// Where the figure, the formula's text or the records declaration is written.
    public var location: SourceLocation?
    /// A declared unit, checked against a formula's own.
    public var unit: Unit?
    /// Why this figure was chosen.
    public var rationale: String?
    /// Evidence for it.
    public var source: Citation?
    /// The range and distribution a given figure may take, for sensitivity and simulation.
    public var uncertainty: Uncertainty?

    public init(
        _ definition: Definition, at location: SourceLocation? = nil, unit: Unit? = nil, rationale: String? = nil,
        source: Citation? = nil, uncertainty: Uncertainty? = nil
    ) {
        self.definition = definition
        self.location = location
        self.unit = unit
        self.rationale = rationale
        self.source = source
        self.uncertainty = uncertainty
    }

    /// A given figure with the judgement behind it.
    public init(_ assumption: Assumption<Double>) {
        self.init(
            .given(assumption.value), at: assumption.location, rationale: assumption.rationale,
            source: assumption.source, uncertainty: assumption.uncertainty)
    }

    /// The typed figure, or `nil` for a formula or records.
    public var givenValue: Double? {
        if case .given(let value) = definition { return value }
        return nil
    }

    public var isFormula: Bool {
        if case .formula = definition { return true }
        return false
    }

    /// The records declaration, read or not.
    public var recorded: RecordedQuantity? {
        if case .records(let declaration, _) = definition { return declaration }
        return nil
    }

    /// Whether the figure comes from records that have not been read.
    public var isUnreadRecords: Bool {
        if case .records(_, reading: nil) = definition { return true }
        return false
    }
}

/// What reading a records declaration gave: the figure and how it was obtained.
public struct RecordsReading: Hashable, Sendable {
    public var value: Double
    public var origin: RecordsOrigin

    public init(value: Double, origin: RecordsOrigin) {
        self.value = value
        self.origin = origin
    }
}
