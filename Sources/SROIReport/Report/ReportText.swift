import Foundation
import SROICore

/// What people read in a report: names instead of identifiers, the headline in words, the
/// checklist of the SROI Guide's principles, and chapters written in Markdown.
extension ReportInput {
    /// An outcome as people call it: its description, else its indicator, else its id; a cohort
    /// of a quantity read by year says which year it starts.
    public func outcomeName(_ outcome: Outcome) -> String {
        let parsed = OutcomeID(parsing: outcome.id)
        let base = outcome.summary ?? outcome.indicator ?? parsed.declared
        return parsed.declared == outcome.id ? base : "\(base) (from \(scenario.yearLabel(outcome.startYear.value)))"
    }

    /// The outcome of an id as written in the scenario.
    func outcomeName(id: String) -> String {
        names.outcomes[id] ?? id
    }

    /// A named value as people call it: its label, the model's label of the entry it replaces,
    /// or its name.
    func valueName(_ name: String) -> String { Display.valueName(name, in: scenario) }

    /// An assumption as people call it: "Deadweight: People in work".
    public func parameterName(_ parameter: UncertainParameter) -> String {
        Display.parameterName(parameter, outcome: { outcomeName(id: $0) }, value: valueName)
    }

    /// Money briefly: `GBP 2.1m`, `GBP 350k`, `GBP 940`.
    func briefMoney(_ value: Double) -> String {
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        if magnitude >= 1_000_000 {
            return "\(currency.code) \(sign)\(Display.fixed(magnitude / 1_000_000, decimals: 1))m"
        }
        if magnitude >= 10_000 { return "\(currency.code) \(sign)\(Display.fixed(magnitude / 1000, decimals: 0))k" }
        return "\(currency.code) \(sign)\(Display.fixed(magnitude, decimals: 0))"
    }

    /// The headline in words: "GBP 5.71 of social value for every GBP 1 invested (NPV GBP 2.1m)".
    public var headlineSentence: String {
        let results = evaluation.results
        let npv = results.netPresentValue.value.number.map { " (NPV \(briefMoney($0)))" } ?? ""
        switch results.sroiRatio.value {
        case .number(let ratio):
            return
                "\(currency.code) \(Display.fixed(ratio)) of social value for every \(currency.code) 1 invested\(npv)"
        case .undefined(let reason):
            let pv = results.totalPresentValue.value.number.map(briefMoney) ?? "undefined"
            return "Present value \(pv)\(npv); no ratio: \(reason)"
        }
    }

    /// The assumptions whose ranges move the ratio most, widest swing first.
    public func mostInfluential(_ count: Int = 3) -> [(name: String, low: Double, high: Double, range: String)] {
        guard let sensitivity else { return [] }
        return sensitivity.entries.compactMap { entry -> (String, Double, Double, String, Double)? in
            guard let low = entry.ratioAtLow.number, let high = entry.ratioAtHigh.number else { return nil }
            return (
                parameterName(entry.parameter), low, high,
                "\(NumberFormat.shortest(entry.low)) to \(NumberFormat.shortest(entry.high))", abs(high - low)
            )
        }.sorted { $0.4 > $1.4 }.prefix(count).map { ($0.0, $0.1, $0.2, $0.3) }
    }

    /// The scenario file and its hash, as the provenance records it.
    public var scenarioFile: Provenance.File? { provenance.files.first { $0.role == "scenario" } }

    /// The SROI Guide's seven principles, each judged on what the scenario declares: "yes" only
    /// where a declaration supports it, with the reason either way. A chapter's prose is read by
    /// people; it is never taken as a record.
    public var principles: [(principle: String, status: PrincipleStatus, by: String)] {
        let outcomes = scenario.outcomes
        let withIndicator = outcomes.filter { $0.indicator != nil }.count
        let evidencedQuantities = outcomes.filter { outcome in
            outcome.quantity.recorded != nil || outcome.quantity.rationale != nil
                || outcome.quantity.source.map { !$0.isPlaceholder } == true
        }.count
        let citedProxies = outcomes.filter { outcome in
            outcome.proxy.amount.source.map { !$0.isPlaceholder } == true
                || outcome.proxy.price?.model?.citation.map { !$0.isPlaceholder } == true
                || outcome.proxy.amount.isFormula
        }.count
        let deducted = outcomes.filter { $0.deadweight != nil && $0.attribution != nil }.count
        let n = outcomes.count
        func judged(_ holds: Bool) -> PrincipleStatus { holds ? .yes : .no }
        return [
            involvement,
            (
                "2. Understand what changes", judged(withIndicator == n && evidencedQuantities == n),
                "\(withIndicator) of \(n) outcomes have an indicator; \(evidencedQuantities) of \(n) quantities are recorded or explained"
            ),
            (
                "3. Value the things that matter", judged(citedProxies == n),
                "\(citedProxies) of \(n) financial proxies cite a source or are computed from cited values"
            ),
            materiality,
            (
                "5. Do not over-claim", judged(deducted == n),
                "\(deducted) of \(n) outcomes declare deadweight and attribution"
                    + (sensitivity != nil ? "; sensitivity analysis over the declared ranges" : "")
            ),
            (
                "6. Be transparent", .yes,
                "every figure is traced to its formula, assumptions and sources; conventions declared; input files hashed"
            ),
            assurance,
        ]
    }

    /// Engaged: every stakeholder with an outcome has an engagement record.
    private var involvement: (principle: String, status: PrincipleStatus, by: String) {
        let principle = "1. Involve stakeholders"
        let records = scenario.report.engagement
        guard !records.isEmpty else {
            return (principle, .no, "no engagement with stakeholders is recorded (report.engagement)")
        }
        let valued = scenario.outcomes.map(\.stakeholder.value)
        var seen: Set<String> = []
        let concerned = valued.filter { seen.insert($0).inserted }
        let engaged = Set(records.map(\.stakeholder.value))
        let missing = concerned.filter { !engaged.contains($0) }
        let people = records.reduce(0) { $0 + $1.people }
        let said =
            "\(people) \(people == 1 ? "person" : "people") engaged: "
            + records.map { "\(stakeholderName($0.stakeholder.value)), \($0.people) by \($0.method), \($0.when)" }
            .joined(separator: "; ")
        guard missing.isEmpty else {
            return (
                principle, .no,
                said + "; not recorded for " + missing.map(stakeholderName).joined(separator: ", ")
            )
        }
        return (principle, .yes, said)
    }

    /// Material: every valued outcome has a decision with its reason.
    private var materiality: (principle: String, status: PrincipleStatus, by: String) {
        let principle = "4. Only include what is material"
        let decisions = scenario.report.materiality
        guard !decisions.isEmpty else {
            return (principle, .notRecorded, "no materiality decisions are recorded (report.materiality)")
        }
        let decided = Set(decisions.filter(\.included).map(\.outcome.value))
        // One decision covers an outcome's cohorts, which share its declared id.
        var seen: Set<String> = []
        let declared = scenario.outcomes.filter { seen.insert($0.declaredID).inserted }
        let undecided = declared.filter { !decided.contains($0.declaredID) && !decided.contains($0.id) }
        let excluded = decisions.filter { !$0.included }.count
        let said =
            "\(declared.count - undecided.count) of \(declared.count) outcomes included with a reason; \(excluded) left out with a reason"
        guard undecided.isEmpty else {
            return (principle, .no, said + "; no decision for " + undecided.map(outcomeName).joined(separator: ", "))
        }
        return (principle, .yes, said)
    }

    /// Verified in the SROI sense: an independent check declared; recomputation is not one.
    private var assurance: (principle: String, status: PrincipleStatus, by: String) {
        let principle = "7. Verify the result"
        let recomputation = "sroi verify checks the arithmetic of an audit bundle, which is not assurance"
        guard let assurance = scenario.report.assurance else {
            return (
                principle, .notRecorded, "no independent assurance is recorded (report.assurance); " + recomputation
            )
        }
        return (principle, .yes, "assured by \(assurance.by), \(assurance.date); " + recomputation)
    }

    /// Why the simulation's mean ratio lies away from the base case's, when it does by more than
    /// 1 %: the assumptions whose distributions lean to one side of their base value, and the
    /// ratio's curvature in the assumptions it multiplies.
    public var simulationMeanSentence: String? {
        guard let simulation, let base = evaluation.results.sroiRatio.value.number, base != 0 else { return nil }
        let mean = simulation.ratio.mean
        guard mean.isFinite, abs(mean - base) > 0.01 * abs(base) else { return nil }
        func leaning(_ parameter: UncertainParameter) -> Double? {
            guard let low = parameter.uncertainty.low, let high = parameter.uncertainty.high else { return nil }
            let centre: Double
            switch parameter.uncertainty.distribution {
            case .uniform: centre = (low + high) / 2
            case .triangular: centre = (low + parameter.base + high) / 3
            case .pert: centre = (low + 4 * parameter.base + high) / 6
            case .normal, nil: return nil
            }
            let width = high - low
            return width > 0 && abs(centre - parameter.base) > 0.01 * width ? centre - parameter.base : nil
        }
        // Which way each leaning assumption moves the ratio, where sensitivity analysis says.
        func slope(_ parameter: UncertainParameter) -> Double? {
            guard let entry = sensitivity?.entries.first(where: { $0.parameter.kind == parameter.kind }),
                let low = entry.ratioAtLow.number, let high = entry.ratioAtHigh.number, low != high
            else { return nil }
            return high - low
        }
        var up: [String] = []
        var down: [String] = []
        var unknown: [String] = []
        for parameter in simulation.parameters {
            guard let lean = leaning(parameter) else { continue }
            let name = parameterName(parameter)
            switch slope(parameter).map({ $0 * lean }) {
            case let effect? where effect > 0: up.append(name)
            case .some: down.append(name)
            case nil: unknown.append(name)
            }
        }
        // Quoted, since a name may hold a comma.
        func names(_ list: [String]) -> String { Display.list(list.map { "“\($0)”" }) }
        var sentences = [
            "The mean ratio, \(Display.fixed(mean)), lies \(mean > base ? "above" : "below") the base case's \(Display.fixed(base))."
        ]
        let pulls = [
            up.isEmpty ? nil : "\(names(up)) \(up.count == 1 ? "pulls" : "pull") the mean up",
            down.isEmpty ? nil : "\(names(down)) \(down.count == 1 ? "pulls" : "pull") it down",
            unknown.isEmpty ? nil : "\(names(unknown)) \(unknown.count == 1 ? "leans" : "lean") to one side",
        ].compactMap { $0 }
        if !pulls.isEmpty {
            let one = up.count + down.count + unknown.count == 1
            sentences.append(
                (one
                    ? "One assumption is drawn from a distribution whose mean lies off its base value: "
                    : "Some assumptions are drawn from distributions whose means lie off their base values: ")
                    + pulls.joined(separator: "; ") + ".")
        }
        sentences.append(
            "\(pulls.isEmpty ? "The" : "Besides, the") ratio is not a straight line in its assumptions (deductions and drop-off multiply, and inputs divide), so even ranges balanced around the base move its mean."
        )
        return sentences.joined(separator: " ")
    }

    /// The inputs as the report shows them, in HTML and Markdown alike: each with how it is
    /// valued, so that time given in kind shows its hours and rate, not only the total.
    public var inputsView: (header: [String], rows: [[String]]) {
        let trace = evaluation.trace
        let rows = zip(scenario.inputs, evaluation.results.inputs).map { input, result -> [String] in
            let base = FigureID.input(input.id)
            let basis: String
            switch input.valuation {
            case .inKindTime(_, let rate):
                let hours = trace["\(base).hours"]?.value.number.map {
                    Display.quantity($0) + ($0 == 1 ? " hour" : " hours")
                }
                let perHour = trace["\(base).rate_per_hour"]?.value.number.map {
                    "\(input.currency.value.code) \(Display.fixed($0)) an hour"
                }
                let why = Self.reasons(rate)
                basis =
                    "given in kind: \(hours ?? "undefined") × \(perHour ?? "undefined")"
                    + (why.isEmpty ? "" : "; \(why)")
            case .money(let amount):
                basis = Self.reasons(amount)
            }
            return [
                input.summary ?? input.id, input.stakeholder.map { stakeholderName($0.value) } ?? "",
                scenario.yearLabel(input.year.value), basis, show(result.amount),
            ]
        }
        return (["Input", "Stakeholder", "Year", "How it is valued", "Amount"], rows)
    }

    /// Why a value was chosen and its evidence, as one phrase: `reason; source: publication`.
    static func reasons(_ value: StatedValue) -> String {
        var parts: [String] = []
        if let rationale = value.rationale?.trimmingCharacters(in: .whitespaces), !rationale.isEmpty {
            parts.append(rationale.hasSuffix(".") ? String(rationale.dropLast()) : rationale)
        }
        if let source = value.source?.summary { parts.append("source: \(source)") }
        return parts.joined(separator: "; ")
    }

    /// The option's business case as the report shows it, in HTML and Markdown alike: its
    /// present values, then its cash by year.
    public var businessCaseView: (intro: String, summary: [[String]], cashHeader: [String], cash: [[String]])? {
        let results = evaluation.results
        guard let businessCase = results.businessCase else { return nil }
        let prices = scenario.priceBaseYear.map { ", in \($0.value.label) prices" } ?? ""
        let nominal =
            businessCase.inflation.map { " Nominal rows give the same cash at each year's prices: \($0)." } ?? ""
        var cash: [[String]] = []
        for nominal in businessCase.inflation == nil ? [false] : [false, true] {
            for (line, name) in BusinessCaseResult.Year.cashLineNames.enumerated() {
                cash.append(
                    [nominal ? "\(name), nominal" : name]
                        + businessCase.years.map { $0.cashLines(nominal: nominal).map { show($0[line]) } ?? "" })
            }
        }
        return (
            "Present values in \(currency.code): the option's benefits, its inputs and the costs it declares to run, and its net. Then its cash by year, undiscounted\(prices): \(businessCase.convention).\(nominal)",
            [
                ["Benefits (total present value)", show(results.totalPresentValue)],
                ["Inputs", show(results.totalInputs)],
                ["The option's costs", show(businessCase.costsPresentValue)],
                ["Whole cost", show(businessCase.wholeCost)],
                ["Net present value", show(businessCase.netPresentValue)],
            ],
            ["Cash"] + businessCase.years.map { scenario.yearLabel($0.year) },
            cash
        )
    }

    /// Cashable savings by organisation and year, beside the other kinds of value: what an NHS
    /// finance team plans with. Values are each year's, undiscounted; the last column is the
    /// present value.
    public var cashableView: (years: [Int], rows: [(name: String, totals: YearlyTotals)])? {
        let results = evaluation.results
        guard results.outcomes.contains(where: { $0.valueType == .fiscalCashable }) else { return nil }
        let years = scenario.analysisYears.value
        var rows: [(name: String, totals: YearlyTotals)] = []
        for (stakeholder, members) in YearlyTotals.cashableByStakeholder(results, scenario: scenario) {
            rows.append(("Cashable: \(stakeholderName(stakeholder.id))", YearlyTotals(members, years: years)))
        }
        for type in ValueType.allCases where type != .fiscalCashable {
            let members = results.outcomes.filter { $0.valueType == type }
            if !members.isEmpty { rows.append((type.title, YearlyTotals(members, years: years))) }
        }
        return (Array(1...years), rows)
    }
}

/// Some outcomes' values summed by analysis year (undiscounted), and their present value: a year
/// a value of theirs leaves undefined is undefined, never counted as 0.
public struct YearlyTotals: Sendable {
    public var values: [FigureValue]
    public var presentValue: FigureValue

    public init(_ outcomes: [OutcomeResult], years: Int) {
        func add(_ total: FigureValue, _ value: FigureValue) -> FigureValue {
            switch (total, value) {
            case (.number(let a), .number(let b)): return .number(a + b)
            case (.undefined, _): return total
            case (_, .undefined): return value
            }
        }
        var values = Array(repeating: FigureValue.number(0), count: years)
        var presentValue = FigureValue.number(0)
        for outcome in outcomes {
            for (k, figure) in outcome.valuesByYear.enumerated() where outcome.startYear + k - 1 < years {
                values[outcome.startYear + k - 1] = add(values[outcome.startYear + k - 1], figure.value)
            }
            presentValue = add(presentValue, outcome.presentValue.value)
        }
        self.values = values
        self.presentValue = presentValue
    }

    /// The row's cells: each year's value and the present value, to two decimals.
    public var cells: [String] {
        (values + [presentValue]).map { value in value.number.map { Display.fixed($0) } ?? "undefined" }
    }

    /// Each stakeholder with fiscal, cashable outcomes, and those outcomes, in the scenario's order.
    static func cashableByStakeholder(_ results: Results, scenario: Scenario) -> [(Stakeholder, [OutcomeResult])] {
        scenario.stakeholders.compactMap { stakeholder in
            let members = results.outcomes.filter {
                $0.valueType == .fiscalCashable && $0.stakeholder == stakeholder.id
            }
            return members.isEmpty ? nil : (stakeholder, members)
        }
    }
}

/// What a scenario's declarations say about one of the SROI Guide's principles.
public enum PrincipleStatus: String, Sendable {
    case yes
    case no
    case notRecorded = "not recorded"
}

extension BusinessCaseResult.Year {
    /// The names of ``cashLines(nominal:)``, in its order, as tables show them.
    static let cashLineNames = ["Spending", "Cash-releasing savings", "Non-cash-releasing savings", "Net cash"]

    /// The year's cash in the price base or, when `nominal`, at the year's prices (`nil` when
    /// the option declares no inflation): spending, savings released and not, net cash.
    func cashLines(nominal: Bool) -> [Figure]? {
        guard nominal else { return [spending, cashReleasing, nonCashReleasing, netCash] }
        return self.nominal.map { [$0.spending, $0.cashReleasing, $0.nonCashReleasing, $0.netCash] }
    }
}
