/// Evaluates a scenario by the chain of SROI-METHOD, recording every figure in a ``Trace``.
///
/// Every computed value is produced by the trace's own ``Arithmetic`` from the values of its
/// input nodes, so the trace is consistent by construction and any figure can be recomputed
/// from it exactly.
public struct Evaluator: Sendable {
    public init() {}

    /// Validates, then evaluates. Throws ``ValidationFailure`` listing every problem if the
    /// scenario has errors; nothing is calculated in that case.
    public func evaluate(_ scenario: Scenario) throws(ValidationFailure) -> Evaluation {
        let warnings = try ScenarioValidator().validate(scenario)
        var run = Run(scenario: scenario)
        let results = run.evaluate()
        return Evaluation(results: results, trace: run.trace, warnings: warnings)
    }
}

/// Node ids of the headline figures, as used by `results.json` and `sroi explain`.
public enum FigureID {
    public static let totalPresentValue = "total_present_value"
    public static let totalInputs = "total_inputs"
    public static let netPresentValue = "net_present_value"
    public static let sroiRatio = "sroi_ratio"
    public static let netSROIRatio = "net_sroi_ratio"
    public static let paybackMonths = "payback_months"
    public static let paybackYearOneImpact = "payback.year_one_impact"
    public static func stakeholder(_ id: String) -> String { "by_stakeholder.\(id)" }
    public static func valueType(_ type: ValueType) -> String { "by_value_type.\(type.rawValue)" }
    public static func year(_ t: Int) -> String { "by_year.year\(t)" }
    public static func outcome(_ id: String) -> String { "outcome.\(id)" }
    public static func input(_ id: String) -> String { "input.\(id)" }
    public static func discountFactor(_ t: Int) -> String { "discount.factor.year\(t)" }
}

private struct Run {
    let scenario: Scenario
    var trace = Trace()
    let money: String
    /// Discount factor node id by analysis year.
    var factors: [Int: String] = [:]

    init(scenario: Scenario) {
        self.scenario = scenario
        self.money = scenario.reportCurrency.value.code
    }

    // MARK: Recording

    @discardableResult
    mutating func given(
        _ id: String, _ symbol: String, _ label: String, step: String, value: Double, unit: String,
        origin: Origin, rationale: String? = nil, source: Citation? = nil
    ) -> String {
        trace.append(
            TraceNode(
                id: id, symbol: symbol, label: label, step: step, arithmetic: .given, value: .number(value), unit: unit,
                inputs: [], origin: origin, rationale: rationale, source: source, convention: nil))
        return id
    }

    @discardableResult
    mutating func computed(
        _ id: String, _ symbol: String, _ label: String, step: String, _ arithmetic: Arithmetic, _ inputs: [String],
        unit: String, convention: String? = nil, undefinedReason: String? = nil
    ) -> String {
        let values = inputs.map { trace[$0]!.value }
        var value: FigureValue
        let numbers = values.compactMap(\.number)
        if numbers.count == values.count {
            value = arithmetic.apply(numbers) ?? .undefined(reason: "the step's arithmetic does not fit its inputs")
        } else {
            let undefined = zip(inputs, values).first { $0.1.number == nil }!.0
            value = .undefined(reason: "depends on \(undefined), which is undefined")
        }
        if case .undefined = value, let undefinedReason { value = .undefined(reason: undefinedReason) }
        trace.append(
            TraceNode(
                id: id, symbol: symbol, label: label, step: step, arithmetic: arithmetic, value: value, unit: unit,
                inputs: inputs, origin: nil, rationale: nil, source: nil, convention: convention))
        return id
    }

    func figure(_ id: String) -> Figure {
        let node = trace[id]!
        return Figure(node: id, value: node.value, unit: node.unit)
    }

    /// A value from a model points at its own line in the model file; otherwise at the scenario.
    static func origin(model: ModelEntryOrigin?, at location: SourceLocation?) -> Origin {
        guard var entry = model else { return .written(location) }
        if let location { entry.location = location }
        return .model(entry)
    }

    // MARK: The chain

    mutating func evaluate() -> Results {
        let years = scenario.analysisYears.value
        recordDiscountFactors(through: years)
        let inputs = scenario.inputs.map { recordInput($0) }
        let totalInputs = computed(
            FigureID.totalInputs, "Inputs", "Total inputs", step: "total_inputs", .sum, inputs.map(\.counted.node),
            unit: money,
            convention: scenario.conventions.discountInputs.value ? "discount_inputs: true" : "discount_inputs: false")
        let outcomes = scenario.outcomes.map { recordOutcome($0) }

        let total = computed(
            FigureID.totalPresentValue, "PV_total", "Total present value", step: "total_present_value", .sum,
            outcomes.map(\.presentValue.node), unit: money)
        let byStakeholder = scenario.stakeholders.map { stakeholder in
            let members = outcomes.filter { $0.stakeholder == stakeholder.id }.map(\.presentValue.node)
            let id = computed(
                FigureID.stakeholder(stakeholder.id), "PV_\(stakeholder.id)",
                "Present value for \(stakeholder.name ?? stakeholder.id)",
                step: "total_by_stakeholder", .sum, members, unit: money)
            return (stakeholder: stakeholder.id, figure: figure(id))
        }
        let byValueType = ValueType.allCases.compactMap { type -> (valueType: ValueType, figure: Figure)? in
            let members = outcomes.filter { $0.valueType == type }.map(\.presentValue.node)
            guard !members.isEmpty else { return nil }
            let id = computed(
                FigureID.valueType(type), "PV_\(type.rawValue)", "Present value of \(type.rawValue) value",
                step: "total_by_value_type", .sum, members, unit: money)
            return (valueType: type, figure: figure(id))
        }
        let byYear = (1...years).map { t in
            let members = outcomes.compactMap { outcome in
                outcome.yearNodes.first { $0.year == t }?.presentValue
            }
            let id = computed(
                FigureID.year(t), "PV_y\(t)", "Present value arising in analysis year \(t)", step: "total_by_year",
                .sum, members, unit: money)
            return (year: t, figure: figure(id))
        }
        let npv = computed(
            FigureID.netPresentValue, "NPV", "Net present value", step: "net_present_value", .difference,
            [total, totalInputs], unit: money)
        let noInputs = "total inputs are 0, so the ratio is undefined"
        computed(
            FigureID.sroiRatio, "SROI", "SROI ratio", step: "sroi_ratio", .quotient, [total, totalInputs],
            unit: "\(money)/\(money)", undefinedReason: noInputs)
        computed(
            FigureID.netSROIRatio, "SROI_net", "Net SROI ratio", step: "net_sroi_ratio", .quotient, [npv, totalInputs],
            unit: "\(money)/\(money)", undefinedReason: noInputs)
        let yearOne = computed(
            FigureID.paybackYearOneImpact, "I_1", "Year-one impact of outcomes starting in year 1",
            step: "payback", .sum, outcomes.filter { $0.startYear == 1 }.map(\.impactYear1.node), unit: money)
        computed(
            FigureID.paybackMonths, "Payback", "Payback period", step: "payback", .monthsToRecover,
            [totalInputs, yearOne], unit: "month")

        return Results(
            currency: scenario.reportCurrency.value, totalPresentValue: figure(total), totalInputs: figure(totalInputs),
            netPresentValue: figure(npv), sroiRatio: figure(FigureID.sroiRatio),
            netSROIRatio: figure(FigureID.netSROIRatio), paybackMonths: figure(FigureID.paybackMonths),
            byStakeholder: byStakeholder, byValueType: byValueType, byYear: byYear,
            outcomes: outcomes.map(\.result), inputs: inputs)
    }

    /// Discount factors `F_t` for analysis years 1…years, under the declared convention.
    mutating func recordDiscountFactors(through years: Int) {
        let schedule = scenario.conventions.discounting
        let convention = scenario.conventions.discountFrom.value
        let conventionText = "discount_from: \(convention.rawValue)"
        let scheduleOrigin: (DiscountSchedule.Band) -> Origin = { band in
            Self.origin(model: schedule.model, at: band.location)
        }
        func rate(_ j: Int) -> String {
            let id = "discount.rate.step\(j)"
            if trace[id] != nil { return id }
            let band = schedule.band(forStep: j)
            let name = schedule.name.map { " (\($0), band from step \(band.fromYear))" } ?? ""
            return given(
                id, "r_\(j)", "Discount rate of step \(j)\(name)", step: "discount_rate",
                value: band.rate, unit: "per year", origin: scheduleOrigin(band))
        }
        let present = given(
            "discount.present", "F_0", "Factor at the present (nothing discounted)", step: "discounting", value: 1,
            unit: "factor", origin: .methodDefault("the present is not discounted"))
        // `end` is the factor at the end of year t under the year1 convention, A_t = A_{t−1}/(1+r_t).
        var end = present
        for t in 1...max(years, 1) {
            let id = FigureID.discountFactor(t)
            let label = "Discount factor for analysis year \(t)"
            switch convention {
            case .year1:
                end = computed(
                    id, "F_\(t)", label, step: "discounting", .discountStep, [end, rate(t)], unit: "factor",
                    convention: conventionText)
            case .year0:
                if t == 1 {
                    end = computed(
                        id, "F_1", label, step: "discounting", .copy, [present], unit: "factor",
                        convention: conventionText)
                } else {
                    end = computed(
                        id, "F_\(t)", label, step: "discounting", .discountStep, [end, rate(t - 1)], unit: "factor",
                        convention: conventionText)
                }
            case .midYear:
                computed(
                    id, "F_\(t)", label, step: "discounting", .halfDiscountStep, [end, rate(t)], unit: "factor",
                    convention: conventionText)
                if t < years {
                    end = computed(
                        "discount.year_end_factor.year\(t)", "A_\(t)", "Factor at the end of analysis year \(t)",
                        step: "discounting", .discountStep, [end, rate(t)], unit: "factor", convention: conventionText)
                }
            }
            factors[t] = id
        }
    }

    mutating func recordInput(_ input: Input) -> InputResult {
        let base = FigureID.input(input.id)
        let amount: String
        switch input.valuation {
        case .money(let value):
            amount = given(
                "\(base).amount", "In_\(input.id)", "Input: \(input.summary ?? input.id)", step: "input",
                value: value.value, unit: money, origin: .written(value.location), rationale: value.rationale,
                source: value.source)
        case .inKindTime(let hours, let rate):
            let h = given(
                "\(base).hours", "H_\(input.id)", "Hours given in kind: \(input.summary ?? input.id)", step: "input",
                value: hours.value, unit: "hour", origin: .written(hours.location), rationale: hours.rationale,
                source: hours.source)
            let r = given(
                "\(base).rate_per_hour", "w_\(input.id)", "Value of an hour given in kind", step: "input",
                value: rate.value, unit: "\(money)/hour", origin: .written(rate.location), rationale: rate.rationale,
                source: rate.source)
            amount = computed(
                "\(base).amount", "In_\(input.id)", "In-kind time valued in money: \(input.summary ?? input.id)",
                step: "in_kind_valuation", .product, [h, r], unit: money)
        }
        var counted = amount
        if input.currency.value != scenario.reportCurrency.value,
            let conversion = scenario.conversion(from: input.currency.value, to: scenario.reportCurrency.value)
        {
            trace.relabel(amount, unit: input.currency.value.code)
            counted = computed(
                "\(base).amount_in_\(money)", "In_\(input.id)_\(money)",
                "Input \(input.id) converted from \(input.currency.value.code) to \(money)",
                step: "currency_conversion",
                .product, [amount, conversionNode(conversion)], unit: money)
        }
        if scenario.conventions.discountInputs.value, let factor = factors[input.year.value] {
            counted = computed(
                "\(base).present_value", "PV_In_\(input.id)", "Input \(input.id) discounted to the present",
                step: "discounting", .product, [counted, factor], unit: money, convention: "discount_inputs: true")
        }
        return InputResult(id: input.id, year: input.year.value, amount: figure(amount), counted: figure(counted))
    }

    struct RecordedOutcome {
        var stakeholder: String
        var valueType: ValueType
        var startYear: Int
        var impactYear1: Figure
        var presentValue: Figure
        var yearNodes: [(year: Int, value: String, presentValue: String)]
        var result: OutcomeResult
    }

    mutating func recordOutcome(_ outcome: Outcome) -> RecordedOutcome {
        let base = FigureID.outcome(outcome.id)
        let name = outcome.id
        let unitCounted = outcome.quantityUnit?.value ?? outcome.proxy.per ?? "unit"
        let quantity: String
        if let formula = outcome.quantityFormula {
            quantity = formulaNode(
                "\(base).quantity", "Q", "Quantity: \(outcome.indicator ?? name)", step: "quantity", formula)
        } else {
            quantity = given(
                "\(base).quantity", "Q", "Quantity: \(outcome.indicator ?? name)", step: "quantity",
                value: outcome.quantity.value, unit: unitCounted,
                origin: outcome.quantityOrigin.map(Origin.records) ?? .written(outcome.quantity.location),
                rationale: outcome.quantity.rationale, source: outcome.quantity.source)
        }
        let proxy = recordProxy(outcome, base: base, unitCounted: unitCounted)
        let gross = computed(
            "\(base).gross_value", "G", "Gross value of \(name)", step: "gross_value", .product, [quantity, proxy],
            unit: money)

        let duration = outcome.duration.value
        let start = outcome.startYear.value
        let perYear = DeductionKind.allCases.contains { outcome.deduction($0)?.value.isByYear == true }
        let optimism = recordOptimismBias(outcome, base: base)
        let dropOff = recordDropOff(outcome, base: base)

        // With a deduction given by year, each year has its own impact I_k and drop-off compounds
        // as (1 − DO)^k; otherwise each year's value is the previous year's after drop-off.
        let impacts: [String] =
            perYear
            ? (0..<duration).map { k in
                recordImpact(
                    outcome, base: "\(base).year\(start + k)", gross: gross, outcomeYear: k, optimism: optimism)
            } : [recordImpact(outcome, base: base, gross: gross, outcomeYear: 0, optimism: optimism)]
        let impactYear1 = computed(
            "\(base).impact_year1", "I_\(name)", "Year-one impact of \(name)", step: "impact", .copy, [impacts[0]],
            unit: money)
        var yearNodes: [(year: Int, value: String, presentValue: String)] = []
        var previous = impactYear1
        for k in 0..<duration {
            let t = start + k
            let id = "\(base).value.year\(t)"
            let value: String
            if k == 0 {
                value = computed(
                    id, "V_\(t)", "Value of \(name) in analysis year \(t)", step: "value_in_year", .copy, [impactYear1],
                    unit: money)
            } else if perYear {
                value = computed(
                    id, "V_\(t)", "Value of \(name) in analysis year \(t) after \(k) years of drop-off",
                    step: "drop_off",
                    .complementPower(k), [impacts[k], dropOff], unit: money)
            } else {
                value = computed(
                    id, "V_\(t)", "Value of \(name) in analysis year \(t), after drop-off", step: "drop_off",
                    .complement,
                    [previous, dropOff], unit: money)
            }
            previous = value
            yearNodes.append((t, value, ""))
        }
        for index in yearNodes.indices {
            let t = yearNodes[index].year
            yearNodes[index].presentValue = computed(
                "\(base).present_value.year\(t)", "PV_\(t)", "Present value of \(name)'s value in analysis year \(t)",
                step: "present_value", .product, [yearNodes[index].value, factors[t]!], unit: money)
        }
        let pv = computed(
            "\(base).present_value", "PV_\(name)", "Present value of \(name)", step: "present_value", .sum,
            yearNodes.map(\.presentValue), unit: money)
        let result = OutcomeResult(
            id: outcome.id, stakeholder: outcome.stakeholder.value, valueType: outcome.valueType.value,
            startYear: start,
            impactYear1: figure(impactYear1), valuesByYear: yearNodes.map { figure($0.value) }, presentValue: figure(pv)
        )
        return RecordedOutcome(
            stakeholder: outcome.stakeholder.value, valueType: outcome.valueType.value, startYear: start,
            impactYear1: result.impactYear1, presentValue: result.presentValue, yearNodes: yearNodes, result: result)
    }

    /// The proxy in the price base (SROI-METHOD step 1): its leaf, and the uplift when needed.
    mutating func recordProxy(_ outcome: Outcome, base: String, unitCounted: String) -> String {
        if let formula = outcome.proxyFormula {
            return formulaNode(
                "\(base).proxy", "P", "Financial proxy for \(outcome.id)", step: "financial_proxy", formula)
        }
        let proxy = outcome.proxy
        let origin: Origin = proxy.model.map(Origin.model) ?? .written(proxy.location)
        let priced = proxy.priceYear.map { " (\($0) prices)" } ?? ""
        let currency = proxy.currency.code
        var current = given(
            "\(base).proxy", "P", "Financial proxy for \(outcome.id)\(priced)", step: "financial_proxy",
            value: proxy.value, unit: "\(currency)/\(unitCounted)", origin: origin, rationale: proxy.rationale,
            source: proxy.model == nil ? proxy.citation : nil)
        if let year = proxy.priceYear {
            current = uplift(
                current, from: year, id: "\(base).proxy_in_base_prices", symbol: "P'",
                label: "Proxy for \(outcome.id)", unit: "\(currency)/\(unitCounted)")
        }
        if proxy.currency != scenario.reportCurrency.value,
            let conversion = scenario.conversion(from: proxy.currency, to: scenario.reportCurrency.value)
        {
            current = computed(
                "\(base).proxy_in_\(money)", "P_\(money)",
                "Proxy for \(outcome.id) converted from \(currency) to \(money)",
                step: "currency_conversion", .product, [current, conversionNode(conversion)],
                unit: "\(money)/\(unitCounted)")
        }
        return current
    }

    /// The price-base uplift of a money figure priced in `year` (SROI-METHOD step 1); the
    /// figure itself when no uplift applies.
    mutating func uplift(
        _ figure: String, from year: PriceYear, id: String, symbol: String, label: String, unit: String
    ) -> String {
        guard let baseYear = scenario.priceBaseYear?.value, year != baseYear, let index = scenario.priceIndex else {
            return figure
        }
        let indexOrigin: (PriceIndex.Point) -> Origin = { point in Self.origin(model: index.model, at: point.location) }
        let indexName = index.name.map { "\($0) " } ?? ""
        for point in [baseYear, year] where trace["price_index.\(point)"] == nil {
            let entry = index.points[point]!
            given(
                "price_index.\(point)", "idx_\(point)", "Price index \(indexName)for \(point)", step: "price_index",
                value: entry.value, unit: "index", origin: indexOrigin(entry))
        }
        return computed(
            id, symbol, "\(label) uplifted from \(year) to \(baseYear) prices", step: "price_base_uplift", .rebase,
            [figure, "price_index.\(baseYear)", "price_index.\(year)"], unit: unit,
            convention: "price_base_year: \(baseYear)")
    }

    /// The declared exchange rate, as a figure of the trace.
    mutating func conversionNode(_ conversion: CurrencyConversion) -> String {
        let id = conversion.nodeID
        if trace[id] == nil {
            given(
                id, "rate_\(conversion.from.code)_\(conversion.to.code)",
                "Exchange rate from \(conversion.from.code) to \(conversion.to.code) on \(conversion.date)",
                step: "currency_conversion", value: conversion.rate,
                unit: "\(conversion.to.code)/\(conversion.from.code)",
                origin: .written(conversion.location), rationale: "rate of \(conversion.date)",
                source: conversion.source)
        }
        return id
    }

    /// A formula's node: its references become nodes first, then the formula over them.
    mutating func formulaNode(_ id: String, _ symbol: String, _ label: String, step: String, _ formula: FormulaUse)
        -> String
    {
        let inputs = formula.expression.references.map { referenceNode($0) }
        let unit =
            inputs.count == 1 && formula.expression.references.count == 1 && formula.unit == nil
            ? trace[inputs[0]]!.unit : (formula.unit?.description ?? unitOf(formula.expression))
        return computed(id, symbol, label, step: step, .formula(formula.text), inputs, unit: unit)
    }

    /// The unit of a formula, from its references' nodes.
    func unitOf(_ expression: Expression) -> String {
        var checker = FormulaChecker(scenario: scenario, report: ScenarioValidator.Report())
        return checker.infer(expression, start: nil, field: "").map(\.description) ?? "1"
    }

    /// The node for a value, model entry or rate a formula refers to, created once.
    mutating func referenceNode(_ reference: Expression.Reference) -> String {
        switch reference {
        case .rate(let from, let to):
            return conversionNode(scenario.conversion(from: Currency(code: from)!, to: Currency(code: to)!)!)
        case .value, .model:
            let value = FormulaChecker.named(reference, in: scenario)!
            let id = value.model == nil && !value.name.contains("/") ? "value.\(value.name)" : "model.\(value.name)"
            if trace[id] != nil { return trace[id + ".in_base_prices"] != nil ? id + ".in_base_prices" : id }
            let symbol = value.name.split(separator: "/").last.map(String.init) ?? value.name
            let label = value.rationale.map { "\(value.name): \($0)" } ?? value.name
            let origin: Origin = value.model.map { Origin.model($0) } ?? .written(value.location)
            var unit = value.unit?.description ?? "1"
            switch value.definition {
            case .given(let number):
                given(
                    id, symbol, label, step: "value", value: number, unit: unit, origin: origin,
                    rationale: value.rationale, source: value.model == nil ? value.source : nil)
            case .records:
                given(
                    id, symbol, label, step: "value", value: value.resolved ?? .nan, unit: unit,
                    origin: value.recordsOrigin.map(Origin.records) ?? origin, rationale: value.rationale,
                    source: value.source)
            case .formula(let expression, _):
                var use = FormulaUse(expression: expression, location: value.formulaLocation, unit: value.unit)
                use.text = NamedValue.canonical(expression)
                unit = value.unit?.description ?? unitOf(expression)
                use.unit = Unit(parsing: unit)
                return formulaNode(id, symbol, label, step: "formula", use)
            }
            if let year = value.priceYear, let parsed = value.unit, !parsed.currencies.isEmpty {
                return uplift(
                    id, from: year, id: id + ".in_base_prices", symbol: symbol + "'", label: value.name, unit: unit)
            }
            return id
        }
    }

    /// Deadweight, displacement, attribution and optimism bias for one year `k` of an outcome
    /// (SROI-METHOD steps 3 and 4); returns the impact node.
    mutating func recordImpact(
        _ outcome: Outcome, base: String, gross: String, outcomeYear k: Int, optimism: String?
    ) -> String {
        let symbols: [DeductionKind: String] = [.deadweight: "DW", .displacement: "DS", .attribution: "AT"]
        var current = gross
        for kind in DeductionKind.allCases {
            let share = recordShare(outcome, kind: kind, outcomeYear: k)
            current = computed(
                "\(base).after_\(kind.rawValue)", "I_\(symbols[kind]!)",
                "\(outcome.id) after \(kind.rawValue)\(k > 0 || outcome.deduction(kind)?.value.isByYear == true ? " (year \(k + 1) of the outcome)" : "")",
                step: kind.rawValue, .complement, [current, share], unit: money)
        }
        if let optimism {
            current = computed(
                "\(base).after_optimism_bias", "I_OB", "\(outcome.id) after optimism-bias correction",
                step: "optimism_bias", .complement, [current, optimism], unit: money)
        }
        return current
    }

    mutating func recordShare(_ outcome: Outcome, kind: DeductionKind, outcomeYear k: Int) -> String {
        let base = "\(FigureID.outcome(outcome.id)).\(kind.rawValue)"
        let symbol = ["deadweight": "DW", "displacement": "DS", "attribution": "AT"][kind.rawValue]!
        guard let assumption = outcome.deduction(kind) else {
            if trace[base] == nil {
                given(
                    base, symbol, "\(kind.title) for \(outcome.id): none declared", step: kind.rawValue,
                    value: 0, unit: "share", origin: .methodDefault("no \(kind.rawValue) declared: 0"))
            }
            return base
        }
        switch assumption.value {
        case .constant(let share):
            if trace[base] == nil {
                given(
                    base, symbol, "\(kind.title) for \(outcome.id)", step: kind.rawValue, value: share,
                    unit: "share", origin: .written(assumption.location), rationale: assumption.rationale,
                    source: assumption.source)
            }
            return base
        case .byYear(let shares):
            let id = "\(base).outcome_year\(k + 1)"
            return given(
                id, "\(symbol)_\(k + 1)", "\(kind.title) for \(outcome.id) in year \(k + 1) of the outcome",
                step: kind.rawValue, value: shares[k], unit: "share", origin: .written(assumption.location),
                rationale: assumption.rationale, source: assumption.source)
        }
    }

    mutating func recordOptimismBias(_ outcome: Outcome, base: String) -> String? {
        guard let table = scenario.optimismBias, let grade = outcome.confidence,
            let reduction = table.reductions[grade.value]
        else { return nil }
        let origin = Self.origin(model: table.model, at: reduction.location)
        return given(
            "\(base).optimism_bias", "OB", "Optimism-bias reduction for confidence grade \(grade.value)",
            step: "optimism_bias", value: reduction.value, unit: "share", origin: origin,
            rationale: reduction.rationale, source: reduction.source)
    }

    mutating func recordDropOff(_ outcome: Outcome, base: String) -> String {
        guard let dropOff = outcome.dropOff else {
            return given(
                "\(base).drop_off", "DO", "Drop-off for \(outcome.id): none declared", step: "drop_off", value: 0,
                unit: "share per year", origin: .methodDefault("no drop-off declared: 0"))
        }
        return given(
            "\(base).drop_off", "DO", "Drop-off for \(outcome.id)", step: "drop_off", value: dropOff.value,
            unit: "share per year", origin: .written(dropOff.location), rationale: dropOff.rationale,
            source: dropOff.source)
    }
}
