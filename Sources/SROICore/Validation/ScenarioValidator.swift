/// Checks a ``Scenario`` against the ranges and rules of SROI-METHOD before anything is
/// calculated, and reports every problem found rather than stopping at the first.
public struct ScenarioValidator: Sendable {
    /// Whether quantities declared from records must already have been read. Loading checks a
    /// scenario before its data is read; evaluation requires it.
    public var requiresRecordedQuantities: Bool

    public init(requiresRecordedQuantities: Bool = true) {
        self.requiresRecordedQuantities = requiresRecordedQuantities
    }

    /// All problems of the scenario; an empty list, or warnings only, means it can be evaluated.
    public func diagnose(_ scenario: Scenario) -> [Diagnostic] {
        var report = Report()
        checkFrame(scenario, into: &report)
        if let second = scenario.report.secondCurrency, second.value != scenario.reportCurrency.value,
            scenario.conversion(from: scenario.reportCurrency.value, to: second.value) == nil,
            scenario.conversion(from: second.value, to: scenario.reportCurrency.value) == nil
        {
            report.error(
                code: .units, second.location, "report.currency",
                "money is shown in \(second.value) only at a declared rate, and none is declared between \(scenario.reportCurrency.value) and \(second.value)",
                found: second.value.code,
                allowed:
                    "a conversions entry from \(scenario.reportCurrency.value) to \(second.value) (or back), with its date and source"
            )
        }
        let stakeholderIDs = checkStakeholders(scenario, into: &report)
        checkInputs(scenario, stakeholderIDs: stakeholderIDs, into: &report)
        checkBusinessCase(scenario, stakeholderIDs: stakeholderIDs, into: &report)
        checkOutcomes(scenario, stakeholderIDs: stakeholderIDs, into: &report)
        checkDeclaredClaims(scenario, stakeholderIDs: stakeholderIDs, into: &report)
        checkValuePriceYears(scenario, into: &report)
        checkRecords(scenario, into: &report)
        checkUncertainty(scenario, into: &report)
        var formulas = FormulaChecker(scenario: scenario, report: report)
        formulas.checkAll()
        report = formulas.report
        return report.diagnostics
    }

    /// Throws ``ValidationFailure`` when the scenario has errors; returns its warnings otherwise.
    @discardableResult
    public func validate(_ scenario: Scenario) throws(ValidationFailure) -> [Diagnostic] {
        let diagnostics = diagnose(scenario)
        if diagnostics.containsErrors { throw ValidationFailure(diagnostics) }
        return diagnostics
    }

    struct Report {
        var diagnostics: [Diagnostic] = []

        mutating func error(
            code: DiagnosticCode = .invalid, _ location: SourceLocation?, _ field: String, _ message: String,
            found: String? = nil, allowed: String? = nil
        ) {
            diagnostics.append(
                Diagnostic(
                    .error, code: code, at: location, field: field, message: message, found: found, allowed: allowed))
        }

        mutating func warning(_ location: SourceLocation?, _ field: String, _ message: String) {
            diagnostics.append(Diagnostic(.warning, code: .invalid, at: location, field: field, message: message))
        }

        /// A given figure within its range; a formula or records are checked when they are computed.
        mutating func stated(_ value: StatedValue, _ field: String, minimum: Double, allowed: String) {
            guard let number = value.givenValue else { return }
            range(number, value.location, field, minimum: minimum, allowed: allowed)
        }

        /// A finite number no lower than `minimum` (and no higher than `maximum` when given).
        mutating func range(
            _ value: Double, _ location: SourceLocation?, _ field: String, minimum: Double,
            maximum: Double? = nil, allowed: String
        ) {
            if !value.isFinite || value < minimum || (maximum.map { value > $0 } ?? false) {
                error(
                    code: .outOfRange, location, field, "is out of range", found: NumberFormat.shortest(value),
                    allowed: allowed)
            }
        }
    }

    private static let share = "a share from 0 to 1"

    private func checkFrame(_ scenario: Scenario, into report: inout Report) {
        if scenario.analysisYears.value < 1 || scenario.analysisYears.value > Scenario.maximumAnalysisYears {
            report.error(
                code: .outOfRange, scenario.analysisYears.location, "analysis_period.years",
                "is outside the years an analysis may span",
                found: String(scenario.analysisYears.value),
                allowed: "a whole number from 1 to \(Scenario.maximumAnalysisYears)")
        }
        let schedule = scenario.conventions.discounting
        if schedule.bands.isEmpty {
            report.error(
                code: .missing, schedule.location, "conventions.discount_rate", "declares no rate",
                allowed: "a rate ≥ 0, or bands")
        }
        for (index, band) in schedule.bands.enumerated() {
            let field = "conventions.discount_rate[\(index)]"
            report.range(band.rate, band.location, "\(field).rate", minimum: 0, allowed: "a rate ≥ 0, e.g. 0.035")
            if index == 0, band.fromYear != 1 {
                report.error(
                    code: .outOfRange, band.location, "\(field).from_year", "the first band must start at year 1",
                    found: String(band.fromYear), allowed: "1")
            }
            if index > 0, band.fromYear <= schedule.bands[index - 1].fromYear {
                report.error(
                    code: .outOfRange, band.location, "\(field).from_year", "bands must be in ascending order of year",
                    found: String(band.fromYear), allowed: "more than \(schedule.bands[index - 1].fromYear)")
            }
        }
        if let index = scenario.priceIndex {
            for (year, point) in index.points.sorted(by: { $0.key < $1.key }) {
                report.range(
                    point.value, point.location, "price_index.\(year)", minimum: .leastNonzeroMagnitude,
                    allowed: "an index value > 0")
            }
            if let base = scenario.priceBaseYear, scenario.priceBase(for: index) == nil {
                report.error(
                    code: .unknownReference, base.location, "price_base_year",
                    "the price index has no value for the base year \(base.value)",
                    found: base.value.label, allowed: index.points.keys.sorted().map(\.label).joined(separator: ", "))
            }
        }
        if let table = scenario.optimismBias {
            for (grade, reduction) in table.reductions.sorted(by: { $0.key < $1.key }) {
                report.range(
                    reduction.value, reduction.location, "optimism_bias.\(grade)", minimum: 0, maximum: 1,
                    allowed: Self.share)
            }
        }
    }

    private func checkStakeholders(_ scenario: Scenario, into report: inout Report) -> Set<String> {
        var seen: [String: SourceLocation?] = [:]
        for stakeholder in scenario.stakeholders {
            if let first = seen[stakeholder.id] {
                report.error(
                    code: .duplicate, stakeholder.location, "stakeholders[\(stakeholder.id)].id",
                    "duplicate stakeholder id, first declared at \(first.map(\.description) ?? "another entry")",
                    found: stakeholder.id)
            } else {
                seen[stakeholder.id] = stakeholder.location
            }
        }
        return Set(seen.keys)
    }

    private func checkReference(
        _ stakeholder: Located<String>, field: String, known: Set<String>, into report: inout Report
    ) {
        guard !known.contains(stakeholder.value) else { return }
        report.error(
            code: .unknownReference, stakeholder.location, field, "refers to a stakeholder that is not declared",
            found: stakeholder.value,
            allowed: known.isEmpty ? "an id declared under stakeholders" : known.sorted().joined(separator: ", "))
    }

    /// The engagement record names declared stakeholders; an included outcome is one that is
    /// valued, an excluded one is not.
    private func checkDeclaredClaims(_ scenario: Scenario, stakeholderIDs: Set<String>, into report: inout Report) {
        for (index, engagement) in scenario.report.engagement.enumerated() {
            checkReference(
                engagement.stakeholder, field: "report.engagement[\(index)].stakeholder", known: stakeholderIDs,
                into: &report)
        }
        let outcomeIDs = Set(scenario.outcomes.flatMap { [$0.id, $0.declaredID] })
        for (index, decision) in scenario.report.materiality.enumerated() {
            let field = "report.materiality[\(index)].outcome"
            if decision.included, !outcomeIDs.contains(decision.outcome.value) {
                report.error(
                    code: .unknownReference, decision.outcome.location, field,
                    "an included outcome is one of the scenario's outcomes", found: decision.outcome.value,
                    allowed: scenario.outcomes.map(\.declaredID).joined(separator: ", "))
            } else if !decision.included, outcomeIDs.contains(decision.outcome.value) {
                report.error(
                    code: .invalid, decision.outcome.location, field,
                    "is excluded here but valued under outcomes; an outcome left out is not valued",
                    found: decision.outcome.value, allowed: "the name of an outcome not in outcomes")
            }
        }
    }

    private func checkInputs(_ scenario: Scenario, stakeholderIDs: Set<String>, into report: inout Report) {
        var seen: Set<String> = []
        let years = scenario.analysisYears.value
        for input in scenario.inputs {
            let path = "inputs[\(input.id)]"
            if !seen.insert(input.id).inserted {
                report.error(code: .duplicate, input.location, "\(path).id", "duplicate input id", found: input.id)
            }
            if let stakeholder = input.stakeholder {
                checkReference(stakeholder, field: "\(path).stakeholder", known: stakeholderIDs, into: &report)
            }
            switch input.valuation {
            case .money(let amount):
                report.stated(amount, "\(path).amount", minimum: 0, allowed: "an amount ≥ 0")
            case .inKindTime(let hours, let rate):
                report.stated(hours, "\(path).in_kind.hours", minimum: 0, allowed: "hours ≥ 0")
                report.stated(rate, "\(path).in_kind.rate_per_hour", minimum: 0, allowed: "a rate ≥ 0")
            }
            if input.currency.value != scenario.reportCurrency.value,
                scenario.conversion(from: input.currency.value, to: scenario.reportCurrency.value) == nil
            {
                report.error(
                    code: .units, input.currency.location, "\(path).currency",
                    "money in \(input.currency.value) cannot be added to the report currency without a declared conversion",
                    found: input.currency.value.code, allowed: scenario.reportCurrency.value.code)
            }
            if input.year.value < 1 || input.year.value > years {
                report.error(
                    code: .outOfRange, input.year.location, "\(path).year", "is outside the analysis period",
                    found: String(input.year.value), allowed: "1 to \(years)")
            }
        }
    }

    private func checkBusinessCase(_ scenario: Scenario, stakeholderIDs: Set<String>, into report: inout Report) {
        if let bias = scenario.conventions.costOptimismBias, !(bias.value >= 0 && bias.value.isFinite) {
            report.error(
                code: .outOfRange, bias.location, "conventions.optimism_bias_on_costs",
                "is the share costs are raised by", found: NumberFormat.shortest(bias.value), allowed: "a share ≥ 0")
        }
        guard let businessCase = scenario.businessCase else { return }
        if let inflation = businessCase.inflation {
            checkInflation(inflation, scenario, into: &report)
        }
        var seen: Set<String> = []
        for cost in businessCase.costs {
            let path = "business_case.costs[\(cost.id)]"
            if !seen.insert(cost.id).inserted {
                report.error(code: .duplicate, cost.location, "\(path).id", "duplicate cost id", found: cost.id)
            }
            if let stakeholder = cost.stakeholder {
                checkReference(stakeholder, field: "\(path).stakeholder", known: stakeholderIDs, into: &report)
            }
            report.stated(cost.amount, "\(path).amount", minimum: 0, allowed: "an amount ≥ 0 a year")
            if cost.years.value.contains(where: { $0 < 1 || $0 > scenario.analysisYears.value }) {
                report.error(
                    code: .outOfRange, cost.years.location, "\(path).years", "lists a year outside the analysis period",
                    allowed: "1 to \(scenario.analysisYears.value)")
            }
        }
    }

    /// Nominal cash compounds inflation from the price base to each analysis year, so it needs
    /// both years, not too far apart to count year by year.
    private func checkInflation(_ inflation: Assumption<Double>, _ scenario: Scenario, into report: inout Report) {
        let field = "business_case.inflation"
        if !(inflation.value > -1 && inflation.value.isFinite) {
            report.error(
                code: .outOfRange, inflation.location, field, "is the rate prices rise by a year",
                found: NumberFormat.shortest(inflation.value), allowed: "a rate above −1, e.g. 0.02")
        }
        guard let first = scenario.firstCalendarYear else {
            report.error(
                code: .missing, inflation.location, "analysis_period.first_year",
                "is needed to count nominal cash: inflation runs from the price base to each analysis year",
                allowed: "the calendar year analysis year 1 starts in, e.g. 2024")
            return
        }
        guard let base = scenario.nominalPriceBase else {
            report.error(
                code: .missing, inflation.location, "price_base_year",
                "is needed to count nominal cash: inflation runs from the price base to each analysis year",
                allowed: scenario.financialYears ? "a financial year, e.g. 2023-24" : "a year, e.g. 2023")
            return
        }
        let gap = abs(first - base.value.startYear)
        if gap > Scenario.maximumAnalysisYears {
            report.error(
                code: .outOfRange, base.location, "price_base_year",
                "is too far from the analysis period to compound inflation year by year", found: base.value.label,
                allowed: "within \(Scenario.maximumAnalysisYears) years of analysis_period.first_year (\(first))")
        }
    }

    private func checkOutcomes(_ scenario: Scenario, stakeholderIDs: Set<String>, into report: inout Report) {
        var seen: Set<String> = []
        for outcome in scenario.outcomes {
            let path = "outcomes[\(outcome.id)]"
            if !seen.insert(outcome.id).inserted {
                report.error(
                    code: .duplicate, outcome.location, "\(path).id", "duplicate outcome id", found: outcome.id)
            }
            checkReference(outcome.stakeholder, field: "\(path).stakeholder", known: stakeholderIDs, into: &report)
            report.stated(outcome.quantity, "\(path).quantity", minimum: 0, allowed: "a quantity ≥ 0")
            checkDuration(outcome, path: path, analysisYears: scenario.analysisYears.value, into: &report)
            for kind in DeductionKind.allCases {
                guard let deduction = outcome.deduction(kind) else { continue }
                checkDeduction(
                    deduction, field: "\(path).\(kind.rawValue)", duration: outcome.duration.value, into: &report)
                if deduction.value.shares.contains(1) {
                    report.warning(
                        deduction.location, "\(path).\(kind.rawValue)",
                        "a \(kind.title.lowercased()) of 1 (100%) removes the whole of the outcome's value\(deduction.value.isByYear ? " in that year" : ""); if that is meant, leaving the outcome out says so more plainly"
                    )
                }
            }
            if let dropOff = outcome.dropOff {
                checkDropOff(dropOff, field: "\(path).drop_off", duration: outcome.duration.value, into: &report)
            }
            checkProxy(outcome, path: path, scenario: scenario, into: &report)
            if let grade = outcome.confidence {
                if let table = scenario.optimismBias {
                    if table.reductions[grade.value] == nil {
                        report.error(
                            code: .unknownReference, grade.location, "\(path).confidence",
                            "the optimism-bias table has no such grade",
                            found: grade.value, allowed: table.reductions.keys.sorted().joined(separator: ", "))
                    }
                } else {
                    report.warning(
                        grade.location, "\(path).confidence",
                        "no optimism-bias table is declared, so this grade applies no correction")
                }
            }
        }
    }

    private func checkRecords(_ scenario: Scenario, into report: inout Report) {
        if requiresRecordedQuantities {
            // A figure from records has no number until the records are read: nothing is evaluated without them.
            let unread =
                scenario.outcomes.filter(\.quantity.isUnreadRecords).map {
                    ("outcomes[\($0.declaredID)].quantity", $0.quantity.location)
                }
                + scenario.values.filter { if case .records(_, reading: nil) = $0.definition { true } else { false } }
                .map { ("values.\($0.name)", $0.location) }
            for (field, location) in unread {
                report.error(
                    code: .recordsNotRead, location, field, "comes from recorded data, which has not been read",
                    allowed: "run with --data DB, the record store it is read from")
            }
        }
        let outcomeIDs = Set(scenario.outcomes.map(\.declaredID))
        for rule in scenario.integrityRules {
            let named: [String]
            switch rule.kind {
            case .countedOnce(let outcome, _), .withinWindow(let outcome, _, _, _): named = [outcome]
            case .mutuallyExclusive(let outcomes, _): named = outcomes
            }
            for outcome in named where !outcomeIDs.contains(outcome) {
                report.error(
                    code: .unknownReference, rule.location, "integrity[\(rule.name)]",
                    "refers to an outcome that is not declared",
                    found: outcome,
                    allowed: outcomeIDs.sorted().joined(separator: ", "))
            }
        }
        for finding in scenario.integrityFindings { report.diagnostics.append(finding.diagnostic) }
    }

    private func checkUncertainty(_ scenario: Scenario, into report: inout Report) {
        let settings = scenario.sensitivity
        report.range(settings.targetRatio, nil, "sensitivity.target_ratio", minimum: 0, allowed: "a ratio ≥ 0")
        for parameter in scenario.uncertainParameters {
            let uncertainty = parameter.uncertainty
            let field = "\(parameter.name).range"
            let domain = parameter.domain
            let allowed: String
            switch parameter.kind {
            case .deduction, .dropOff: allowed = "shares from 0 to 1"
            case .quantity, .discountRate: allowed = "values ≥ 0"
            case .proxy, .value: allowed = "finite values"
            case .duration: allowed = "whole numbers of years ≥ 1"
            }
            if case .normal(let deviation) = uncertainty.distribution, !(deviation > 0 && deviation.isFinite) {
                report.error(
                    code: .missing, uncertainty.location, "\(parameter.name).sd",
                    "a normal distribution needs a standard deviation > 0",
                    found: NumberFormat.shortest(deviation))
            }
            guard let low = uncertainty.low, let high = uncertainty.high else {
                if parameter.isWholeNumber {
                    report.error(
                        code: .missing, uncertainty.location, field,
                        "a duration that varies needs a range, to keep within the analysis period",
                        allowed: "range: {low, high}")
                } else if uncertainty.low != nil || uncertainty.high != nil {
                    report.error(code: .missing, uncertainty.location, field, "a range needs both low and high")
                } else if let distribution = uncertainty.distribution, distribution.name != "normal" {
                    report.error(
                        code: .missing, uncertainty.location, field,
                        "a \(distribution.name) distribution needs a range",
                        allowed: "range: {low, high}")
                }
                continue
            }
            for (name, bound) in [("low", low), ("high", high)] where !(bound.isFinite && domain.contains(bound)) {
                report.error(
                    code: .outOfRange, uncertainty.location, "\(field).\(name)",
                    "is outside the values the assumption may take",
                    found: NumberFormat.shortest(bound), allowed: allowed)
            }
            if parameter.isWholeNumber {
                for (name, bound) in [("low", low), ("high", high)] where bound.rounded() != bound {
                    report.error(
                        code: .outOfRange, uncertainty.location, "\(field).\(name)",
                        "a duration is a whole number of years",
                        found: NumberFormat.shortest(bound))
                }
            }
            if !(low < high) {
                report.error(
                    code: .outOfRange, uncertainty.location, field, "low must be below high",
                    found: "low \(NumberFormat.shortest(low)), high \(NumberFormat.shortest(high))")
            } else if !(low...high).contains(parameter.base) {
                report.error(
                    code: .outOfRange, uncertainty.location, field, "the assumption's value must lie within its range",
                    found:
                        "value \(NumberFormat.shortest(parameter.base)) outside \(NumberFormat.shortest(low))…\(NumberFormat.shortest(high))"
                )
            }
            if case .duration(let id) = parameter.kind {
                let cohorts = scenario.outcomes.filter { $0.declaredID == id }
                // The latest start among the cohorts of a quantity read by year bounds the range.
                if let start = cohorts.map(\.startYear.value).max(),
                    Double(start) + high - 1 > Double(scenario.analysisYears.value)
                {
                    report.error(
                        code: .outOfRange, uncertainty.location, "\(field).high",
                        "the outcome would run beyond the analysis period of \(scenario.analysisYears.value) years",
                        found: NumberFormat.shortest(high),
                        allowed: "at most \(scenario.analysisYears.value - start + 1)")
                }
                if let outcome = cohorts.first,
                    DeductionKind.allCases.contains(where: { outcome.deduction($0)?.value.isByYear == true })
                        || outcome.dropOff?.value.isByYear == true
                {
                    report.error(
                        uncertainty.location, field,
                        "a deduction or drop-off listed by year gives its shares over a fixed benefit period",
                        allowed: "a fixed duration, or one share for every year")
                }
            }
        }
    }

    private func checkDuration(_ outcome: Outcome, path: String, analysisYears: Int, into report: inout Report) {
        let duration = outcome.duration.value
        let start = outcome.startYear.value
        if duration < 1 {
            report.error(
                code: .outOfRange, outcome.duration.location, "\(path).duration",
                "a benefit period lasts at least one year",
                found: String(duration), allowed: "a whole number of years ≥ 1")
        }
        if start < 1 {
            report.error(
                code: .outOfRange, outcome.startYear.location, "\(path).start_year", "years are counted from 1",
                found: String(start), allowed: "a whole number ≥ 1")
        }
        // Compared without adding, so that no pair of large numbers can overflow.
        if duration >= 1, start >= 1, start > analysisYears || duration > analysisYears - start + 1 {
            report.error(
                code: .outOfRange, outcome.duration.location, "\(path).duration",
                "the outcome runs beyond the analysis period of \(analysisYears) years",
                found: String(duration),
                allowed: "at most \(max(analysisYears - start + 1, 0)) from start year \(start)")
        }
    }

    /// A deduction lists one share per year of the benefit period; a drop-off one per year after
    /// the first (SROI-METHOD steps 3 and 5).
    private func checkDeduction(
        _ deduction: Assumption<YearlyShares>, field: String, duration: Int, into report: inout Report
    ) {
        checkShares(
            deduction, field: field, entries: duration, into: &report,
            rule: "a list gives one share per year of the outcome's benefit period", counted: "duration")
    }

    private func checkDropOff(
        _ dropOff: Assumption<YearlyShares>, field: String, duration: Int, into report: inout Report
    ) {
        checkShares(
            dropOff, field: field, entries: duration - 1, into: &report,
            rule:
                "a drop-off list gives one decline per year after the first: entry j is the decline from year j of the outcome to year j + 1",
            counted: "duration − 1")
    }

    private func checkShares(
        _ shares: Assumption<YearlyShares>, field: String, entries: Int, into report: inout Report, rule: String,
        counted: String
    ) {
        func entriesText(_ n: Int) -> String { "\(n) entr\(n == 1 ? "y" : "ies")" }
        if case .byYear(let list) = shares.value, list.count != entries, entries >= 0 {
            report.error(
                code: .outOfRange, shares.location, field, rule, found: entriesText(list.count),
                allowed: "\(entriesText(entries)) (\(counted))")
        }
        for (index, share) in shares.value.shares.enumerated() {
            let name = shares.value.isByYear ? "\(field)[\(index)]" : field
            // A share written as a percentage (20 for 20%) is the commonest slip: say how to write it.
            let hint =
                share > 1 && share <= 100 && share == share.rounded()
                ? "; a percentage is written as a share: write \(NumberFormat.shortest(share))% as \(NumberFormat.shortest(share / 100))"
                : ""
            report.range(share, shares.location, name, minimum: 0, maximum: 1, allowed: Self.share + hint)
        }
    }

    private func checkProxy(_ outcome: Outcome, path: String, scenario: Scenario, into report: inout Report) {
        let proxy = outcome.proxy
        let field = "\(path).proxy"
        if let value = proxy.amount.givenValue, !value.isFinite {
            report.error(
                code: .notFinite, proxy.amount.location, "\(field).value", "is not a finite number",
                found: NumberFormat.shortest(value))
        }
        // A formula proxy states its unit, currency included, and the formula checker checks it.
        guard let price = proxy.price else { return }
        if price.currency != scenario.reportCurrency.value,
            scenario.conversion(from: price.currency, to: scenario.reportCurrency.value) == nil
        {
            report.error(
                code: .units, proxy.amount.location, "\(field).currency",
                "a proxy in \(price.currency) cannot be used in a \(scenario.reportCurrency.value) scenario without a declared conversion",
                found: price.currency.code, allowed: scenario.reportCurrency.value.code)
        }
        if outcome.quantity.givenValue != nil || outcome.quantity.recorded != nil, let unit = outcome.quantityUnit,
            let per = price.per, unit.value != per
        {
            report.error(
                code: .units, unit.location, "\(path).quantity.unit",
                "the quantity counts '\(unit.value)' but the proxy values one '\(per)'", found: unit.value,
                allowed: per)
        }
        guard let priceYear = price.priceYear else { return }
        checkPriceYear(
            priceYear, series: price.index, of: "the proxy", at: proxy.amount.location, field: "\(field).price_year",
            scenario: scenario, into: &report)
    }

    /// A figure priced in `priceYear` must be brought to the price base by a series that has
    /// both years (SROI-METHOD step 1).
    private func checkPriceYear(
        _ priceYear: PriceYear, series: PriceIndex?, of what: String, at location: SourceLocation?, field: String,
        scenario: Scenario, into report: inout Report
    ) {
        guard let base = scenario.priceBaseYear else {
            report.error(
                code: .unknownReference, location, field,
                "\(what) is priced in \(priceYear) but the scenario declares no price_base_year to bring it to",
                found: priceYear.label, allowed: "declare price_base_year and a price_index")
            return
        }
        guard let index = series ?? scenario.priceIndex else {
            if priceYear == base.value { return }
            report.error(
                code: .units, location, field,
                "\(what) is priced in \(priceYear), not the price base \(base.value), and no price index is declared",
                found: priceYear.label, allowed: "declare conventions.price_index")
            return
        }
        guard let seriesBase = scenario.priceBase(for: index) else {
            let bases = ([base] + scenario.otherPriceBaseYears).map(\.value.label)
            report.error(
                code: .unknownReference, location, field,
                "the price index\(index.name.map { " '\($0)'" } ?? "") has no value for any price base year (\(bases.joined(separator: ", ")))",
                found: priceYear.label,
                allowed: "a price_base_year the series has: "
                    + index.points.keys.sorted().map(\.label).joined(separator: ", "))
            return
        }
        guard priceYear != seriesBase else { return }
        if index.points[priceYear] == nil {
            report.error(
                code: .unknownReference, location, field,
                "the price index\(index.name.map { " '\($0)'" } ?? "") has no value for \(what)'s price year \(priceYear)",
                found: priceYear.label,
                allowed: index.points.keys.sorted().map(\.label).joined(separator: ", ")
                    + "; or name the series it belongs to with price_index")
        }
    }

    /// Every named value a formula of the scenario reaches, directly or through other values,
    /// that is money priced in another year, checked like a proxy's price year.
    private func checkValuePriceYears(_ scenario: Scenario, into report: inout Report) {
        var pending: [Expression.Reference] = []
        for outcome in scenario.outcomes {
            for figure in [outcome.quantity, outcome.proxy.amount] {
                if case .formula(let expression, _) = figure.definition { pending += expression.references }
            }
        }
        for input in scenario.inputs {
            let figures: [StatedValue]
            switch input.valuation {
            case .money(let amount): figures = [amount]
            case .inKindTime(let hours, let rate): figures = [hours, rate]
            }
            for figure in figures {
                if case .formula(let expression, _) = figure.definition { pending += expression.references }
            }
        }
        for cost in scenario.businessCase?.costs ?? [] {
            if case .formula(let expression, _) = cost.amount.definition { pending += expression.references }
        }
        var seen: Set<String> = []
        var reached: [NamedValue] = []
        while let reference = pending.popLast() {
            guard let value = FormulaChecker.named(reference, in: scenario), seen.insert(value.name).inserted else {
                continue
            }
            reached.append(value)
            if case .formula(let expression, _) = value.definition { pending += expression.references }
        }
        for value in scenario.values where seen.insert(value.name).inserted { reached.append(value) }
        for value in reached.sorted(by: { $0.name < $1.name }) {
            guard let year = value.priceYear, let unit = value.unit, !unit.currencies.isEmpty else { continue }
            checkPriceYear(
                year, series: value.priceIndex, of: "value \(value.name)", at: value.location,
                field: "values.\(value.name).price_year", scenario: scenario, into: &report)
        }
    }
}
