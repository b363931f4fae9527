/// Where a figure taken from a value model came from: the model, the entry, the place in the
/// model file, and the publication the model cites for it.
public struct ModelEntryOrigin: Hashable, Sendable {
    public var model: String
    public var entry: String
    public var location: SourceLocation?
    public var citation: Citation?

    public init(model: String, entry: String, location: SourceLocation? = nil, citation: Citation? = nil) {
        self.model = model
        self.entry = entry
        self.location = location
        self.citation = citation
    }

    /// `model/entry`, the way scenarios refer to it.
    public var reference: String { "\(model)/\(entry)" }
}

/// The money value of one unit of an outcome.
public struct FinancialProxy: Sendable {
    /// What a typed or model amount is priced in. A formula's unit says it instead.
    public struct Price: Sendable {
        public var currency: Currency
        /// The unit valued (hour, person, year of employment).
        public var per: String?
        /// The year whose prices the amount is in; `nil` when it is already in the price base.
        public var priceYear: PriceYear?
        /// Set when the amount comes from a model entry.
        public var model: ModelEntryOrigin?
        /// The price series the price year belongs to, when the proxy names one; otherwise the
        /// scenario's `conventions.price_index`.
        public var index: PriceIndex?

        public init(
            currency: Currency, per: String? = nil, priceYear: PriceYear? = nil, model: ModelEntryOrigin? = nil,
            index: PriceIndex? = nil
        ) {
            self.currency = currency
            self.per = per
            self.priceYear = priceYear
            self.model = model
            self.index = index
        }
    }

    /// The value of one unit: typed in the scenario, taken from a model, or a formula.
    public var amount: StatedValue
    /// Set for a typed or model amount; `nil` for a formula.
    public var price: Price?

    public init(amount: StatedValue, price: Price?) {
        self.amount = amount
        self.price = price
    }

    /// A typed or model amount in `currency` per `per`.
    public init(
        value: Double, currency: Currency, per: String? = nil, priceYear: PriceYear? = nil,
        citation: Citation? = nil, rationale: String? = nil, location: SourceLocation? = nil,
        model: ModelEntryOrigin? = nil
    ) {
        self.amount = StatedValue(.given(value), at: location, rationale: rationale, source: citation)
        self.price = Price(currency: currency, per: per, priceYear: priceYear, model: model)
    }

    /// The unit of a typed or model amount: `GBP/hour`.
    public var unit: Unit? {
        price.map { Unit.currency($0.currency) / ($0.per.map(Unit.base) ?? .number) }
    }
}

/// A schedule of discount rates by band of years (SROI-METHOD, step 6; Green Book schedules).
///
/// A band `{fromYear: 31, rate: 0.03}` is the rate of each discounting step from step 31 on:
/// step `j` divides the factor by `1 + r_j`.
public struct DiscountSchedule: Sendable {
    public struct Band: Sendable, Equatable {
        public var fromYear: Int
        public var rate: Double
        public var location: SourceLocation?

        public init(fromYear: Int, rate: Double, location: SourceLocation? = nil) {
            self.fromYear = fromYear
            self.rate = rate
            self.location = location
        }
    }

    /// The schedule's name when it comes from a model, e.g. `green-book-standard`.
    public var name: String?
    public var bands: [Band]
    public var location: SourceLocation?
    public var model: ModelEntryOrigin?

    public init(name: String? = nil, bands: [Band], location: SourceLocation? = nil, model: ModelEntryOrigin? = nil) {
        self.name = name
        self.bands = bands
        self.location = location
        self.model = model
    }

    /// One rate for every year.
    public static func constant(_ rate: Double, at location: SourceLocation? = nil) -> DiscountSchedule {
        DiscountSchedule(bands: [Band(fromYear: 1, rate: rate, location: location)], location: location)
    }

    /// The band that holds step `j` (from 1). Bands are validated to start at 1 and ascend.
    public func band(forStep j: Int) -> Band {
        var chosen = bands[0]
        for band in bands where band.fromYear <= j { chosen = band }
        return chosen
    }
}

/// A price index by price year, for uplifting proxies to the price base (SROI-METHOD, step 1).
public struct PriceIndex: Sendable {
    public struct Point: Sendable {
        public var value: Double
        public var location: SourceLocation?

        public init(value: Double, location: SourceLocation? = nil) {
            self.value = value
            self.location = location
        }
    }

    public var name: String?
    public var points: [PriceYear: Point]
    public var location: SourceLocation?
    public var model: ModelEntryOrigin?

    public init(
        name: String? = nil, points: [PriceYear: Point], location: SourceLocation? = nil,
        model: ModelEntryOrigin? = nil
    ) {
        self.name = name
        self.points = points
        self.location = location
        self.model = model
    }
}

/// Reductions for optimism bias by evidence-confidence grade (SROI-METHOD, step 4).
public struct OptimismBiasTable: Sendable {
    public var name: String?
    public var reductions: [String: Assumption<Double>]
    public var location: SourceLocation?
    public var model: ModelEntryOrigin?

    public init(
        name: String? = nil, reductions: [String: Assumption<Double>], location: SourceLocation? = nil,
        model: ModelEntryOrigin? = nil
    ) {
        self.name = name
        self.reductions = reductions
        self.location = location
        self.model = model
    }
}
