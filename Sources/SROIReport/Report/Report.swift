import Foundation
import SROICore

/// What a report shows: the evaluation, and sensitivity and simulation results when they exist.
public struct ReportInput: Sendable {
    public var scenario: Scenario { didSet { names = NameIndex(scenario) } }
    /// People's names of outcomes and stakeholders by id, looked up once per name printed.
    private(set) var names: NameIndex
    public var evaluation: Evaluation
    public var provenance: Provenance
    public var sensitivity: SensitivityAnalysis?
    public var simulation: Simulation?
    /// Whether the report carries the calculation trace; left out, the report says where it is.
    public var includesTrace = true

    public init(
        scenario: Scenario, evaluation: Evaluation, provenance: Provenance, sensitivity: SensitivityAnalysis? = nil,
        simulation: Simulation? = nil
    ) {
        self.scenario = scenario
        self.names = NameIndex(scenario)
        self.evaluation = evaluation
        self.provenance = provenance
        self.sensitivity = sensitivity
        self.simulation = simulation
    }

    /// The report's content for an evaluated scenario: with the sensitivity analysis when the
    /// scenario declares ranges, and a simulation of `draws` draws when asked for.
    public static func prepare(
        _ scenario: Scenario, evaluation: Evaluation, provenance: Provenance, draws: Int? = nil, seed: UInt64 = 42
    ) throws(ValidationFailure) -> ReportInput {
        let sensitivity =
            scenario.uncertainParameters.contains { $0.uncertainty.hasRange }
            ? try SensitivityAnalysis.run(scenario) : nil
        var simulation: Simulation?
        if let draws {
            simulation = try Simulation.run(
                scenario, draws: draws, seed: seed, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        return ReportInput(
            scenario: scenario, evaluation: evaluation, provenance: provenance, sensitivity: sensitivity,
            simulation: simulation)
    }

    var currency: Currency { evaluation.results.currency }

    /// A figure as people read it, with its value in the second currency when there is one.
    public func show(_ figure: Figure) -> String {
        let shown =
            figure.node == FigureID.paybackMonths
            ? Display.payback(figure, scenario: scenario, currency: currency)
            : Display.figure(figure, currency: currency)
        guard let second = evaluation.results.secondCurrency, let converted = evaluation.results.converted[figure.node]
        else { return shown }
        return "\(shown) (\(Display.figure(converted, currency: second)))"
    }

    /// The stakeholder's name, or its id when it has none.
    public func stakeholderName(_ id: String) -> String {
        names.stakeholders[id] ?? id
    }

    /// The headline figures, in the order of the terminal summary.
    var headline: [(String, Figure)] {
        let results = evaluation.results
        return [
            ("Total present value", results.totalPresentValue), ("Total inputs", results.totalInputs),
            ("Net present value", results.netPresentValue), ("SROI ratio", results.sroiRatio),
            ("Net SROI ratio", results.netSROIRatio), ("Payback", results.paybackMonths),
        ]
    }

    /// The sensitivity table's header and rows, shared by the HTML and Markdown reports.
    var sensitivityTable: (header: [String], rows: [[String]]) {
        guard let sensitivity else { return ([], []) }
        return (
            [
                "Assumption", "Range", "Ratio at low", "Ratio at high",
                "Ratio \(NumberFormat.shortest(sensitivity.targetRatio)) at",
            ],
            sensitivity.entries.map { entry in
                [
                    parameterName(entry.parameter),
                    "\(NumberFormat.shortest(entry.low)) to \(NumberFormat.shortest(entry.high))",
                    entry.ratioAtLow.number.map { Display.fixed($0) } ?? "undefined",
                    entry.ratioAtHigh.number.map { Display.fixed($0) } ?? "undefined",
                    Display.switching(
                        entry, target: sensitivity.targetRatio,
                        unit: Display.unit(of: entry.parameter, in: scenario, outcomes: names.positions)),
                ]
            }
        )
    }

    /// The impact map's columns in the report, in the SROI Guide's order; the inputs, which
    /// belong to stakeholders rather than outcomes, have a table of their own.
    public static let impactColumns = [
        "Stakeholder", "Outcome (what changes)", "Indicator", "Where the quantity comes from", "Quantity",
        "Duration (years)", "Financial proxy", "Value of proxy", "Proxy source", "Deadweight", "Displacement",
        "Attribution", "Drop-off", "Impact (year one)", "Present value",
    ]

    /// One row of the impact map per outcome (or cohort), with its id for auditors.
    struct ImpactRow {
        var id: String
        var cells: [String]
    }

    /// The impact map's rows: money without its currency (the table's caption names it),
    /// shares as percentages, and where each quantity and proxy came from.
    var impactRows: [ImpactRow] {
        let trace = evaluation.trace
        return zip(scenario.outcomes, evaluation.results.outcomes).map { outcome, result in
            func percent(_ shares: Assumption<YearlyShares>?) -> String {
                guard let shares else { return "0%" }
                return shares.value.shares.map { Display.fixed($0 * 100, decimals: 1) + "%" }.joined(
                    separator: " / ")
            }
            func percent(_ kind: DeductionKind) -> String { percent(outcome.deduction(kind)) }
            let used = trace.quantityAndProxyUsed(by: outcome.id)
            let quantity = used?.quantity
            let proxy = used?.proxy
            let proxyNode = trace[FigureID.outcome(outcome.id, .proxy)]
            // Every proxy has a name: its reason, its model entry, or what it values.
            let proxyName =
                outcome.proxy.amount.rationale ?? outcome.proxy.price?.model?.reference
                ?? "Value of each \(quantity.map { $0.unit } ?? "unit") of \(outcomeName(outcome))"
            var proxyValue = proxy.map { plain($0.value) } ?? ""
            if let price = outcome.proxy.price, let per = price.per { proxyValue += " per \(per)" }
            let source =
                outcome.proxy.amount.source?.summary ?? outcome.proxy.price?.model?.citation?.summary
                ?? derivation(outcome.proxy.amount, node: proxyNode)
            let dropOff = percent(outcome.dropOff)
            return ImpactRow(
                id: outcome.id,
                cells: [
                    stakeholderName(outcome.stakeholder.value), outcomeName(outcome), outcome.indicator ?? "",
                    derivation(outcome.quantity, node: trace[FigureID.outcome(outcome.id, .quantity)]),
                    quantity.map { quantityText($0) + smallNumberFlag(outcome, $0) } ?? "",
                    String(outcome.duration.value),
                    proxyName, proxyValue,
                    source, percent(.deadweight), percent(.displacement), percent(.attribution), dropOff,
                    plain(result.impactYear1.value), plain(result.presentValue.value),
                ])
        }
    }

    /// Money without its currency code, to two decimals; undefined says so.
    func plain(_ value: FigureValue) -> String {
        switch value {
        case .number(let number): return Display.fixed(number)
        case .undefined(let reason): return "undefined (\(reason))"
        }
    }

    /// A flag on a count of records below the scenario's threshold: so few people can be told apart.
    func smallNumberFlag(_ outcome: Outcome, _ node: TraceNode) -> String {
        guard let recorded = outcome.quantity.recorded,
            recorded.aggregate.value == .count || recorded.aggregate.value == .countDistinct,
            let value = node.value.number, value >= 1, value < Double(scenario.report.smallNumberThreshold)
        else { return "" }
        return
            " (fewer than \(scenario.report.smallNumberThreshold): a count this small can identify the people behind it)"
    }

    func quantityText(_ node: TraceNode) -> String {
        switch node.value {
        case .number(let value): return "\(Display.quantity(value)) \(node.unit)"
        case .undefined(let reason): return "undefined (\(reason))"
        }
    }

    /// A quantity or proxy as the evaluation computed it, with its unit; undefined says so.
    func quantityOrProxy(_ node: TraceNode?, quantity: Bool = false) -> String {
        guard let node else { return "" }
        switch node.value {
        case .number(let value):
            return "\(quantity ? Display.quantity(value) : Display.fixed(value)) \(node.unit)"
        case .undefined(let reason): return "undefined (\(reason))"
        }
    }

    /// Where a stated figure came from: the records query with the records matched, the formula
    /// with its values, or the judgement and its evidence.
    public func derivation(_ value: StatedValue, node: TraceNode?) -> String {
        switch value.definition {
        case .records(let declaration, let reading):
            guard let reading else { return "recorded: \(declaration.summary)" }
            return "recorded: \(reading.origin.declaration) (\(reading.origin.rowsMatched) records)"
        case .formula(_, let text):
            guard let node else { return "formula: \(text)" }
            return "formula: \(text) = \(evaluation.trace.substitutedFormula(of: node))"
        case .given:
            return [value.source?.summary, value.rationale].compactMap { $0 }.joined(separator: "; ")
        }
    }

    /// Every judgement with its value, reason and evidence, for the assumptions section.
    struct AssumptionRow {
        var outcome: String
        /// The outcome's id, for auditors.
        var outcomeID: String = ""
        var name: String
        var value: String
        var rationale: String
        var source: String
        var location: String
    }

    var assumptions: [AssumptionRow] {
        var rows: [AssumptionRow] = []
        var seen: Set<String> = []
        // Cohorts of a quantity read by year share their outcome's judgements: list them once.
        for outcome in scenario.outcomes where seen.insert(outcome.declaredID).inserted {
            let id = outcome.declaredID
            let trace = evaluation.trace
            let quantityNode = trace[FigureID.outcome(outcome.id, .quantity)]
            let proxyNode = trace[FigureID.outcome(outcome.id, .proxy)]
            rows.append(
                AssumptionRow(
                    outcome: outcomeName(id: id), outcomeID: id, name: "Quantity",
                    value: outcome.quantity.recorded?.summary ?? quantityOrProxy(quantityNode, quantity: true),
                    rationale: [
                        outcome.quantity.rationale,
                        outcome.quantity.isFormula
                            ? derivation(outcome.quantity, node: quantityNode) : nil,
                    ].compactMap { $0 }
                        .joined(separator: "; "),
                    source: outcome.quantity.source?.summary ?? "",
                    location: outcome.quantity.location?.description ?? ""))
            rows.append(
                AssumptionRow(
                    outcome: outcomeName(id: id), outcomeID: id, name: "Financial proxy",
                    value: quantityOrProxy(proxyNode),
                    rationale: [
                        outcome.proxy.amount.rationale,
                        outcome.proxy.amount.isFormula
                            ? derivation(outcome.proxy.amount, node: proxyNode) : nil,
                    ].compactMap { $0 }
                        .joined(separator: "; "),
                    source: outcome.proxy.amount.source?.summary ?? outcome.proxy.price?.model?.citation?.summary ?? "",
                    location: (outcome.proxy.price?.model?.location ?? outcome.proxy.amount.location)?.description
                        ?? ""))
            for kind in DeductionKind.allCases {
                guard let deduction = outcome.deduction(kind) else { continue }
                rows.append(
                    AssumptionRow(
                        outcome: outcomeName(id: id), outcomeID: id, name: kind.title,
                        value: deduction.value.shares.map { NumberFormat.shortest($0) }.joined(separator: ", "),
                        rationale: deduction.rationale ?? "", source: deduction.source?.summary ?? "",
                        location: deduction.location?.description ?? ""))
            }
            if let dropOff = outcome.dropOff {
                rows.append(
                    AssumptionRow(
                        outcome: outcomeName(id: id), outcomeID: id, name: "Drop-off",
                        value: dropOff.value.shares.map { NumberFormat.shortest($0) }.joined(separator: ", "),
                        rationale: dropOff.rationale ?? "", source: dropOff.source?.summary ?? "",
                        location: dropOff.location?.description ?? ""))
            }
        }
        return rows
    }

    var conventions: [(String, String)] {
        let conventions = scenario.conventions
        var rows: [(String, String)] = [
            ("discount_from", conventions.discountFrom.value.rawValue),
            ("discounting", Summary.discounting(scenario)),
            ("discount_inputs", conventions.discountInputs.value ? "true" : "false"),
        ]
        if let base = scenario.priceBaseYear { rows.append(("price_base_year", base.value.label)) }
        if let index = scenario.priceIndex { rows.append(("price_index", index.name ?? "declared in the scenario")) }
        if let table = scenario.optimismBias {
            rows.append(("optimism_bias", table.name ?? "declared in the scenario"))
        }
        rows.append(("report_currency", currency.code))
        return rows
    }
}

/// Names by id, built once per scenario: a report prints thousands of names, and finding each
/// by a scan of every outcome made a report of 5,000 outcomes quadratic.
struct NameIndex: Sendable {
    var outcomes: [String: String] = [:]
    var stakeholders: [String: String] = [:]
    var positions: OutcomeIndex

    init(_ scenario: Scenario) {
        positions = OutcomeIndex(scenario)
        for outcome in scenario.outcomes {
            let name = outcome.summary ?? outcome.indicator ?? outcome.declaredID
            // The first outcome of an id names it, as a scan in file order would.
            if outcomes[outcome.id] == nil { outcomes[outcome.id] = name }
            if outcomes[outcome.declaredID] == nil { outcomes[outcome.declaredID] = name }
        }
        for stakeholder in scenario.stakeholders where stakeholders[stakeholder.id] == nil {
            stakeholders[stakeholder.id] = stakeholder.name ?? stakeholder.id
        }
    }
}
