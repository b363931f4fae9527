/// A value a scenario or model names, for formulas to use: a figure with its unit and source,
/// a formula over other values, or an aggregate over recorded data.
public struct NamedValue: Sendable {
    public typealias Definition = StatedValue.Definition

    /// `name` in a scenario, or `model-id/entry` for a model's entry (and for a scenario's
    /// replacement of a model's entry).
    public var name: String
    public var definition: Definition
    /// Declared unit: required for given figures and records, checked against a formula's.
    public var unit: Unit?
    public var priceYear: PriceYear?
    public var rationale: String?
    public var source: Citation?
    /// Where the entry is written, and where its formula text starts (for column numbers).
    public var location: SourceLocation?
    public var formulaLocation: SourceLocation?
    /// Set when the value is a model's entry.
    public var model: ModelEntryOrigin?
    /// The price series its price year belongs to, when it is not the scenario's own.
    public var priceIndex: PriceIndex?
    /// What people call it (a model entry's label).
    public var label: String?
    /// The range and distribution a value given as a number may take.
    public var uncertainty: Uncertainty?

    /// The value as scenario files name it for sensitivity and `--set`: `values.posts`,
    /// `values.nhs-agency-savings/agency_rate`.
    public var parameterName: String { "values.\(name)" }

    public init(
        name: String, definition: Definition, unit: Unit? = nil, priceYear: PriceYear? = nil, rationale: String? = nil,
        source: Citation? = nil, location: SourceLocation? = nil, formulaLocation: SourceLocation? = nil,
        model: ModelEntryOrigin? = nil
    ) {
        self.name = name
        self.definition = definition
        self.unit = unit
        self.priceYear = priceYear
        self.rationale = rationale
        self.source = source
        self.location = location
        self.formulaLocation = formulaLocation
        self.model = model
    }

    /// The canonical text of a formula: `model("…")` for model references, so that it reads
    /// back as the same expression wherever it is written.
    public static func canonical(_ expression: Expression) -> String {
        expression.render { reference in
            switch reference {
            case .value(let name): return name
            case .model(let entry): return "model(\"\(entry)\")"
            case .rate(let from, let to): return "rate(\(from), \(to))"
            }
        }
    }
}

/// A declared exchange rate: one unit of `from` is worth `rate` of `to`, on a date, from a source.
public struct CurrencyConversion: Sendable {
    public var from: Currency
    public var to: Currency
    public var rate: Double
    public var date: String
    public var source: Citation?
    public var location: SourceLocation?

    public init(from: Currency, to: Currency, rate: Double, date: String, source: Citation?, location: SourceLocation?)
    {
        self.from = from
        self.to = to
        self.rate = rate
        self.date = date
        self.source = source
        self.location = location
    }

    /// The trace id of the rate.
    public var nodeID: String { "conversion.\(from.code).\(to.code)" }
}
