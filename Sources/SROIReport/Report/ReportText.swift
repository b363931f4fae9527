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
        scenario.outcomes.first { $0.id == id || $0.declaredID == id }.map { outcome in
            outcome.summary ?? outcome.indicator ?? outcome.declaredID
        } ?? id
    }

    /// A named value as people call it: its label, the model's label of the entry it replaces,
    /// or its name.
    func valueName(_ name: String) -> String {
        let own = scenario.values.first { $0.name == name }
        return own?.label ?? scenario.modelValues[name]?.label ?? own?.rationale.flatMap { $0.count <= 80 ? $0 : nil }
            ?? name
    }

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

    /// The SROI Guide's seven principles, and what in the scenario evidences each.
    public var principles: [(principle: String, evidenced: Bool, by: String)] {
        let chapters = Set(scenario.report.chapters.map(\.kind))
        let outcomes = scenario.outcomes
        let withIndicator = outcomes.filter { $0.indicator != nil }.count
        let evidencedQuantities = outcomes.filter { outcome in
            outcome.quantity.recorded != nil || outcome.quantity.rationale != nil || outcome.quantity.source != nil
        }.count
        let citedProxies = outcomes.filter { outcome in
            outcome.proxy.amount.source != nil || outcome.proxy.price?.model?.citation != nil
                || outcome.proxy.amount.isFormula
        }.count
        let deducted = outcomes.filter { outcome in
            outcome.deadweight != nil && outcome.attribution != nil
        }.count
        let n = outcomes.count
        return [
            (
                "1. Involve stakeholders", chapters.contains(.stakeholders),
                chapters.contains(.stakeholders)
                    ? "the chapter on stakeholders and how they were engaged"
                    : "no chapter on how stakeholders were engaged (report.chapters.stakeholders)"
            ),
            (
                "2. Understand what changes", withIndicator == n && evidencedQuantities == n,
                "\(withIndicator) of \(n) outcomes have an indicator; \(evidencedQuantities) of \(n) quantities are recorded or explained"
            ),
            (
                "3. Value the things that matter", citedProxies == n,
                "\(citedProxies) of \(n) financial proxies cite a source or are computed from cited values"
            ),
            (
                "4. Only include what is material", chapters.contains(.materiality),
                chapters.contains(.materiality)
                    ? "the chapter on materiality" : "no chapter on what was left out (report.chapters.materiality)"
            ),
            (
                "5. Do not over-claim", deducted == n,
                "\(deducted) of \(n) outcomes declare deadweight and attribution"
                    + (sensitivity != nil ? "; sensitivity analysis over the declared ranges" : "")
            ),
            (
                "6. Be transparent", true,
                "every figure is traced to its formula, assumptions and sources; conventions declared; input files hashed"
            ),
            (
                "7. Verify the result", chapters.contains(.evidence),
                (chapters.contains(.evidence)
                    ? "the chapter on evidence and verification; "
                    : "no chapter on verification (report.chapters.evidence); ")
                    + "an audit bundle (sroi bundle) lets a reader recompute every figure"
            ),
        ]
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
