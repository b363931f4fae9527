/// A complete SROI scenario as validated values: what was invested, what changed for whom,
/// how each change is valued, and the conventions that turn those values into present value.
///
/// A `Scenario` is built by a loader (from a scenario file, a conformance case, or code) and
/// checked by ``ScenarioValidator`` before ``Evaluator`` computes anything from it.
public struct Scenario: Sendable {
    /// The longest analysis period, in years: the Green Book's schedules run to 200 or so.
    public static let maximumAnalysisYears = 200

    public var title: String
    public var organisation: String?
    public var summary: String?
    /// Set when figures are assumed rather than recorded; reports say so prominently.
    public var illustrativeNote: String?
    /// The number of analysis years; every outcome must end within them.
    public var analysisYears: Located<Int>
    /// The calendar year of analysis year 1, for labelling only.
    public var firstCalendarYear: Int?
    /// The currency every money figure of the results is reported in.
    public var reportCurrency: Located<Currency>
    /// The price base: proxies priced in other years are uplifted to it with ``priceIndex``.
    public var priceBaseYear: Located<PriceYear>?
    /// More price bases, one per kind of year: a series of financial years (PSSRU's) is
    /// uplifted to the financial year listed here, a calendar series to the calendar year.
    public var otherPriceBaseYears: [Located<PriceYear>] = []
    /// Whether analysis years are financial years (labelled `2024-25`) or calendar years.
    public var financialYears = false
    /// Who wrote the report, when, and its chapters in words.
    public var report = ReportSettings()
    public var conventions: Conventions
    public var priceIndex: PriceIndex?
    public var optimismBias: OptimismBiasTable?
    public var stakeholders: [Stakeholder]
    public var inputs: [Input]
    public var outcomes: [Outcome]
    /// Rules the recorded data must keep, and what checking them found.
    public var integrityRules: [IntegrityRule] = []
    public var integrityFindings: [IntegrityFinding] = []
    /// The recorded data quantities were read from, once resolved.
    public var recordSource: RecordSource?
    /// How sensitivity analysis is run.
    public var sensitivity = SensitivitySettings()
    /// Named values for formulas: the scenario's own, and replacements of model entries.
    public var values: [NamedValue] = []
    /// Values of the models the scenario uses, by `model-id/entry`.
    public var modelValues: [String: NamedValue] = [:]
    /// Declared exchange rates.
    public var conversions: [CurrencyConversion] = []
    /// Models the user supplies (their licence forbids bundling them) that were not found, by id.
    public var missingModels: [String: MissingModel] = [:]
    /// The option's own costs by year, for comparing options as a business case.
    public var businessCase: BusinessCase?
    /// What-ifs applied from the command line (`--set`), in the order given.
    public internal(set) var commandLineSettings: [CommandLineSetting] = []

    /// The price base a series is uplifted to: the first declared base year it has a value for.
    public func priceBase(for index: PriceIndex) -> PriceYear? {
        ([priceBaseYear].compactMap { $0 } + otherPriceBaseYears).map(\.value).first { index.points[$0] != nil }
    }

    /// The price base nominal cash grows from: the declared base of the analysis years' kind
    /// (financial or calendar), else the first declared.
    public var nominalPriceBase: Located<PriceYear>? {
        let bases = [priceBaseYear].compactMap { $0 } + otherPriceBaseYears
        return bases.first { $0.value.isFinancial == financialYears } ?? bases.first
    }

    /// The label of the year starting in calendar year `year`, of the analysis years' kind.
    public func label(ofYearStarting year: Int) -> String {
        guard financialYears else { return String(year) }
        let next = (year + 1) % 100
        return "\(year)-\(next < 10 ? "0" : "")\(next)"
    }

    /// The label of analysis year `t` (from 1): its calendar or financial year when the first
    /// is declared (`2026`, `2026-27`), else `Year t`.
    public func yearLabel(_ t: Int) -> String {
        guard let first = firstCalendarYear else { return "Year \(t)" }
        return label(ofYearStarting: first + t - 1)
    }

    /// The declared rate from one currency to another.
    public func conversion(from: Currency, to: Currency) -> CurrencyConversion? {
        conversions.first { $0.from == from && $0.to == to }
    }

    public init(
        title: String, organisation: String? = nil, summary: String? = nil, illustrativeNote: String? = nil,
        analysisYears: Located<Int>, firstCalendarYear: Int? = nil, reportCurrency: Located<Currency>,
        priceBaseYear: Located<PriceYear>? = nil, conventions: Conventions, priceIndex: PriceIndex? = nil,
        optimismBias: OptimismBiasTable? = nil, stakeholders: [Stakeholder], inputs: [Input], outcomes: [Outcome]
    ) {
        self.title = title
        self.organisation = organisation
        self.summary = summary
        self.illustrativeNote = illustrativeNote
        self.analysisYears = analysisYears
        self.firstCalendarYear = firstCalendarYear
        self.reportCurrency = reportCurrency
        self.priceBaseYear = priceBaseYear
        self.conventions = conventions
        self.priceIndex = priceIndex
        self.optimismBias = optimismBias
        self.stakeholders = stakeholders
        self.inputs = inputs
        self.outcomes = outcomes
    }
}

/// What a report says beyond the figures: who wrote it, when, and its chapters.
public struct ReportSettings: Sendable {
    public var author: String?
    /// The report's date as written (`2026-11-20`): declared, so the same inputs give the same report.
    public var date: String?
    /// The chapters, in the order printed.
    public var chapters: [Chapter] = []
    /// A second currency the report shows money in, at a declared conversion.
    public var secondCurrency: Located<Currency>?
    /// Who among the stakeholders was engaged, how many, how and when: the record the
    /// principle "Involve stakeholders" is judged on.
    public var engagement: [Engagement] = []
    /// What was judged material, outcome by outcome, and why.
    public var materiality: [MaterialityDecision] = []
    /// An independent check of the analysis, when there was one.
    public var assurance: Assurance?
    /// Counts of records (people, as a rule) below this are flagged wherever the report shows
    /// them: a count so small can identify the people behind it.
    public var smallNumberThreshold = 5

    public init() {}
}

/// Stakeholders of one group engaged in the analysis.
public struct Engagement: Sendable {
    /// The stakeholder's id.
    public var stakeholder: Located<String>
    /// How many people took part.
    public var people: Int
    /// How they were engaged: "semi-structured interviews", "a survey".
    public var method: String
    /// When, as written: a date or a period.
    public var when: String

    public init(stakeholder: Located<String>, people: Int, method: String, when: String) {
        self.stakeholder = stakeholder
        self.people = people
        self.method = method
        self.when = when
    }
}

/// A decision on whether an outcome is material: included outcomes are valued in `outcomes`,
/// excluded ones are named with the reason they were left out.
public struct MaterialityDecision: Sendable {
    /// The outcome's id when included; its name when excluded.
    public var outcome: Located<String>
    public var included: Bool
    public var reason: String

    public init(outcome: Located<String>, included: Bool, reason: String) {
        self.outcome = outcome
        self.included = included
        self.reason = reason
    }
}

/// Who checked the analysis independently, when, and what they concluded.
public struct Assurance: Sendable {
    public var by: String
    public var date: String
    public var statement: String

    public init(by: String, date: String, statement: String) {
        self.by = by
        self.date = date
        self.statement = statement
    }
}

/// One chapter of a report, in Markdown.
public struct Chapter: Sendable {
    /// The SROI Guide's parts of a report, in the order they are printed.
    public enum Kind: String, Sendable, CaseIterable {
        case scope
        case stakeholders
        case materiality
        case evidence
        case limitations

        public var title: String {
            switch self {
            case .scope: return "Scope and activities"
            case .stakeholders: return "Stakeholders and how they were engaged"
            case .materiality: return "Materiality: what was left out and why"
            case .evidence: return "Evidence and verification"
            case .limitations: return "Limitations"
            }
        }
    }

    public var kind: Kind
    public var markdown: String
    /// The file it was read from, when not written in the scenario.
    public var file: String?

    public init(kind: Kind, markdown: String, file: String? = nil) {
        self.kind = kind
        self.markdown = markdown
        self.file = file
    }
}

/// A model a scenario uses that its user must supply, and that was not found.
public struct MissingModel: Sendable, Equatable {
    public var id: String
    /// Where the file was looked for.
    public var path: String
    /// Where to obtain it and on what terms, as the scenario says.
    public var note: String
    public var location: SourceLocation?

    public init(id: String, path: String, note: String, location: SourceLocation?) {
        self.id = id
        self.path = path
        self.note = note
        self.location = location
    }

    /// What to tell a user who references `entry` of this model.
    public func explanation(entry: String) -> String {
        "needs entry '\(entry)' of model '\(id)', which you supply (\(note)); it was not found at \(path)"
    }
}

/// The declared practices that change the arithmetic. None is guessed by the engine.
public struct Conventions: Sendable {
    public var discountFrom: Located<DiscountFrom>
    public var discounting: DiscountSchedule
    /// Whether inputs of later years are discounted with the same factors as outcomes.
    public var discountInputs: Located<Bool>
    /// The range of a single discount rate, for sensitivity analysis and simulation.
    public var rateUncertainty: Uncertainty?
    /// Optimism bias on costs, as the Green Book applies it: inputs and business-case costs
    /// raised by this share.
    public var costOptimismBias: Assumption<Double>?

    public init(discountFrom: Located<DiscountFrom>, discounting: DiscountSchedule, discountInputs: Located<Bool>) {
        self.discountFrom = discountFrom
        self.discounting = discounting
        self.discountInputs = discountInputs
    }
}

/// Where discounting starts (SROI-METHOD, step 6).
public enum DiscountFrom: String, Sendable, CaseIterable {
    /// `F_t = Π_{j=1..t} 1/(1+r_j)`: the Guide's and Excel NPV's practice.
    case year1
    /// `F_t = Π_{j=1..t−1} 1/(1+r_j)`: year 1 undiscounted, as the Green Book numbers years from 0.
    case year0
    /// `F_t = Π_{j=1..t−1} 1/(1+r_j) × (1+r_t)^−½`: each year's value arrives half-way through it.
    case midYear = "mid_year"
}

/// Someone who experiences an outcome or bears an input.
public struct Stakeholder: Sendable {
    public var id: String
    public var name: String?
    public var summary: String?
    public var location: SourceLocation?

    public init(id: String, name: String? = nil, summary: String? = nil, location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.summary = summary
        self.location = location
    }
}

/// A resource invested: money, or time given in kind and valued in money.
public struct Input: Sendable {
    public enum Valuation: Sendable {
        /// A money amount in ``currency``.
        case money(StatedValue)
        /// Hours given, valued at a rate per hour.
        case inKindTime(hours: StatedValue, ratePerHour: StatedValue)
    }

    public var id: String
    public var stakeholder: Located<String>?
    public var summary: String?
    public var valuation: Valuation
    public var currency: Located<Currency>
    /// The analysis year the input is made in, from 1.
    public var year: Located<Int>
    public var location: SourceLocation?

    public init(
        id: String, stakeholder: Located<String>? = nil, summary: String? = nil, valuation: Valuation,
        currency: Located<Currency>, year: Located<Int>, location: SourceLocation? = nil
    ) {
        self.id = id
        self.stakeholder = stakeholder
        self.summary = summary
        self.valuation = valuation
        self.currency = currency
        self.year = year
        self.location = location
    }
}

/// The kind of value an outcome creates, for the breakdown funders ask for.
public enum ValueType: String, Sendable, CaseIterable {
    case fiscalCashable = "fiscal_cashable"
    case fiscalNonCashable = "fiscal_non_cashable"
    case economic
    case social

    /// Whether the value falls to a public body's budget: the business case's cash view.
    public var isFiscal: Bool { self == .fiscalCashable || self == .fiscalNonCashable }

    /// The name people read in reports and workbooks.
    public var title: String {
        switch self {
        case .fiscalCashable: return "Fiscal, cashable"
        case .fiscalNonCashable: return "Fiscal, non-cashable"
        case .economic: return "Economic"
        case .social: return "Social and wellbeing"
        }
    }
}

/// A share that may differ by year: one share for every year, or a list of shares by year.
///
/// A deduction (deadweight, displacement, attribution) lists one share per year of the
/// outcome's benefit period; drop-off lists one per year after the first, entry `j` being the
/// decline from the outcome's year `j` to year `j + 1` (SROI-METHOD step 5).
public enum YearlyShares: Sendable, Equatable {
    case constant(Double)
    case byYear([Double])

    /// The share that applies in year `k` (from 0) of the outcome.
    public func share(inOutcomeYear k: Int) -> Double {
        switch self {
        case .constant(let share): return share
        case .byYear(let shares): return shares[k]
        }
    }

    public var isByYear: Bool {
        if case .byYear = self { return true }
        return false
    }

    /// The one share for every year, or `nil` for a list by year.
    public var constant: Double? {
        if case .constant(let share) = self { return share }
        return nil
    }

    public var shares: [Double] {
        switch self {
        case .constant(let share): return [share]
        case .byYear(let shares): return shares
        }
    }
}

/// The three deductions of SROI-METHOD step 3, in the order they are applied.
public enum DeductionKind: String, Sendable, CaseIterable {
    case deadweight
    case displacement
    case attribution

    /// The name with a capital, for labels.
    public var title: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// A change experienced by a stakeholder, measured by an indicator and valued by a proxy.
public struct Outcome: Sendable {
    public var id: String
    public var stakeholder: Located<String>
    public var summary: String?
    public var indicator: String?
    /// How many units experience the outcome: given, a formula, or read from records.
    public var quantity: StatedValue
    /// What is counted (person, hour, shift); must match the proxy's unit when both are given.
    public var quantityUnit: Located<String>?
    public var proxy: FinancialProxy
    public var deadweight: Assumption<YearlyShares>?
    public var displacement: Assumption<YearlyShares>?
    public var attribution: Assumption<YearlyShares>?
    /// The yearly decline after the first year: one share, or one per year after the first.
    public var dropOff: Assumption<YearlyShares>?
    /// Benefit period in whole years.
    public var duration: Located<Int>
    /// The analysis year the outcome starts in, from 1.
    public var startYear: Located<Int>
    public var valueType: Located<ValueType>
    /// Evidence confidence grade, looked up in the optimism-bias table when one is declared.
    public var confidence: Located<String>?
    public var location: SourceLocation?
    /// The range of whole years the benefit period may take.
    public var durationUncertainty: Uncertainty?

    public init(
        id: String, stakeholder: Located<String>, summary: String? = nil, indicator: String? = nil,
        quantity: StatedValue, quantityUnit: Located<String>? = nil, proxy: FinancialProxy,
        deadweight: Assumption<YearlyShares>? = nil, displacement: Assumption<YearlyShares>? = nil,
        attribution: Assumption<YearlyShares>? = nil, dropOff: Assumption<YearlyShares>? = nil,
        duration: Located<Int>, startYear: Located<Int> = Located(1), valueType: Located<ValueType>,
        confidence: Located<String>? = nil, location: SourceLocation? = nil
    ) {
        self.id = id
        self.stakeholder = stakeholder
        self.summary = summary
        self.indicator = indicator
        self.quantity = quantity
        self.quantityUnit = quantityUnit
        self.proxy = proxy
        self.deadweight = deadweight
        self.displacement = displacement
        self.attribution = attribution
        self.dropOff = dropOff
        self.duration = duration
        self.startYear = startYear
        self.valueType = valueType
        self.confidence = confidence
        self.location = location
    }

    /// The id as declared in the scenario: a cohort `jobs@year3` of a quantity read by year
    /// shares the assumptions of `jobs`.
    public var declaredID: String { OutcomeID(parsing: id).declared }

    public func deduction(_ kind: DeductionKind) -> Assumption<YearlyShares>? {
        switch kind {
        case .deadweight: return deadweight
        case .displacement: return displacement
        case .attribution: return attribution
        }
    }
}
