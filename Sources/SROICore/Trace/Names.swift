/// The id of an outcome in results and the trace: its declared id, and for a quantity read by
/// year, the cohort of one analysis year (`jobs@year3`). One printer and one parser.
public struct OutcomeID: Hashable, Sendable, CustomStringConvertible {
    /// The id as declared in the scenario: cohorts share its assumptions.
    public var declared: String
    /// The analysis year whose records form this cohort.
    public var cohortYear: Int?

    public init(_ declared: String, cohortYear: Int? = nil) {
        self.declared = declared
        self.cohortYear = cohortYear
    }

    /// Reads `jobs` or `jobs@year3`.
    public init(parsing text: String) {
        if let at = text.lastIndex(of: "@"), text[text.index(after: at)...].hasPrefix("year"),
            let year = Int(text[text.index(at, offsetBy: 5)...]), year >= 1
        {
            self.init(String(text[..<at]), cohortYear: year)
        } else {
            self.init(text)
        }
    }

    public var description: String { cohortYear.map { "\(declared)@year\($0)" } ?? declared }
}

/// The named steps of SROI-METHOD that produce the figures of a trace.
public enum Step: String, Sendable, CaseIterable {
    case input
    case inKindValuation = "in_kind_valuation"
    case currencyConversion = "currency_conversion"
    case totalInputs = "total_inputs"
    case quantity
    case financialProxy = "financial_proxy"
    case value
    case formula
    case priceIndex = "price_index"
    case priceBaseUplift = "price_base_uplift"
    case grossValue = "gross_value"
    case deadweight
    case displacement
    case attribution
    case optimismBias = "optimism_bias"
    case impact
    case valueInYear = "value_in_year"
    case dropOff = "drop_off"
    case duration
    case discountRate = "discount_rate"
    case discounting
    case presentValue = "present_value"
    case totalPresentValue = "total_present_value"
    case totalByStakeholder = "total_by_stakeholder"
    case totalByValueType = "total_by_value_type"
    case totalByYear = "total_by_year"
    case netPresentValue = "net_present_value"
    case sroiRatio = "sroi_ratio"
    case netSROIRatio = "net_sroi_ratio"
    case payback
    case inflation

    /// The step as people name it.
    public var title: String {
        switch self {
        case .input: return "Input"
        case .inKindValuation: return "In-kind valuation"
        case .currencyConversion: return "Currency conversion"
        case .totalInputs: return "Total inputs"
        case .quantity: return "Quantity"
        case .financialProxy: return "Financial proxy"
        case .value: return "Named value"
        case .formula: return "Formula"
        case .priceIndex: return "Price index"
        case .priceBaseUplift: return "Price-base uplift"
        case .inflation: return "Inflation"
        case .grossValue: return "Gross value"
        case .deadweight: return "Deadweight"
        case .displacement: return "Displacement"
        case .attribution: return "Attribution"
        case .optimismBias: return "Optimism bias"
        case .impact: return "Impact"
        case .valueInYear: return "Value in year"
        case .dropOff: return "Drop-off"
        case .duration: return "Duration"
        case .discountRate: return "Discount rate"
        case .discounting: return "Discounting"
        case .presentValue: return "Present value"
        case .totalPresentValue: return "Total present value"
        case .totalByStakeholder: return "Total by stakeholder"
        case .totalByValueType: return "Total by value type"
        case .totalByYear: return "Total by year"
        case .netPresentValue: return "Net present value"
        case .sroiRatio: return "SROI ratio"
        case .netSROIRatio: return "Net SROI ratio"
        case .payback: return "Payback"
        }
    }
}

extension DeductionKind {
    /// The step that applies this deduction.
    public var step: Step {
        switch self {
        case .deadweight: return .deadweight
        case .displacement: return .displacement
        case .attribution: return .attribution
        }
    }
}

/// A figure of one outcome, as it is named after `outcome.<id>.` in the trace.
public enum OutcomeFigure: Hashable, Sendable, CustomStringConvertible {
    case quantity, proxy, proxyInBasePrices, grossValue, impactYear1, presentValue, dropOff, optimismBias, duration
    case proxyIn(Currency)
    /// A share: `deadweight`, or `deadweight.outcome_year2` for a share listed by year.
    case share(DeductionKind, outcomeYear: Int?)
    /// A drop-off listed by year: `drop_off.outcome_year1` is the decline from year 1 of the
    /// outcome to year 2.
    case dropOffFrom(outcomeYear: Int)
    /// The share of the first year's outcome still there in year `k` of the outcome, after the
    /// declines listed by year: `retained.outcome_year3`.
    case retained(outcomeYear: Int)
    /// What is left after a deduction: `after_deadweight`, or `year3.after_deadweight` by year.
    case after(DeductionKind, analysisYear: Int?)
    case afterOptimismBias(analysisYear: Int?)
    case value(year: Int)
    case presentValueInYear(Int)
    case presentValueCounted(year: Int)

    /// Reads what follows `outcome.<id>.` in a trace id; `nil` for anything that is not one.
    public init?(parsing text: String) {
        func year(_ part: Substring, prefix: String) -> Int? {
            guard part.hasPrefix(prefix), let year = Int(part.dropFirst(prefix.count)), year >= 1 else { return nil }
            return year
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let simple: [String: OutcomeFigure] = [
            "quantity": .quantity, "proxy": .proxy, "proxy_in_base_prices": .proxyInBasePrices,
            "gross_value": .grossValue, "impact_year1": .impactYear1, "present_value": .presentValue,
            "drop_off": .dropOff, "optimism_bias": .optimismBias, "duration": .duration,
        ]
        func deduction(_ part: Substring) -> DeductionKind? { DeductionKind(rawValue: String(part)) }
        func after(_ part: Substring) -> DeductionKind? {
            part.hasPrefix("after_") ? DeductionKind(rawValue: String(part.dropFirst(6))) : nil
        }
        switch parts.count {
        case 1:
            let part = parts[0]
            if let figure = simple[String(part)] {
                self = figure
            } else if part.hasPrefix("proxy_in_"), let currency = Currency(code: String(part.dropFirst(9))) {
                self = .proxyIn(currency)
            } else if let kind = deduction(part) {
                self = .share(kind, outcomeYear: nil)
            } else if let kind = after(part) {
                self = .after(kind, analysisYear: nil)
            } else if part == "after_optimism_bias" {
                self = .afterOptimismBias(analysisYear: nil)
            } else {
                return nil
            }
        case 2:
            if let kind = deduction(parts[0]), let k = year(parts[1], prefix: "outcome_year") {
                self = .share(kind, outcomeYear: k)
            } else if parts[0] == "drop_off", let k = year(parts[1], prefix: "outcome_year") {
                self = .dropOffFrom(outcomeYear: k)
            } else if parts[0] == "retained", let k = year(parts[1], prefix: "outcome_year") {
                self = .retained(outcomeYear: k)
            } else if let t = year(parts[0], prefix: "year"), let kind = after(parts[1]) {
                self = .after(kind, analysisYear: t)
            } else if let t = year(parts[0], prefix: "year"), parts[1] == "after_optimism_bias" {
                self = .afterOptimismBias(analysisYear: t)
            } else if parts[0] == "value", let t = year(parts[1], prefix: "year") {
                self = .value(year: t)
            } else if parts[0] == "present_value", let t = year(parts[1], prefix: "year") {
                self = .presentValueInYear(t)
            } else {
                return nil
            }
        case 3:
            guard parts[0] == "present_value", parts[1] == "counted", let t = year(parts[2], prefix: "year") else {
                return nil
            }
            self = .presentValueCounted(year: t)
        default: return nil
        }
    }

    public var description: String {
        func yearly(_ year: Int?, _ text: String) -> String { year.map { "year\($0).\(text)" } ?? text }
        switch self {
        case .quantity: return "quantity"
        case .proxy: return "proxy"
        case .proxyInBasePrices: return "proxy_in_base_prices"
        case .proxyIn(let currency): return "proxy_in_\(currency.code)"
        case .grossValue: return "gross_value"
        case .impactYear1: return "impact_year1"
        case .presentValue: return "present_value"
        case .dropOff: return "drop_off"
        case .optimismBias: return "optimism_bias"
        case .duration: return "duration"
        case .share(let kind, let year): return kind.rawValue + (year.map { ".outcome_year\($0)" } ?? "")
        case .dropOffFrom(let year): return "drop_off.outcome_year\(year)"
        case .retained(let year): return "retained.outcome_year\(year)"
        case .after(let kind, let year): return yearly(year, "after_\(kind.rawValue)")
        case .afterOptimismBias(let year): return yearly(year, "after_optimism_bias")
        case .value(let year): return "value.year\(year)"
        case .presentValueInYear(let year): return "present_value.year\(year)"
        case .presentValueCounted(let year): return "present_value.counted.year\(year)"
        }
    }
}
