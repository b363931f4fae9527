/// Two scenarios side by side: every declared difference, and how much of the difference in
/// value each one accounts for.
///
/// Each difference is applied on its own to the baseline (the baseline with only that field
/// taken from the other scenario) and evaluated through the evaluation plan; its effect is the
/// change from the baseline's figures. The effects do not depend on the order of the file. What
/// they do not add up to is the remainder: the interaction of the changes (two changes that
/// multiply each other do more together than apart) and the differences that cannot be applied
/// on their own (a formula that needs a value only the other scenario declares). It is shown and
/// explained, never spread over the differences.
public struct ScenarioComparison: Sendable {
    public struct Difference: Sendable {
        /// What differs, named as scenario files name it: `outcomes[jobs].quantity`.
        public var name: String
        public var baseline: String
        public var other: String
        public var baselineLocation: SourceLocation?
        public var otherLocation: SourceLocation?
        /// The change in total present value when only this difference is applied to the baseline;
        /// `nil` when it cannot be applied on its own.
        public var presentValueEffect: FigureValue?
        /// The change in the SROI ratio when only this difference is applied.
        public var ratioEffect: FigureValue?
        /// Why the difference was not applied on its own.
        public var notAppliedAlone: String?
        let apply: @Sendable (inout Scenario) -> Void

        /// Whether this difference was applied, and its effect measured, on its own.
        public var isAttributedAlone: Bool { presentValueEffect != nil }
    }

    public var baseline: Evaluation
    public var other: Evaluation
    /// Differences in file order: conventions, named values, inputs, outcomes.
    public var differences: [Difference]
    /// Total present value of the other option less the baseline's.
    public var presentValueDifference: FigureValue
    /// SROI ratio of the other option less the baseline's.
    public var ratioDifference: FigureValue
    /// The part of ``presentValueDifference`` that the differences applied one at a time do not
    /// account for: their interaction and the differences that cannot be applied alone.
    public var remainder: FigureValue
    /// The same for the ratio.
    public var ratioRemainder: FigureValue
    /// The other option against the baseline as a business case.
    public var incremental: Incremental

    /// What the other option adds to the baseline, as a business case: each figure one
    /// subtraction or division of the two evaluations' figures.
    public struct Incremental: Sendable {
        /// Total present value of the other option less the baseline's.
        public var benefits: FigureValue
        /// Whole cost (inputs and declared costs, in present value) of the other less the baseline's.
        public var cost: FigureValue
        /// Net present value of the other option as a business case less the baseline's.
        public var netPresentValue: FigureValue
        /// Extra benefits ÷ extra cost; undefined, with the reason, when the extra cost is not positive.
        public var benefitCostRatio: FigureValue
        /// Net cash (cash released less spending) of the other less the baseline's, by analysis
        /// year, when both options declare a business case.
        public var netCashByYear: [(year: Int, value: FigureValue)]
        /// The same in nominal cash, when both options declare inflation.
        public var nominalNetCashByYear: [(year: Int, value: FigureValue)]

        init(baseline: Results, other: Results) {
            func wholeCost(_ results: Results) -> FigureValue {
                (results.businessCase?.wholeCost ?? results.totalInputs).value
            }
            func net(_ results: Results) -> FigureValue {
                (results.businessCase?.netPresentValue ?? results.netPresentValue).value
            }
            benefits = baseline.totalPresentValue.value.minus(other.totalPresentValue.value, reversed: true)
            cost = wholeCost(baseline).minus(wholeCost(other), reversed: true)
            netPresentValue = net(baseline).minus(net(other), reversed: true)
            switch (benefits, cost) {
            case (.number(let extra), .number(let spent)) where spent > 0:
                benefitCostRatio = .number(extra / spent)
            case (.number, .number(let spent)):
                benefitCostRatio = .undefined(
                    reason: spent == 0
                        ? "the options cost the same, so the difference is the net present value alone"
                        : "the option costs less than the baseline, so its net present value, not a ratio, says what it adds"
                )
            case (.undefined(let reason), _), (_, .undefined(let reason)):
                benefitCostRatio = .undefined(reason: reason)
            }
            netCashByYear = []
            nominalNetCashByYear = []
            guard let a = baseline.businessCase, let b = other.businessCase else { return }
            let years = Set(a.years.map(\.year)).union(b.years.map(\.year)).sorted()
            func difference(_ pick: (BusinessCaseResult.Year) -> Figure?) -> [(year: Int, value: FigureValue)] {
                years.map { t in
                    guard let start = a.years.first(where: { $0.year == t }).flatMap(pick)?.value,
                        let end = b.years.first(where: { $0.year == t }).flatMap(pick)?.value
                    else {
                        return (
                            year: t, value: .undefined(reason: "year \(t) lies outside one option's analysis period")
                        )
                    }
                    return (year: t, value: start.minus(end, reversed: true))
                }
            }
            netCashByYear = difference(\.netCash)
            if a.inflation != nil, b.inflation != nil {
                nominalNetCashByYear = difference { $0.nominal?.netCash }
            }
        }
    }

    public init(baseline a: Scenario, other b: Scenario) throws(ValidationFailure) {
        guard a.reportCurrency.value == b.reportCurrency.value else {
            throw ValidationFailure([
                Diagnostic(
                    code: .comparison, at: b.reportCurrency.location, field: "report_currency",
                    message:
                        "options are compared in one currency, but the baseline reports in \(a.reportCurrency.value)",
                    found: b.reportCurrency.value.code, allowed: a.reportCurrency.value.code)
            ])
        }
        baseline = try Evaluator().evaluate(a)
        other = try Evaluator().evaluate(b)
        let start = Headline(baseline.results)
        let end = Headline(other.results)
        presentValueDifference = start.totalPresentValue.minus(end.totalPresentValue, reversed: true)
        ratioDifference = start.sroiRatio.minus(end.sroiRatio, reversed: true)
        var finder = DifferenceFinder(a, b)
        var found = finder.all()
        var pvRemainder = presentValueDifference
        var ratioRemainder = ratioDifference
        for index in found.indices {
            var edited = a
            found[index].apply(&edited)
            do {
                let headline = try EvaluationPlan(edited).headline()
                let pv = headline.totalPresentValue.minus(start.totalPresentValue)
                let ratio = headline.sroiRatio.minus(start.sroiRatio)
                found[index].presentValueEffect = pv
                found[index].ratioEffect = ratio
                pvRemainder = pvRemainder.minus(pv)
                ratioRemainder = ratioRemainder.minus(ratio)
            } catch {
                found[index].notAppliedAlone =
                    "the baseline with only this change does not validate: "
                    + (error.errors.first.map { "\($0.field): \($0.message)" } ?? "")
            }
        }
        differences = found
        incremental = Incremental(baseline: baseline.results, other: other.results)
        remainder = pvRemainder
        self.ratioRemainder = ratioRemainder
    }

    /// The headline figures of results.
    private struct Headline {
        var totalPresentValue: FigureValue
        var sroiRatio: FigureValue

        init(_ results: Results) {
            totalPresentValue = results.totalPresentValue.value
            sroiRatio = results.sroiRatio.value
        }
    }
}

extension FigureValue {
    /// `self − other` (or `other − self` when `reversed`); undefined when either is.
    public func minus(_ other: FigureValue, reversed: Bool = false) -> FigureValue {
        switch (self, other) {
        case (.number(let a), .number(let b)): return .number(reversed ? b - a : a - b)
        case (.undefined(let reason), _), (_, .undefined(let reason)): return .undefined(reason: reason)
        }
    }
}

/// Lists every field in which two scenarios differ, with a way to apply each on its own.
private struct DifferenceFinder {
    typealias Difference = ScenarioComparison.Difference
    let a: Scenario
    let b: Scenario
    var found: [Difference] = []
    var noted: Set<String> = []

    init(_ a: Scenario, _ b: Scenario) {
        self.a = a
        self.b = b
    }

    static func text(_ value: Double) -> String { NumberFormat.shortest(value) }

    /// How a stated figure reads in a comparison: the number, the formula, or the records query,
    /// with its unit and price year when declared.
    static func describe(_ definition: StatedValue.Definition, unit: Unit?, priceYear: PriceYear? = nil) -> String {
        var text: String
        switch definition {
        case .given(let number): text = Self.text(number)
        case .formula(_, let formula): text = "formula \(formula)"
        case .records(let declaration, let reading):
            text = "records: \(declaration.summary)" + (reading.map { " = \(Self.text($0.value))" } ?? "")
        }
        if let unit { text += " [\(unit)]" }
        if let priceYear { text += " (\(priceYear) prices)" }
        return text
    }

    static func describe(_ value: StatedValue) -> String { describe(value.definition, unit: value.unit) }

    static func describe(_ proxy: FinancialProxy) -> String {
        var text = describe(proxy.amount)
        if let price = proxy.price {
            text += " \(price.currency.code)"
            if let per = price.per { text += "/\(per)" }
            if let year = price.priceYear { text += " (\(year) prices)" }
            if let model = price.model { text += " from \(model.reference)" }
        }
        return text
    }

    static func describe(_ shares: Assumption<YearlyShares>?) -> String {
        shares?.value.shares.map(text).joined(separator: ", ") ?? "none"
    }

    static func describe(_ value: NamedValue) -> String {
        describe(value.definition, unit: value.unit, priceYear: value.priceYear)
    }

    static func describe(_ schedule: DiscountSchedule) -> String {
        schedule.name ?? schedule.bands.map { "from year \($0.fromYear): \(text($0.rate))" }.joined(separator: ", ")
    }

    static func describe(_ input: Input) -> String {
        switch input.valuation {
        case .money(let amount): return "\(describe(amount)) \(input.currency.value.code)"
        case .inKindTime(let hours, let rate):
            return "\(describe(hours)) hours at \(describe(rate)) \(input.currency.value.code)/hour"
        }
    }

    mutating func note(
        _ name: String, _ x: String, _ y: String, _ lx: SourceLocation?, _ ly: SourceLocation?,
        apply: @escaping @Sendable (inout Scenario) -> Void
    ) {
        guard x != y, noted.insert(name).inserted else { return }
        found.append(
            Difference(
                name: name, baseline: x, other: y, baselineLocation: lx, otherLocation: ly, apply: apply))
    }

    mutating func all() -> [Difference] {
        conventions()
        values()
        inputs()
        outcomes()
        return found
    }

    private mutating func conventions() {
        let (ca, cb) = (a.conventions, b.conventions)
        let other = b
        note(
            "conventions.discount_from", ca.discountFrom.value.rawValue, cb.discountFrom.value.rawValue,
            ca.discountFrom.location, cb.discountFrom.location
        ) { $0.conventions.discountFrom = other.conventions.discountFrom }
        note(
            "conventions.discount_rate", Self.describe(ca.discounting), Self.describe(cb.discounting),
            ca.discounting.location, cb.discounting.location
        ) { $0.conventions.discounting = other.conventions.discounting }
        note(
            "conventions.discount_inputs", String(ca.discountInputs.value), String(cb.discountInputs.value),
            ca.discountInputs.location, cb.discountInputs.location
        ) { $0.conventions.discountInputs = other.conventions.discountInputs }
        note(
            "price_base_year", a.priceBaseYear?.value.label ?? "none", b.priceBaseYear?.value.label ?? "none",
            a.priceBaseYear?.location, b.priceBaseYear?.location
        ) { $0.priceBaseYear = other.priceBaseYear }
        func points(_ index: PriceIndex?) -> String {
            guard let index else { return "none" }
            return index.name
                ?? index.points.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.text($0.value.value))" }
                .joined(separator: ", ")
        }
        note(
            "conventions.price_index", points(a.priceIndex), points(b.priceIndex), a.priceIndex?.location,
            b.priceIndex?.location
        ) { $0.priceIndex = other.priceIndex }
        func grades(_ table: OptimismBiasTable?) -> String {
            guard let table else { return "none" }
            return table.reductions.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.text($0.value.value))" }
                .joined(separator: ", ")
        }
        note(
            "conventions.optimism_bias", grades(a.optimismBias), grades(b.optimismBias), a.optimismBias?.location,
            b.optimismBias?.location
        ) { $0.optimismBias = other.optimismBias }
        note(
            "analysis_period.years", String(a.analysisYears.value), String(b.analysisYears.value),
            a.analysisYears.location, b.analysisYears.location
        ) { $0.analysisYears = other.analysisYears }
        for conversion in a.conversions {
            let name = "conversions[\(conversion.from.code)-\(conversion.to.code)]"
            let match = b.conversion(from: conversion.from, to: conversion.to)
            note(
                name, "\(Self.text(conversion.rate)) on \(conversion.date)",
                match.map { "\(Self.text($0.rate)) on \($0.date)" } ?? "absent", conversion.location, match?.location
            ) { scenario in
                scenario.conversions.removeAll { $0.from == conversion.from && $0.to == conversion.to }
                if let match { scenario.conversions.append(match) }
            }
        }
        for conversion in b.conversions where a.conversion(from: conversion.from, to: conversion.to) == nil {
            note(
                "conversions[\(conversion.from.code)-\(conversion.to.code)]", "absent",
                "\(Self.text(conversion.rate)) on \(conversion.date)", nil, conversion.location
            ) { $0.conversions.append(conversion) }
        }
    }

    private mutating func values() {
        for value in a.values {
            let name = "values.\(value.name)"
            let match = b.values.first { $0.name == value.name }
            note(
                name, Self.describe(value), match.map(Self.describe) ?? "absent",
                value.formulaLocation ?? value.location,
                match.map { $0.formulaLocation ?? $0.location } ?? nil
            ) { scenario in
                scenario.values.removeAll { $0.name == value.name }
                if let match { scenario.values.append(match) }
            }
        }
        for value in b.values where !a.values.contains(where: { $0.name == value.name }) {
            note("values.\(value.name)", "absent", Self.describe(value), nil, value.formulaLocation ?? value.location) {
                $0.values.append(value)
            }
        }
    }

    private mutating func inputs() {
        for input in a.inputs {
            let path = "inputs[\(input.id)]"
            guard let match = b.inputs.first(where: { $0.id == input.id }) else {
                note(path, Self.describe(input), "absent", input.location, nil) { scenario in
                    scenario.inputs.removeAll { $0.id == input.id }
                }
                continue
            }
            func update(_ body: @escaping @Sendable (inout Input) -> Void) -> @Sendable (inout Scenario) -> Void {
                { scenario in
                    for index in scenario.inputs.indices where scenario.inputs[index].id == input.id {
                        body(&scenario.inputs[index])
                    }
                }
            }
            let location: (Input) -> SourceLocation? = { input in
                switch input.valuation {
                case .money(let amount): return amount.location
                case .inKindTime(let hours, _): return hours.location
                }
            }
            note(
                "\(path).amount", Self.describe(input), Self.describe(match), location(input), location(match),
                apply: update {
                    $0.valuation = match.valuation
                    $0.currency = match.currency
                })
            note(
                "\(path).year", String(input.year.value), String(match.year.value), input.year.location,
                match.year.location, apply: update { $0.year = match.year })
        }
        for input in b.inputs where !a.inputs.contains(where: { $0.id == input.id }) {
            note("inputs[\(input.id)]", "absent", Self.describe(input), nil, input.location) {
                $0.inputs.append(input)
            }
        }
    }

    private mutating func outcomes() {
        for outcome in a.outcomes {
            guard let match = b.outcomes.first(where: { $0.id == outcome.id }) else {
                note("outcomes[\(outcome.id)]", "declared", "absent", outcome.location, nil) { scenario in
                    scenario.outcomes.removeAll { $0.id == outcome.id }
                }
                continue
            }
            // Cohorts of one outcome share its assumptions: each difference is noted, and applied, once.
            let declared = outcome.declaredID
            let name = "outcomes[\(declared)]"
            let other = b
            func field(
                _ key: String, _ x: String, _ y: String, _ lx: SourceLocation?, _ ly: SourceLocation?,
                _ body: @escaping @Sendable (inout Outcome, Outcome) -> Void
            ) {
                note("\(name).\(key)", x, y, lx, ly) { scenario in
                    for index in scenario.outcomes.indices where scenario.outcomes[index].declaredID == declared {
                        if let source = other.outcomes.first(where: { $0.id == scenario.outcomes[index].id }) {
                            body(&scenario.outcomes[index], source)
                        }
                    }
                }
            }
            // A quantity read by year differs by cohort: each cohort is its own figure.
            let quantityName = outcome.quantity.recorded?.byYear != nil ? "outcomes[\(outcome.id)]" : name
            note(
                "\(quantityName).quantity", Self.describe(outcome.quantity), Self.describe(match.quantity),
                outcome.quantity.location, match.quantity.location
            ) { scenario in
                for index in scenario.outcomes.indices where scenario.outcomes[index].id == outcome.id {
                    scenario.outcomes[index].quantity = match.quantity
                    scenario.outcomes[index].quantityUnit = match.quantityUnit
                }
            }
            field(
                "proxy", Self.describe(outcome.proxy), Self.describe(match.proxy), outcome.proxy.amount.location,
                match.proxy.amount.location
            ) { $0.proxy = $1.proxy }
            for kind in DeductionKind.allCases {
                field(
                    kind.rawValue, Self.describe(outcome.deduction(kind)), Self.describe(match.deduction(kind)),
                    outcome.deduction(kind)?.location, match.deduction(kind)?.location
                ) { target, source in
                    switch kind {
                    case .deadweight: target.deadweight = source.deadweight
                    case .displacement: target.displacement = source.displacement
                    case .attribution: target.attribution = source.attribution
                    }
                }
            }
            field(
                "drop_off", Self.describe(outcome.dropOff), Self.describe(match.dropOff), outcome.dropOff?.location,
                match.dropOff?.location
            ) { $0.dropOff = $1.dropOff }
            field(
                "duration", String(outcome.duration.value), String(match.duration.value), outcome.duration.location,
                match.duration.location
            ) {
                $0.duration = $1.duration
                $0.durationUncertainty = $1.durationUncertainty
            }
            field(
                "start_year", String(outcome.startYear.value), String(match.startYear.value),
                outcome.startYear.location, match.startYear.location
            ) { $0.startYear = $1.startYear }
            field(
                "value_type", outcome.valueType.value.rawValue, match.valueType.value.rawValue,
                outcome.valueType.location, match.valueType.location
            ) { $0.valueType = $1.valueType }
            field(
                "stakeholder", outcome.stakeholder.value, match.stakeholder.value, outcome.stakeholder.location,
                match.stakeholder.location
            ) { $0.stakeholder = $1.stakeholder }
            field(
                "confidence", outcome.confidence?.value ?? "none", match.confidence?.value ?? "none",
                outcome.confidence?.location, match.confidence?.location
            ) { $0.confidence = $1.confidence }
        }
        for outcome in b.outcomes where !a.outcomes.contains(where: { $0.id == outcome.id }) {
            note("outcomes[\(outcome.id)]", "absent", "declared", nil, outcome.location) { scenario in
                scenario.outcomes.append(outcome)
            }
        }
    }
}
