/// How uncertain an assumption is: the range it may lie in, and how it is distributed there.
///
/// The range drives one-at-a-time sensitivity and the search for switching values; the
/// distribution drives Monte Carlo simulation.
public struct Uncertainty: Sendable, Equatable {
    public enum Distribution: Sendable, Equatable {
        /// Every value of the range equally likely.
        case uniform
        /// Triangular: from `low` to `high`, most likely at the assumption's value.
        case triangular
        /// Beta-PERT: from `low` to `high`, most likely at the assumption's value, with the
        /// usual weight 4 on the mode.
        case pert
        /// Normal around the assumption's value with this standard deviation, truncated to the
        /// range when one is given and always to the values the assumption may take.
        case normal(standardDeviation: Double)

        public var name: String {
            switch self {
            case .uniform: return "uniform"
            case .triangular: return "triangular"
            case .pert: return "pert"
            case .normal: return "normal"
            }
        }
    }

    public var low: Double?
    public var high: Double?
    public var distribution: Distribution?
    public var location: SourceLocation?

    public init(
        low: Double? = nil, high: Double? = nil, distribution: Distribution? = nil, location: SourceLocation? = nil
    ) {
        self.low = low
        self.high = high
        self.distribution = distribution
        self.location = location
    }

    public var hasRange: Bool { low != nil && high != nil }
}

/// An assumption of a scenario that sensitivity analysis and simulation may vary.
public struct UncertainParameter: Sendable, Equatable {
    public enum Kind: Sendable, Equatable, Hashable {
        case quantity(outcome: String)
        case proxy(outcome: String)
        case deduction(outcome: String, DeductionKind)
        case dropOff(outcome: String)
        case duration(outcome: String)
        case discountRate
        /// A named value given as a number: the scenario's own, or a model entry it uses.
        case value(name: String)
    }

    public var kind: Kind
    /// The value in the scenario.
    public var base: Double
    public var uncertainty: Uncertainty

    /// The field as scenario files name it, e.g. `outcomes[jobs].deadweight`.
    public var name: String {
        switch kind {
        case .quantity(let outcome): return "outcomes[\(outcome)].quantity"
        case .proxy(let outcome): return "outcomes[\(outcome)].proxy"
        case .deduction(let outcome, let deduction): return "outcomes[\(outcome)].\(deduction.rawValue)"
        case .dropOff(let outcome): return "outcomes[\(outcome)].drop_off"
        case .duration(let outcome): return "outcomes[\(outcome)].duration"
        case .discountRate: return "conventions.discount_rate"
        case .value(let name): return "values.\(name)"
        }
    }

    /// The values the assumption may take whatever its range: shares 0…1, quantities ≥ 0.
    public var domain: ClosedRange<Double> {
        switch kind {
        case .quantity, .discountRate: return 0...Double.greatestFiniteMagnitude
        case .proxy, .value: return -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        case .deduction, .dropOff: return 0...1
        case .duration: return 1...Double.greatestFiniteMagnitude
        }
    }

    /// Whether the SROI ratio is a straight line in this assumption, so that the value at which
    /// it reaches a target can be solved exactly.
    public var ratioIsLinear: Bool {
        switch kind {
        case .quantity, .proxy, .deduction: return true
        // A named value may enter formulas in any way, so its switching value is bisected.
        case .dropOff, .duration, .discountRate, .value: return false
        }
    }

    /// Whether the assumption is a share (a deduction, drop-off or rate), shown as a percentage.
    public var isShare: Bool {
        switch kind {
        case .deduction, .dropOff, .discountRate: return true
        case .quantity, .proxy, .duration, .value: return false
        }
    }

    public var isWholeNumber: Bool {
        if case .duration = kind { return true }
        return false
    }
}

/// Settings of the sensitivity analysis declared in a scenario.
public struct SensitivitySettings: Sendable, Equatable {
    /// The SROI ratio whose switching values are sought; 1 by default (value equals investment).
    public var targetRatio: Double
    /// How close, relative to the range's width, bisection brings a switching value.
    public var tolerance: Double

    public init(targetRatio: Double = 1, tolerance: Double = 1e-10) {
        self.targetRatio = targetRatio
        self.tolerance = tolerance
    }
}

extension Scenario {
    /// Every assumption that declares a range or a distribution, in file order; the cohorts of a
    /// quantity read by year share one assumption each.
    public var uncertainParameters: [UncertainParameter] {
        var parameters: [UncertainParameter] = []
        var seen: Set<UncertainParameter.Kind> = []
        func append(_ parameter: UncertainParameter) {
            if seen.insert(parameter.kind).inserted { parameters.append(parameter) }
        }
        if let uncertainty = conventions.rateUncertainty, conventions.discounting.bands.count == 1 {
            parameters.append(
                UncertainParameter(
                    kind: .discountRate, base: conventions.discounting.bands[0].rate, uncertainty: uncertainty))
        }
        for outcome in outcomes {
            let id = outcome.declaredID
            if let uncertainty = outcome.quantity.uncertainty, let base = outcome.quantity.givenValue {
                append(UncertainParameter(kind: .quantity(outcome: id), base: base, uncertainty: uncertainty))
            }
            if let uncertainty = outcome.proxy.amount.uncertainty, let base = outcome.proxy.amount.givenValue {
                append(UncertainParameter(kind: .proxy(outcome: id), base: base, uncertainty: uncertainty))
            }
            for kind in DeductionKind.allCases {
                if let deduction = outcome.deduction(kind), let uncertainty = deduction.uncertainty,
                    case .constant(let share) = deduction.value
                {
                    append(
                        UncertainParameter(kind: .deduction(outcome: id, kind), base: share, uncertainty: uncertainty))
                }
            }
            if let dropOff = outcome.dropOff, let uncertainty = dropOff.uncertainty, let share = dropOff.value.constant
            {
                append(UncertainParameter(kind: .dropOff(outcome: id), base: share, uncertainty: uncertainty))
            }
            if let uncertainty = outcome.durationUncertainty {
                append(
                    UncertainParameter(
                        kind: .duration(outcome: id), base: Double(outcome.duration.value), uncertainty: uncertainty))
            }
        }
        // Named values: the scenario's own (and its replacements of model entries), then the
        // models' own, by name; a model entry the scenario replaces is the scenario's.
        let replaced = Set(values.map(\.name))
        let models = modelValues.values.filter { !replaced.contains($0.name) }.sorted { $0.name < $1.name }
        for value in values + models {
            if let uncertainty = value.uncertainty, case .given(let base) = value.definition {
                append(UncertainParameter(kind: .value(name: value.name), base: base, uncertainty: uncertainty))
            }
        }
        return parameters
    }

    /// The scenario with one assumption set to another value.
    public func setting(_ kind: UncertainParameter.Kind, to value: Double) -> Scenario {
        var changed = self
        func update(_ id: String, _ body: (inout Outcome) -> Void) {
            for index in changed.outcomes.indices where changed.outcomes[index].declaredID == id {
                body(&changed.outcomes[index])
            }
        }
        switch kind {
        case .discountRate: changed.conventions.discounting.bands[0].rate = value
        case .quantity(let id): update(id) { $0.quantity.definition = .given(value) }
        case .proxy(let id): update(id) { $0.proxy.amount.definition = .given(value) }
        case .deduction(let id, .deadweight): update(id) { $0.deadweight?.value = .constant(value) }
        case .deduction(let id, .displacement): update(id) { $0.displacement?.value = .constant(value) }
        case .deduction(let id, .attribution): update(id) { $0.attribution?.value = .constant(value) }
        case .dropOff(let id): update(id) { $0.dropOff?.value = .constant(value) }
        case .duration(let id): update(id) { $0.duration.value = Int(value.rounded()) }
        case .value(let name):
            if let index = changed.values.firstIndex(where: { $0.name == name }) {
                changed.values[index].definition = .given(value)
            } else {
                changed.modelValues[name]?.definition = .given(value)
            }
        }
        return changed
    }
}
