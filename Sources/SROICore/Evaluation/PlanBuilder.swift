/// Compiles a validated scenario into the nodes of an ``EvaluationPlan``, step by step of
/// SROI-METHOD: discount factors, inputs, then each outcome from quantity and proxy through
/// deductions, drop-off and discounting to present value, then the totals.
struct PlanBuilder {
    let scenario: Scenario
    let money: String
    var nodes: [EvaluationPlan.Node] = []
    var values: [Double] = []
    var program = Program()
    var positions: [String: Int] = [:]
    var parameterSlots: [UncertainParameter.Kind: [Int]] = [:]
    /// Outcomes (by declared id) whose duration varies, with the longest duration their range allows.
    var gatedDurations: [String: Int] = [:]
    /// Discount factor node by analysis year.
    private var factors: [Int: Int] = [:]

    init(scenario: Scenario) {
        self.scenario = scenario
        self.money = scenario.reportCurrency.value.code
    }

    // MARK: Recording

    private mutating func add(_ node: EvaluationPlan.Node, value: Double) -> Int {
        precondition(positions[node.id] == nil, "duplicate plan node \(node.id)")
        let position = nodes.count
        positions[node.id] = position
        nodes.append(node)
        values.append(value)
        return position
    }

    @discardableResult
    mutating func given(
        _ id: String, _ symbol: String, _ label: String, step: Step, value: Double, unit: String,
        origin: Origin, rationale: String? = nil, source: Citation? = nil, parameter: UncertainParameter.Kind? = nil,
        assumption: UncertainParameter.Kind? = nil
    ) -> Int {
        // A what-if from the command line is where the figure now comes from.
        let origin = scenario.commandLineSetting(for: assumption ?? parameter).map(Origin.commandLine) ?? origin
        let position = add(
            EvaluationPlan.Node(
                id: id, symbol: symbol, label: label, step: step, arithmetic: .given, unit: unit, inputs: [],
                origin: origin, rationale: rationale, source: source, convention: nil, undefinedReason: nil),
            value: value)
        if let parameter { parameterSlots[parameter, default: []].append(position) }
        return position
    }

    @discardableResult
    mutating func computed(
        _ id: String, _ symbol: String, _ label: String, step: Step, _ arithmetic: Arithmetic, _ inputs: [Int],
        unit: String, convention: String? = nil, undefinedReason: String? = nil, formula: IndexedExpression? = nil
    ) -> Int {
        let position = add(
            EvaluationPlan.Node(
                id: id, symbol: symbol, label: label, step: step, arithmetic: arithmetic, unit: unit, inputs: inputs,
                origin: nil, rationale: nil, source: nil, convention: convention, undefinedReason: undefinedReason),
            value: .nan)
        program.append(arithmetic, inputs: inputs, output: position, formula: formula)
        return position
    }

    /// A value from a model points at its own line in the model file; otherwise at the scenario.
    static func origin(model: ModelEntryOrigin?, at location: SourceLocation?) -> Origin {
        guard var entry = model else { return .written(location) }
        if let location { entry.location = location }
        return .model(entry)
    }

    // MARK: The chain

    mutating func build() -> ResultsLayout {
        var layout = ResultsLayout(currency: scenario.reportCurrency.value)
        let years = scenario.analysisYears.value
        recordDiscountFactors(through: years)
        layout.inputs = scenario.inputs.map { recordInput($0) }
        layout.totalInputs = computed(
            FigureID.totalInputs, "Inputs", "Total inputs", step: .totalInputs, .sum, layout.inputs.map(\.counted),
            unit: money,
            convention: scenario.conventions.discountInputs.value ? "discount_inputs: true" : "discount_inputs: false")
        let outcomes = scenario.outcomes.map { recordOutcome($0) }
        layout.outcomes = outcomes.map(\.layout)

        layout.totalPresentValue = computed(
            FigureID.totalPresentValue, "PV_total", "Total present value", step: .totalPresentValue, .sum,
            outcomes.map(\.layout.presentValue), unit: money)
        layout.byStakeholder = scenario.stakeholders.map { stakeholder in
            let members = outcomes.filter { $0.layout.stakeholder == stakeholder.id }.map(\.layout.presentValue)
            let node = computed(
                FigureID.stakeholder(stakeholder.id), "PV_\(stakeholder.id)",
                "Present value for \(stakeholder.name ?? stakeholder.id)",
                step: .totalByStakeholder, .sum, members, unit: money)
            return (stakeholder.id, node)
        }
        layout.byValueType = ValueType.allCases.compactMap { type -> (valueType: ValueType, node: Int)? in
            let members = outcomes.filter { $0.layout.valueType == type }.map(\.layout.presentValue)
            guard !members.isEmpty else { return nil }
            let node = computed(
                FigureID.valueType(type), "PV_\(type.rawValue)", "Present value of \(type.rawValue) value",
                step: .totalByValueType, .sum, members, unit: money)
            return (type, node)
        }
        layout.byYear = (1...years).map { t in
            let members = outcomes.compactMap { outcome in outcome.yearContributions.first { $0.year == t }?.node }
            let node = computed(
                FigureID.year(t), "PV_y\(t)", "Present value arising in \(yearWords(t))", step: .totalByYear,
                .sum, members, unit: money)
            return (t, node)
        }
        layout.netPresentValue = computed(
            FigureID.netPresentValue, "NPV", "Net present value", step: .netPresentValue, .difference,
            [layout.totalPresentValue, layout.totalInputs], unit: money)
        let noInputs = "total inputs are 0, so the ratio is undefined"
        layout.sroiRatio = computed(
            FigureID.sroiRatio, "SROI", "SROI ratio", step: .sroiRatio, .quotient,
            [layout.totalPresentValue, layout.totalInputs], unit: "\(money)/\(money)", undefinedReason: noInputs)
        layout.netSROIRatio = computed(
            FigureID.netSROIRatio, "SROI_net", "Net SROI ratio", step: .netSROIRatio, .quotient,
            [layout.netPresentValue, layout.totalInputs], unit: "\(money)/\(money)", undefinedReason: noInputs)
        let yearOne = computed(
            FigureID.paybackYearOneImpact, "I_1", "Year-one impact of outcomes starting in year 1",
            step: .payback, .sum, outcomes.filter { $0.layout.startYear == 1 }.map(\.layout.impactYear1), unit: money)
        layout.paybackMonths = computed(
            FigureID.paybackMonths, "Payback", "Payback period", step: .payback, .monthsToRecover,
            [layout.totalInputs, yearOne], unit: "month")
        layout.discountedPaybackYears = computed(
            FigureID.discountedPaybackYears, "Payback_d", "Discounted payback period", step: .payback,
            .yearsToRecover, [layout.totalInputs] + layout.byYear.map(\.node), unit: "year",
            convention: scenario.conventions.discountInputs.value ? "discount_inputs: true" : nil)
        // Every value the scenario declares is a figure of its trace, used by the chain or not, so
        // that a figure a reader checks beside it (the agency rate as a multiple of the price cap)
        // is explained like any other.
        for value in scenario.values {
            _ = referenceNode(value.name.contains("/") ? .model(value.name) : .value(value.name))
        }
        if let businessCase = scenario.businessCase, gatedDurations.isEmpty {
            layout.businessCase = recordBusinessCase(businessCase, layout: layout, outcomes: outcomes)
        }
        if let second = scenario.report.secondCurrency?.value, second != scenario.reportCurrency.value,
            let rate = secondCurrencyRate(second)
        {
            layout.secondCurrency = second
            layout.secondCurrencyRate = rate
            var money: [(String, Int)] = [
                (FigureID.totalPresentValue, layout.totalPresentValue), (FigureID.totalInputs, layout.totalInputs),
                (FigureID.netPresentValue, layout.netPresentValue),
            ]
            money += layout.byStakeholder.map { (FigureID.stakeholder($0.stakeholder), $0.node) }
            money += layout.byValueType.map { (FigureID.valueType($0.valueType), $0.node) }
            money += layout.byYear.map { (FigureID.year($0.year), $0.node) }
            money += layout.outcomes.map { (FigureID.outcome($0.id, .presentValue), $0.presentValue) }
            money += layout.inputs.map { (FigureID.input($0.id), $0.amount) }
            layout.converted = money.map { id, position in
                (
                    position,
                    computed(
                        "in_\(second.code).\(id)", "\(second.code)", "\(id) in \(second.code)",
                        step: .currencyConversion,
                        .product, [position, rate], unit: second.code)
                )
            }
        }
        return layout
    }

    /// Each option's whole cost, benefits and net, and its cash by analysis year: the costs it
    /// declares (raised by optimism bias on costs), its inputs, and the cash view of its fiscal
    /// outcomes, undiscounted in the price base and discounted like outcomes.
    mutating func recordBusinessCase(
        _ businessCase: BusinessCase, layout: ResultsLayout, outcomes: [OutcomeNodes]
    ) -> ResultsLayout.BusinessCaseLayout {
        let years = scenario.analysisYears.value
        var result = ResultsLayout.BusinessCaseLayout(convention: businessCase.cashConvention)
        var costsInYear: [Int: [Int]] = [:]
        var costPresentValues: [Int] = []
        for cost in businessCase.costs {
            let base = FigureID.cost(cost.id)
            let title = cost.summary ?? cost.id
            var amount = stated(
                cost.amount, id: "\(base).amount", symbol: "K_\(cost.id)", label: "Cost: \(title)", step: .input,
                unit: money)
            if let bias = costOptimismBias() {
                amount = raised(
                    amount, by: bias, id: "\(base).with_optimism_bias", label: "Cost \(title) with optimism bias")
            }
            for t in cost.years.value {
                costsInYear[t, default: []].append(amount)
                costPresentValues.append(
                    computed(
                        "\(base).present_value.year\(t)", "PV_K_\(t)",
                        "Cost \(title) in \(yearWords(t)), discounted",
                        step: .discounting, .product, [amount, factors[t]!], unit: money))
            }
            result.costs.append((id: cost.id, amount: amount))
        }
        result.costsPresentValue = computed(
            FigureID.businessCase("costs_present_value"), "PV_K", "Present value of the option's costs",
            step: .totalInputs, .sum, costPresentValues, unit: money)
        result.wholeCost = computed(
            FigureID.businessCase("whole_cost"), "K_all", "Whole cost: inputs and the option's costs",
            step: .totalInputs, .sum, [layout.totalInputs, result.costsPresentValue], unit: money)
        result.netPresentValue = computed(
            FigureID.businessCase("net_present_value"), "NPV_bc",
            "Net present value of the option: benefits less whole cost",
            step: .netPresentValue, .difference, [layout.totalPresentValue, result.wholeCost], unit: money)
        var releasingPresentValues: [Int] = []
        let priceLevels = businessCase.inflation.flatMap { recordPriceLevels($0) }
        if let inflation = businessCase.inflation, priceLevels != nil, let base = scenario.nominalPriceBase {
            result.inflation =
                "nominal cash grows from \(base.value.label) prices at an inflation of \(NumberFormat.shortest(inflation.value)) a year"
        }
        for t in 1...years {
            let spent = layout.inputs.filter { $0.year == t }.map(\.spent)
            let spending = computed(
                FigureID.businessCase("spending.year\(t)"), "S_\(t)",
                "Spending in \(yearWords(t)): inputs and costs",
                step: .totalInputs, .sum, spent + (costsInYear[t] ?? []), unit: money)
            func cash(_ type: ValueType) -> [Int] {
                outcomes.filter { $0.layout.valueType == type }.compactMap { outcome in
                    outcome.cashByYear.first { $0.year == t }?.node
                }
            }
            let releasing = computed(
                FigureID.businessCase("cash_releasing.year\(t)"), "CR_\(t)",
                "Cash-releasing savings in \(yearWords(t))", step: .totalByYear, .sum, cash(.fiscalCashable),
                unit: money, convention: businessCase.cashConvention)
            let nonReleasing = computed(
                FigureID.businessCase("non_cash_releasing.year\(t)"), "NCR_\(t)",
                "Non-cash-releasing savings in \(yearWords(t))", step: .totalByYear, .sum,
                cash(.fiscalNonCashable), unit: money, convention: businessCase.cashConvention)
            let net = computed(
                FigureID.businessCase("net_cash.year\(t)"), "N_\(t)",
                "Net cash in \(yearWords(t)): cash released less spending", step: .netPresentValue, .difference,
                [releasing, spending], unit: money)
            releasingPresentValues.append(
                computed(
                    FigureID.businessCase("cash_releasing.present_value.year\(t)"), "PV_CR_\(t)",
                    "Cash-releasing savings in \(yearWords(t)), discounted", step: .discounting, .product,
                    [releasing, factors[t]!], unit: money))
            result.years.append(
                (year: t, spending: spending, releasing: releasing, nonReleasing: nonReleasing, net: net))
            if let level = priceLevels?[t] {
                func nominal(_ figure: String, _ symbol: String, _ words: String, _ real: Int) -> Int {
                    computed(
                        FigureID.businessCase("nominal.\(figure).year\(t)"), "\(symbol)_nom_\(t)",
                        "\(words) in \(yearWords(t)), nominal", step: .inflation, .product,
                        [real, level],
                        unit: money, convention: "business_case.inflation")
                }
                let nominalSpending = nominal("spending", "S", "Spending", spending)
                let nominalReleasing = nominal("cash_releasing", "CR", "Cash-releasing savings", releasing)
                let nominalNonReleasing = nominal(
                    "non_cash_releasing", "NCR", "Non-cash-releasing savings", nonReleasing)
                let nominalNet = computed(
                    FigureID.businessCase("nominal.net_cash.year\(t)"), "N_nom_\(t)",
                    "Net cash in \(yearWords(t)), nominal: cash released less spending",
                    step: .inflation, .difference, [nominalReleasing, nominalSpending], unit: money,
                    convention: "business_case.inflation")
                result.nominal.append(
                    ResultsLayout.NominalYear(
                        priceLevel: level, spending: nominalSpending, releasing: nominalReleasing,
                        nonReleasing: nominalNonReleasing, net: nominalNet))
            }
        }
        result.cashReleasingPresentValue = computed(
            FigureID.businessCase("cash_releasing.present_value"), "PV_CR", "Present value of cash-releasing savings",
            step: .totalPresentValue, .sum, releasingPresentValues, unit: money,
            convention: businessCase.cashConvention)
        return result
    }

    /// The rate into the report's second currency: declared, or the inverse of the declared
    /// rate the other way.
    mutating func secondCurrencyRate(_ second: Currency) -> Int? {
        let report = scenario.reportCurrency.value
        if let direct = scenario.conversion(from: report, to: second) { return conversionNode(direct) }
        guard let inverse = scenario.conversion(from: second, to: report) else { return nil }
        let one = given(
            "in_\(second.code).one", "1", "One", step: .currencyConversion, value: 1, unit: "",
            origin: .methodDefault("the inverse of a rate is 1 divided by it"))
        return computed(
            "in_\(second.code).rate", "rate_\(report.code)_\(second.code)",
            "Exchange rate from \(report.code) to \(second.code): the inverse of the declared rate from \(second.code)",
            step: .currencyConversion, .quotient, [one, conversionNode(inverse)], unit: "\(second.code)/\(report.code)")
    }

    /// Discount factors `F_t` for analysis years 1…years, under the declared convention.
    mutating func recordDiscountFactors(through years: Int) {
        let schedule = scenario.conventions.discounting
        let convention = scenario.conventions.discountFrom.value
        let conventionText = "discount_from: \(convention.rawValue)"
        // A single rate with a range is one assumption, set at every step at once.
        let rateParameter: UncertainParameter.Kind? = schedule.bands.count == 1 ? .discountRate : nil
        var rates: [Int: Int] = [:]
        func rate(_ j: Int, _ builder: inout PlanBuilder) -> Int {
            if let known = rates[j] { return known }
            let band = schedule.band(forStep: j)
            let name = schedule.name.map { " (\($0), band from step \(band.fromYear))" } ?? ""
            let node = builder.given(
                "discount.rate.step\(j)", "r_\(j)", "Discount rate of step \(j)\(name)", step: .discountRate,
                value: band.rate, unit: "per year", origin: Self.origin(model: schedule.model, at: band.location),
                parameter: rateParameter, assumption: rateParameter)
            rates[j] = node
            return node
        }
        let present = given(
            "discount.present", "F_0", "Factor at the present (nothing discounted)", step: .discounting, value: 1,
            unit: "factor", origin: .methodDefault("the present is not discounted"))
        // `end` is the factor at the end of year t under the year1 convention, A_t = A_{t−1}/(1+r_t).
        var end = present
        for t in 1...max(years, 1) {
            let id = FigureID.discountFactor(t)
            let label = "Discount factor for analysis year \(t)"
            switch convention {
            case .year1:
                end = computed(
                    id, "F_\(t)", label, step: .discounting, .discountStep, [end, rate(t, &self)], unit: "factor",
                    convention: conventionText)
                factors[t] = end
            case .year0:
                if t == 1 {
                    end = computed(
                        id, "F_1", label, step: .discounting, .copy, [present], unit: "factor",
                        convention: conventionText)
                } else {
                    end = computed(
                        id, "F_\(t)", label, step: .discounting, .discountStep, [end, rate(t - 1, &self)],
                        unit: "factor", convention: conventionText)
                }
                factors[t] = end
            case .midYear:
                factors[t] = computed(
                    id, "F_\(t)", label, step: .discounting, .halfDiscountStep, [end, rate(t, &self)], unit: "factor",
                    convention: conventionText)
                if t < years {
                    end = computed(
                        "discount.year_end_factor.year\(t)", "A_\(t)", "Factor at the end of analysis year \(t)",
                        step: .discounting, .discountStep, [end, rate(t, &self)], unit: "factor",
                        convention: conventionText)
                }
            }
        }
    }

    /// `analysis year 2 (2025-26)`, or `analysis year 2` when the first year is not declared.
    func yearWords(_ t: Int) -> String {
        scenario.firstCalendarYear == nil ? "analysis year \(t)" : "analysis year \(t) (\(scenario.yearLabel(t)))"
    }

    /// The share costs are raised by (Green Book optimism bias on costs), recorded once.
    mutating func costOptimismBias() -> Int? {
        guard let bias = scenario.conventions.costOptimismBias else { return nil }
        let id = "optimism_bias.costs"
        if let known = positions[id] { return known }
        return given(
            id, "OB_c", "Optimism bias on costs", step: .optimismBias, value: bias.value, unit: "share",
            origin: .written(bias.location), rationale: bias.rationale, source: bias.source)
    }

    /// `amount × (1 + bias)`: a cost raised by optimism bias.
    mutating func raised(_ amount: Int, by bias: Int, id: String, label: String) -> Int {
        grown(
            amount, named: "amount", by: bias, named: "optimism_bias", id: id, symbol: "C_OB", label: label,
            step: .optimismBias, unit: money, convention: "conventions.optimism_bias_on_costs")
    }

    /// `a × (1 + b)` as a formula node, its terms named as people read them.
    private mutating func grown(
        _ base: Int, named baseName: String, by share: Int, named shareName: String, id: String, symbol: String,
        label: String, step: Step, unit: String, convention: String
    ) -> Int {
        let expression = Expression.binary(
            .multiply, .value(baseName, at: 0),
            .binary(.add, .number(1, at: 0), .value(shareName, at: 0), at: 0), at: 0)
        return computed(
            id, symbol, label, step: step, .formula(NamedValue.canonical(expression)), [base, share], unit: unit,
            convention: convention, formula: expression.indexed(by: expression.references))
    }

    /// The price level of each analysis year relative to the price base, compounding the
    /// declared inflation year by year from the price base (and back, for years before it).
    mutating func recordPriceLevels(_ inflation: Assumption<Double>) -> [Int: Int]? {
        guard let first = scenario.firstCalendarYear, let base = scenario.nominalPriceBase?.value else { return nil }
        let convention = "business_case.inflation"
        let rate = given(
            FigureID.businessCase("inflation"), "i", "Inflation a year, from the price base to nominal cash",
            step: .inflation, value: inflation.value, unit: "per year", origin: .written(inflation.location),
            rationale: inflation.rationale, source: inflation.source)
        // `L_2024_25`: a hyphen in a symbol would read as a subtraction.
        func symbol(_ label: String) -> String { "L_" + String(label.map { $0 == "-" ? "_" : $0 }) }
        var levels: [Int: Int] = [:]
        levels[base.startYear] = given(
            FigureID.businessCase("price_level.\(base.label)"), symbol(base.label),
            "Price level in the price base, \(base.label)", step: .inflation, value: 1, unit: "factor",
            origin: .methodDefault("prices in the price base are its own"))
        let last = first + scenario.analysisYears.value - 1
        for year in stride(from: base.startYear + 1, through: last, by: 1) {
            let label = scenario.label(ofYearStarting: year)
            levels[year] = grown(
                levels[year - 1]!, named: "price_level", by: rate, named: "inflation",
                id: FigureID.businessCase("price_level.\(label)"), symbol: symbol(label),
                label: "Price level in \(label), relative to the price base", step: .inflation, unit: "factor",
                convention: convention)
        }
        for year in stride(from: base.startYear - 1, through: first, by: -1) {
            let label = scenario.label(ofYearStarting: year)
            levels[year] = computed(
                FigureID.businessCase("price_level.\(label)"), symbol(label),
                "Price level in \(label), relative to the price base", step: .inflation, .discountStep,
                [levels[year + 1]!, rate], unit: "factor", convention: convention)
        }
        return Dictionary(
            uniqueKeysWithValues: (1...scenario.analysisYears.value).map { ($0, levels[first + $0 - 1]!) })
    }

    mutating func recordInput(_ input: Input) -> ResultsLayout.InputLayout {
        let base = FigureID.input(input.id)
        let title = input.summary ?? input.id
        let currency = input.currency.value.code
        let amount: Int
        switch input.valuation {
        case .money(let value):
            amount = stated(
                value, id: "\(base).amount", symbol: "In_\(input.id)", label: "Input: \(title)", step: .input,
                unit: currency)
        case .inKindTime(let hours, let rate):
            let h = stated(
                hours, id: "\(base).hours", symbol: "H_\(input.id)", label: "Hours given in kind: \(title)",
                step: .input, unit: "hour")
            let r = stated(
                rate, id: "\(base).rate_per_hour", symbol: "w_\(input.id)", label: "Value of an hour given in kind",
                step: .input, unit: "\(currency)/hour")
            amount = computed(
                "\(base).amount", "In_\(input.id)", "In-kind time valued in money: \(title)",
                step: .inKindValuation, .product, [h, r], unit: currency)
        }
        var counted = amount
        if input.currency.value != scenario.reportCurrency.value,
            let conversion = scenario.conversion(from: input.currency.value, to: scenario.reportCurrency.value)
        {
            counted = computed(
                "\(base).amount_in_\(money)", "In_\(input.id)_\(money)",
                "Input \(input.id) converted from \(currency) to \(money)", step: .currencyConversion,
                .product, [amount, conversionNode(conversion)], unit: money)
        }
        if let bias = costOptimismBias() {
            counted = raised(
                counted, by: bias, id: "\(base).with_optimism_bias",
                label: "Input \(input.id) with optimism bias on costs")
        }
        let spent = counted
        if scenario.conventions.discountInputs.value, let factor = factors[input.year.value] {
            counted = computed(
                "\(base).present_value", "PV_In_\(input.id)", "Input \(input.id) discounted to the present",
                step: .discounting, .product, [counted, factor], unit: money, convention: "discount_inputs: true")
        }
        return ResultsLayout.InputLayout(
            id: input.id, year: input.year.value, amount: amount, counted: counted, spent: spent)
    }

    /// A figure the scenario states: a given leaf, a leaf read from records, or a formula node.
    /// `origin` overrides where a given figure is said to come from (a model entry).
    mutating func stated(
        _ value: StatedValue, id: String, symbol: String, label: String, step: Step, unit: String,
        origin: Origin? = nil, parameter: UncertainParameter.Kind? = nil
    ) -> Int {
        switch value.definition {
        case .given(let number):
            return given(
                id, symbol, label, step: step, value: number, unit: unit, origin: origin ?? .written(value.location),
                rationale: value.rationale, source: value.source, parameter: value.uncertainty == nil ? nil : parameter,
                assumption: parameter)
        case .records(_, let reading?):
            return given(
                id, symbol, label, step: step, value: reading.value, unit: unit, origin: .records(reading.origin),
                rationale: value.rationale, source: value.source)
        case .records(_, reading: nil):
            preconditionFailure("validation refuses records that have not been read")
        case .formula(let expression, let text):
            return formulaNode(
                id, symbol, label, step: step, expression, text: text, declaredUnit: value.unit,
                setting: scenario.commandLineSetting(for: parameter))
        }
    }

    struct OutcomeNodes {
        var layout: ResultsLayout.OutcomeLayout
        /// The node each analysis year's total takes from this outcome.
        var yearContributions: [(year: Int, node: Int)]
        /// The business case's cash view by analysis year, for a fiscal outcome.
        var cashByYear: [(year: Int, node: Int)] = []
    }

    mutating func recordOutcome(_ outcome: Outcome) -> OutcomeNodes {
        let name = outcome.id
        let declared = outcome.declaredID
        let unitCounted = outcome.quantityUnit?.value ?? outcome.proxy.price?.per ?? "unit"
        let quantity = stated(
            outcome.quantity, id: FigureID.outcome(outcome.id, .quantity), symbol: "Q",
            label: "Quantity: \(outcome.indicator ?? name)",
            step: .quantity, unit: unitCounted, parameter: .quantity(outcome: declared))
        let proxy = recordProxy(outcome, unitCounted: unitCounted)
        let gross = computed(
            FigureID.outcome(outcome.id, .grossValue), "G", "Gross value of \(name)", step: .grossValue, .product,
            [quantity, proxy],
            unit: money)

        let gatedYears = gatedDurations[declared]
        let duration = gatedYears ?? outcome.duration.value
        let start = outcome.startYear.value
        let perYear = DeductionKind.allCases.contains { outcome.deduction($0)?.value.isByYear == true }
        let optimism = recordOptimismBias(outcome)
        let dropOff = recordDropOff(outcome)

        // With a deduction given by year, each year has its own impact I_k and drop-off compounds
        // as (1 − DO)^k, or as the product of the declines listed by year; otherwise each year's
        // value is the previous year's after that year's drop-off.
        let impacts: [Int] =
            perYear
            ? (0..<duration).map { k in
                recordImpact(outcome, analysisYear: start + k, gross: gross, outcomeYear: k, optimism: optimism)
            } : [recordImpact(outcome, analysisYear: nil, gross: gross, outcomeYear: 0, optimism: optimism)]
        let impactYear1 = computed(
            FigureID.outcome(outcome.id, .impactYear1), "I_\(name)", "Year-one impact of \(name)", step: .impact, .copy,
            [impacts[0]],
            unit: money)
        let valuesByYear = recordYearValues(
            outcome, impacts: impacts, first: impactYear1, dropOff: dropOff, duration: duration,
            id: { FigureID.outcome(outcome.id, .value(year: $0)) }, what: "Value of \(name)")
        var presentValues: [Int] = []
        for (k, value) in valuesByYear.enumerated() {
            let t = start + k
            presentValues.append(
                computed(
                    FigureID.outcome(outcome.id, .presentValueInYear(t)), "PV_\(t)",
                    "Present value of \(name)'s value in \(yearWords(t))", step: .presentValue, .product,
                    [value, factors[t]!], unit: money))
        }
        var contributions = presentValues.enumerated().map { (year: start + $0.offset, node: $0.element) }
        let pv: Int
        if let gatedYears {
            // The duration is an assumption of its own: a node the caller sets, and every year of
            // its range counted while it lies within the period.
            let years = given(
                FigureID.outcome(outcome.id, .duration), "D", "Benefit period of \(name)", step: .duration,
                value: Double(outcome.duration.value), unit: "year", origin: .written(outcome.duration.location),
                parameter: .duration(outcome: declared), assumption: .duration(outcome: declared))
            pv = computed(
                FigureID.outcome(outcome.id, .presentValue), "PV_\(name)", "Present value of \(name)",
                step: .presentValue, .sumOfFirst,
                [years] + presentValues, unit: money)
            contributions = (0..<gatedYears).map { k in
                (
                    year: start + k,
                    node: computed(
                        FigureID.outcome(outcome.id, .presentValueCounted(year: start + k)), "PVc_\(start + k)",
                        "Present value of \(name) counted in analysis year \(start + k)", step: .presentValue,
                        .withinYears(k), [years, presentValues[k]], unit: money)
                )
            }
        } else {
            pv = computed(
                FigureID.outcome(outcome.id, .presentValue), "PV_\(name)", "Present value of \(name)",
                step: .presentValue, .sum,
                presentValues, unit: money)
        }
        // The business case's cash view of a fiscal outcome: the same chain from the gross value,
        // with only the deductions the cash view declares. Plans that vary a duration leave it out.
        var cash: [(year: Int, node: Int)] = []
        if let businessCase = scenario.businessCase, gatedDurations.isEmpty, outcome.valueType.value.isFiscal {
            let impacts: [Int] =
                perYear
                ? (0..<duration).map { k in
                    recordImpact(
                        outcome, analysisYear: start + k, gross: gross, outcomeYear: k, optimism: optimism,
                        cash: businessCase)
                }
                : [
                    recordImpact(
                        outcome, analysisYear: nil, gross: gross, outcomeYear: 0, optimism: optimism, cash: businessCase
                    )
                ]
            let values = recordYearValues(
                outcome, impacts: impacts, first: impacts[0], dropOff: dropOff, duration: duration,
                id: { FigureID.cash(outcome.id) + ".year\($0)" }, what: "Cash view of \(name)")
            cash = values.enumerated().map { (year: start + $0.offset, node: $0.element) }
        }
        return OutcomeNodes(
            layout: ResultsLayout.OutcomeLayout(
                id: outcome.id, stakeholder: outcome.stakeholder.value, valueType: outcome.valueType.value,
                startYear: start, impactYear1: impactYear1,
                valuesByYear: gatedYears == nil ? valuesByYear : [], presentValue: pv),
            yearContributions: contributions, cashByYear: cash)
    }

    /// Each year's value of an outcome from its impacts: the first year's impact, then each
    /// later year after drop-off (SROI-METHOD step 5). `id` names the node of analysis year t.
    mutating func recordYearValues(
        _ outcome: Outcome, impacts: [Int], first impactYear1: Int, dropOff: [Int], duration: Int,
        id figureID: (Int) -> String, what: String
    ) -> [Int] {
        let name = outcome.id
        let start = outcome.startYear.value
        let perYear = DeductionKind.allCases.contains { outcome.deduction($0)?.value.isByYear == true }
        let dropOffByYear = outcome.dropOff?.value.isByYear == true
        var valuesByYear: [Int] = []
        var previous = impactYear1
        var retained: Int?
        for k in 0..<duration {
            let t = start + k
            let id = figureID(t)
            let value: Int
            if k == 0 {
                value = computed(
                    id, "V_\(t)", "\(what) in \(yearWords(t))", step: .valueInYear, .copy, [impactYear1],
                    unit: money)
            } else if dropOffByYear {
                let decline = dropOff[k - 1]
                if perYear {
                    let first = FigureID.outcome(outcome.id, .retained(outcomeYear: 1))
                    let before =
                        retained ?? positions[first]
                        ?? given(
                            first, "R_1",
                            "Share of \(name) still there in year 1 of the outcome", step: .dropOff, value: 1,
                            unit: "share", origin: .methodDefault("nothing has dropped off in the outcome's first year")
                        )
                    let retainedID = FigureID.outcome(outcome.id, .retained(outcomeYear: k + 1))
                    retained =
                        positions[retainedID]
                        ?? computed(
                            retainedID, "R_\(k + 1)",
                            "Share of \(name) still there in year \(k + 1) of the outcome", step: .dropOff, .complement,
                            [before, decline], unit: "share")
                    value = computed(
                        id, "V_\(t)", "\(what) in \(yearWords(t)) after the declines listed by year",
                        step: .dropOff, .product, [impacts[k], retained!], unit: money)
                } else {
                    value = computed(
                        id, "V_\(t)", "\(what) in \(yearWords(t)), after that year's drop-off",
                        step: .dropOff, .complement, [previous, decline], unit: money)
                }
            } else if perYear {
                value = computed(
                    id, "V_\(t)", "\(what) in \(yearWords(t)) after \(k) years of drop-off",
                    step: .dropOff, .complementPower(k), [impacts[k], dropOff[0]], unit: money)
            } else {
                value = computed(
                    id, "V_\(t)", "\(what) in \(yearWords(t)), after drop-off", step: .dropOff,
                    .complement, [previous, dropOff[0]], unit: money)
            }
            previous = value
            valuesByYear.append(value)
        }
        return valuesByYear
    }

    /// The proxy in the price base (SROI-METHOD step 1): its leaf, and the uplift when needed.
    mutating func recordProxy(_ outcome: Outcome, unitCounted: String) -> Int {
        let proxy = outcome.proxy
        let parameter = UncertainParameter.Kind.proxy(outcome: outcome.declaredID)
        guard let price = proxy.price else {
            return stated(
                proxy.amount, id: FigureID.outcome(outcome.id, .proxy), symbol: "P",
                label: "Financial proxy for \(outcome.id)",
                step: .financialProxy, unit: "", parameter: parameter)
        }
        let priced = price.priceYear.map { " (\($0) prices)" } ?? ""
        let currency = price.currency.code
        var amount = proxy.amount
        if price.model != nil { amount.source = nil }
        var current = stated(
            amount, id: FigureID.outcome(outcome.id, .proxy), symbol: "P",
            label: "Financial proxy for \(outcome.id)\(priced)",
            step: .financialProxy, unit: "\(currency)/\(unitCounted)",
            origin: price.model.map(Origin.model) ?? .written(proxy.amount.location), parameter: parameter)
        if let year = price.priceYear {
            current = uplift(
                current, from: year, id: FigureID.outcome(outcome.id, .proxyInBasePrices), symbol: "P'",
                label: "Proxy for \(outcome.id)", unit: "\(currency)/\(unitCounted)", series: price.index)
        }
        if price.currency != scenario.reportCurrency.value,
            let conversion = scenario.conversion(from: price.currency, to: scenario.reportCurrency.value)
        {
            current = computed(
                FigureID.outcome(outcome.id, .proxyIn(scenario.reportCurrency.value)), "P_\(money)",
                "Proxy for \(outcome.id) converted from \(currency) to \(money)",
                step: .currencyConversion, .product, [current, conversionNode(conversion)],
                unit: "\(money)/\(unitCounted)")
        }
        return current
    }

    /// The price-base uplift of a money figure priced in `year` (SROI-METHOD step 1); the
    /// figure itself when no uplift applies.
    mutating func uplift(
        _ figure: Int, from year: PriceYear, id: String, symbol: String, label: String, unit: String,
        series: PriceIndex? = nil
    ) -> Int {
        guard let index = series ?? scenario.priceIndex, let baseYear = scenario.priceBase(for: index),
            year != baseYear
        else {
            return figure
        }
        let indexName = index.name.map { "\($0) " } ?? ""
        // The scenario's own series keeps the plain ids; a series a proxy names is told apart by name.
        let isDefault = series == nil || series?.name == scenario.priceIndex?.name
        let prefix = isDefault ? "price_index." : "price_index.\(index.name ?? "series")."
        var points: [Int] = []
        for point in [baseYear, year] {
            if let known = positions["\(prefix)\(point)"] {
                points.append(known)
                continue
            }
            let entry = index.points[point]!
            points.append(
                given(
                    "\(prefix)\(point)", "idx_\(point)", "Price index \(indexName)for \(point)", step: .priceIndex,
                    value: entry.value, unit: "index", origin: Self.origin(model: index.model, at: entry.location)))
        }
        return computed(
            id, symbol, "\(label) uplifted from \(year) to \(baseYear) prices", step: .priceBaseUplift, .rebase,
            [figure] + points, unit: unit, convention: "price_base_year: \(baseYear)")
    }

    /// The declared exchange rate, as a figure of the plan.
    mutating func conversionNode(_ conversion: CurrencyConversion) -> Int {
        if let known = positions[conversion.nodeID] { return known }
        return given(
            conversion.nodeID, "rate_\(conversion.from.code)_\(conversion.to.code)",
            "Exchange rate from \(conversion.from.code) to \(conversion.to.code) on \(conversion.date)",
            step: .currencyConversion, value: conversion.rate, unit: "\(conversion.to.code)/\(conversion.from.code)",
            origin: .written(conversion.location), rationale: "rate of \(conversion.date)", source: conversion.source)
    }

    /// A formula's node: its references become nodes first, then the formula over them.
    mutating func formulaNode(
        _ id: String, _ symbol: String, _ label: String, step: Step, _ expression: Expression, text: String,
        declaredUnit: Unit?, setting: String? = nil
    ) -> Int {
        let references = expression.references
        let inputs = references.map { referenceNode($0) }
        let unit =
            inputs.count == 1 && declaredUnit == nil
            ? nodes[inputs[0]].unit : (declaredUnit?.description ?? unitOf(expression))
        return computed(
            id, symbol, label, step: step, .formula(text), inputs, unit: unit,
            convention: setting.map { "set on the command line: --set \($0)" },
            formula: expression.indexed(by: references))
    }

    /// The unit of a formula, from its references.
    func unitOf(_ expression: Expression) -> String {
        var checker = FormulaChecker(scenario: scenario, report: ScenarioValidator.Report())
        return checker.infer(expression, start: nil, field: "").map(\.description) ?? "1"
    }

    /// The node for a value, model entry or rate a formula refers to, created once.
    mutating func referenceNode(_ reference: Expression.Reference) -> Int {
        switch reference {
        case .rate(let from, let to):
            return conversionNode(scenario.conversion(from: Currency(code: from)!, to: Currency(code: to)!)!)
        case .value, .model:
            let value = FormulaChecker.named(reference, in: scenario)!
            let id = value.model == nil && !value.name.contains("/") ? "value.\(value.name)" : "model.\(value.name)"
            if let known = positions[id] { return positions[id + ".in_base_prices"] ?? known }
            let symbol = value.name.split(separator: "/").last.map(String.init) ?? value.name
            let label = value.rationale.map { "\(value.name): \($0)" } ?? value.name
            let origin: Origin = value.model.map { Origin.model($0) } ?? .written(value.location)
            let unit = value.unit?.description ?? "1"
            switch value.definition {
            case .given(let number):
                given(
                    id, symbol, label, step: .value, value: number, unit: unit, origin: origin,
                    rationale: value.rationale, source: value.model == nil ? value.source : nil,
                    parameter: value.uncertainty == nil ? nil : .value(name: value.name),
                    assumption: .value(name: value.name))
            case .records(_, let reading?):
                given(
                    id, symbol, label, step: .value, value: reading.value, unit: unit,
                    origin: .records(reading.origin), rationale: value.rationale, source: value.source)
            case .records(_, reading: nil):
                preconditionFailure("validation refuses records that have not been read")
            case .formula(let expression, let text):
                return formulaNode(
                    id, symbol, label, step: .formula, expression, text: text,
                    declaredUnit: value.unit ?? Unit(parsing: unitOf(expression)),
                    setting: scenario.commandLineSetting(for: .value(name: value.name)))
            }
            if let year = value.priceYear, let parsed = value.unit, !parsed.currencies.isEmpty {
                return uplift(
                    positions[id]!, from: year, id: id + ".in_base_prices", symbol: symbol + "'", label: value.name,
                    unit: unit, series: value.priceIndex)
            }
            return positions[id]!
        }
    }

    /// Deadweight, displacement, attribution and optimism bias for one year `k` of an outcome
    /// (SROI-METHOD steps 3 and 4); returns the impact node.
    /// `cash` gives the business case's cash view instead: only the deductions it declares.
    mutating func recordImpact(
        _ outcome: Outcome, analysisYear: Int?, gross: Int, outcomeYear k: Int, optimism: Int?,
        cash: BusinessCase? = nil
    ) -> Int {
        var current = gross
        let year = analysisYear.map { ".year\($0)" } ?? ""
        for kind in DeductionKind.allCases where cash?.cashDeductions.value.contains(kind) ?? true {
            let share = recordShare(outcome, kind: kind, outcomeYear: k)
            let byYear = k > 0 || outcome.deduction(kind)?.value.isByYear == true
            let during = byYear ? " (year \(k + 1) of the outcome)" : ""
            current = computed(
                cash == nil
                    ? FigureID.outcome(outcome.id, .after(kind, analysisYear: analysisYear))
                    : FigureID.cash(outcome.id) + "\(year).after_\(kind.rawValue)",
                cash == nil ? "I_\(kind.symbol)" : "C_\(kind.symbol)",
                cash == nil
                    ? "\(outcome.id) after \(kind.rawValue)\(during)"
                    : "Cash view of \(outcome.id) after \(kind.rawValue)\(during)",
                step: kind.step, .complement, [current, share], unit: money,
                convention: cash?.cashConvention)
        }
        if let optimism {
            current = computed(
                cash == nil
                    ? FigureID.outcome(outcome.id, .afterOptimismBias(analysisYear: analysisYear))
                    : FigureID.cash(outcome.id) + "\(year).after_optimism_bias",
                cash == nil ? "I_OB" : "C_OB",
                "\(cash == nil ? "" : "Cash view of ")\(outcome.id) after optimism-bias correction",
                step: .optimismBias, .complement, [current, optimism], unit: money)
        }
        return current
    }

    mutating func recordShare(_ outcome: Outcome, kind: DeductionKind, outcomeYear k: Int) -> Int {
        let base = FigureID.outcome(outcome.id, .share(kind, outcomeYear: nil))
        guard let assumption = outcome.deduction(kind) else {
            if let known = positions[base] { return known }
            return given(
                base, kind.symbol, "\(kind.title) for \(outcome.id): none declared", step: kind.step,
                value: 0, unit: "share", origin: .methodDefault("no \(kind.rawValue) declared: 0"))
        }
        switch assumption.value {
        case .constant(let share):
            if let known = positions[base] { return known }
            return given(
                base, kind.symbol, "\(kind.title) for \(outcome.id)", step: kind.step, value: share,
                unit: "share", origin: .written(assumption.location), rationale: assumption.rationale,
                source: assumption.source,
                parameter: assumption.uncertainty == nil ? nil : .deduction(outcome: outcome.declaredID, kind),
                assumption: .deduction(outcome: outcome.declaredID, kind))
        case .byYear(let shares):
            let id = FigureID.outcome(outcome.id, .share(kind, outcomeYear: k + 1))
            if let known = positions[id] { return known }
            return given(
                id, "\(kind.symbol)_\(k + 1)",
                "\(kind.title) for \(outcome.id) in year \(k + 1) of the outcome", step: kind.step,
                value: shares[k], unit: "share", origin: .written(assumption.location),
                rationale: assumption.rationale, source: assumption.source,
                assumption: .deduction(outcome: outcome.declaredID, kind))
        }
    }

    mutating func recordOptimismBias(_ outcome: Outcome) -> Int? {
        guard let table = scenario.optimismBias, let grade = outcome.confidence,
            let reduction = table.reductions[grade.value]
        else { return nil }
        return given(
            FigureID.outcome(outcome.id, .optimismBias), "OB",
            "Optimism-bias reduction for confidence grade \(grade.value)",
            step: .optimismBias, value: reduction.value, unit: "share",
            origin: Self.origin(model: table.model, at: reduction.location), rationale: reduction.rationale,
            source: reduction.source)
    }

    /// The drop-off leaves: one share for every year, or one per year after the first (entry
    /// `j − 1` the decline from year `j` of the outcome to year `j + 1`).
    mutating func recordDropOff(_ outcome: Outcome) -> [Int] {
        guard let dropOff = outcome.dropOff else {
            return [
                given(
                    FigureID.outcome(outcome.id, .dropOff), "DO", "Drop-off for \(outcome.id): none declared",
                    step: .dropOff, value: 0,
                    unit: "share per year", origin: .methodDefault("no drop-off declared: 0"))
            ]
        }
        switch dropOff.value {
        case .constant(let share):
            return [
                given(
                    FigureID.outcome(outcome.id, .dropOff), "DO", "Drop-off for \(outcome.id)", step: .dropOff,
                    value: share,
                    unit: "share per year", origin: .written(dropOff.location), rationale: dropOff.rationale,
                    source: dropOff.source,
                    parameter: dropOff.uncertainty == nil ? nil : .dropOff(outcome: outcome.declaredID),
                    assumption: .dropOff(outcome: outcome.declaredID))
            ]
        case .byYear(let shares):
            return shares.enumerated().map { index, share in
                given(
                    FigureID.outcome(outcome.id, .dropOffFrom(outcomeYear: index + 1)), "DO_\(index + 1)",
                    "Drop-off for \(outcome.id) from year \(index + 1) to year \(index + 2) of the outcome",
                    step: .dropOff, value: share, unit: "share", origin: .written(dropOff.location),
                    rationale: dropOff.rationale, source: dropOff.source,
                    assumption: .dropOff(outcome: outcome.declaredID))
            }
        }
    }
}

extension DeductionKind {
    /// The symbol of the share in formulas.
    var symbol: String {
        switch self {
        case .deadweight: return "DW"
        case .displacement: return "DS"
        case .attribution: return "AT"
        }
    }
}
