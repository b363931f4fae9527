/// A scenario compiled once into the steps of SROI-METHOD: every figure a node, in an order
/// where each node follows the nodes it is computed from, with its formula, unit, origin and
/// convention. It is the one calculation of the engine.
///
/// The plan is evaluated into a buffer of values by its ``Program``. What is kept of the buffer
/// is the caller's choice: ``evaluate()`` records every node into a ``Trace`` (`run`, `explain`,
/// `report`, `bundle`, `verify`); a ``Workspace`` reads only the headline figures, recomputing only
/// the nodes an assumption reaches (simulation draws, sensitivity ends, switching values,
/// comparison). Both read the same buffer, filled by the same instructions, so a figure and its
/// trace can never disagree.
public struct EvaluationPlan: Sendable {
    /// One figure of the plan: everything its trace node says except the value.
    public struct Node: Sendable {
        public var id: String
        public var symbol: String
        public var label: String
        public var step: Step
        public var arithmetic: Arithmetic
        public var unit: String
        /// The positions of the nodes this one is computed from, in the order its arithmetic takes them.
        public var inputs: [Int]
        public var origin: Origin?
        public var rationale: String?
        public var source: Citation?
        public var convention: String?
        /// Why the figure is undefined when its arithmetic gives no number from defined inputs.
        public var undefinedReason: String?
    }

    public private(set) var nodes: [Node]
    /// The value of each given node; NaN for computed nodes until evaluated.
    var initialValues: [Double]
    var program: Program
    var positions: [String: Int]
    var layout: ResultsLayout
    /// The leaf nodes each varied assumption sets: every cohort of an outcome, every discounting step.
    var parameterSlots: [UncertainParameter.Kind: [Int]]
    /// The diagnostics of validation that were warnings.
    public private(set) var warnings: [Diagnostic]

    /// Validates and compiles `scenario`. `varying` names the assumptions a caller will set
    /// (simulation, sensitivity): an outcome whose duration varies gets nodes for every year its
    /// range allows, gated by its duration.
    public init(_ scenario: Scenario, varying: [UncertainParameter] = []) throws(ValidationFailure) {
        warnings = try ScenarioValidator().validate(scenario)
        var builder = PlanBuilder(scenario: scenario)
        for parameter in varying {
            if case .duration(let id) = parameter.kind, let high = parameter.uncertainty.high {
                builder.gatedDurations[id] = Int(high)
            }
        }
        layout = builder.build()
        nodes = builder.nodes
        initialValues = builder.values
        program = builder.program
        positions = builder.positions
        parameterSlots = builder.parameterSlots
    }

    /// Evaluates every node and records them all: results and their full trace.
    public func evaluate() -> Evaluation {
        var values = initialValues
        values.withUnsafeMutableBufferPointer { program.run($0) }
        let trace = record(values)
        return Evaluation(results: layout.results(from: trace), trace: trace, warnings: warnings)
    }

    /// Figures the method cannot accept, found in an evaluated trace: a step that gives no finite
    /// number from finite inputs (a figure too large for binary64, a formula that divides by 0),
    /// and a quantity computed below 0. A ratio undefined because there are no inputs, or a
    /// payback undefined because nothing is paid back in year one or within the period, is the
    /// method's answer, not an error.
    public func refusals(in trace: Trace) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for (position, node) in nodes.enumerated() where node.arithmetic != .given {
            let value = trace.nodes[position].value
            switch value {
            case .undefined(let reason):
                let inputs = node.inputs.compactMap { trace.nodes[$0].value.number }
                guard inputs.count == node.inputs.count else { continue }
                // No inputs to divide by, or no year-one impact to pay them back: the method's answer.
                if node.arithmetic == .quotient, inputs.count == 2, inputs[1] == 0 { continue }
                if node.arithmetic == .monthsToRecover || node.arithmetic == .yearsToRecover { continue }
                found.append(
                    Diagnostic(
                        code: .notFinite, at: location(of: position), field: node.id,
                        message: "gives no number: \(reason)",
                        found: node.arithmetic.code, allowed: "finite figures (below 1.8e308 in magnitude)"))
            case .number(let number) where number < 0 && node.step == .quantity:
                found.append(
                    Diagnostic(
                        code: .notFinite, at: location(of: position), field: node.id,
                        message: "a quantity computed below 0",
                        found: NumberFormat.shortest(number), allowed: "a quantity ≥ 0"))
            default: continue
            }
        }
        return found
    }

    /// Where a computed figure's first written input was declared.
    private func location(of position: Int) -> SourceLocation? {
        var stack = [position]
        var seen: Set<Int> = []
        while let next = stack.popLast() {
            guard seen.insert(next).inserted else { continue }
            switch nodes[next].origin {
            case .written(let location?): return location
            case .model(let entry): if let location = entry.location { return location }
            case .records(let origin): if let location = origin.location { return location }
            default: break
            }
            stack += nodes[next].inputs.reversed()
        }
        return nil
    }

    /// The trace of an evaluated buffer: every node with its value, or undefined with the reason.
    func record(_ values: [Double]) -> Trace {
        var recorded: [TraceNode] = []
        recorded.reserveCapacity(nodes.count)
        for (position, node) in nodes.enumerated() {
            var traced = TraceNode(
                id: node.id, symbol: node.symbol, label: node.label, step: node.step, arithmetic: node.arithmetic,
                value: figureValue(at: position, in: values), unit: node.unit, inputs: node.inputs.map { nodes[$0].id },
                origin: node.origin, rationale: node.rationale, source: node.source, convention: node.convention)
            traced.inputPositions = node.inputs
            recorded.append(traced)
        }
        return Trace(nodes: recorded, positions: positions)
    }

    /// The value of one node of an evaluated buffer, with the reason when it is undefined.
    func figureValue(at position: Int, in values: [Double]) -> FigureValue {
        let value = values[position]
        guard value.isNaN else { return .number(value) }
        let node = nodes[position]
        if let undefined = node.inputs.first(where: { values[$0].isNaN }) {
            return .undefined(reason: "depends on \(nodes[undefined].id), which is undefined")
        }
        let inputs = node.inputs.map { values[$0] }
        // A step's own words for its undefined case (no inputs to divide by) apply to that case only.
        if let reason = node.undefinedReason, node.arithmetic == .quotient, inputs.count == 2, inputs[1] == 0 {
            return .undefined(reason: reason)
        }
        return .undefined(reason: node.arithmetic.undefinedReason(inputs))
    }
}

/// Where the figures of ``Results`` sit in a plan.
struct ResultsLayout: Sendable {
    struct OutcomeLayout: Sendable {
        var id: String
        var stakeholder: String
        var valueType: ValueType
        var startYear: Int
        var impactYear1: Int
        var valuesByYear: [Int]
        var presentValue: Int
    }

    struct InputLayout: Sendable {
        var id: String
        var year: Int
        var amount: Int
        var counted: Int
        /// The amount spent, in the report currency and before any discounting.
        var spent: Int
    }

    struct BusinessCaseLayout: Sendable {
        var convention: String
        var costs: [(id: String, amount: Int)] = []
        var costsPresentValue = 0
        var wholeCost = 0
        var netPresentValue = 0
        var cashReleasingPresentValue = 0
        var years: [(year: Int, spending: Int, releasing: Int, nonReleasing: Int, net: Int)] = []
        /// The same years in nominal cash, when the business case declares inflation.
        var nominal: [NominalYear] = []
        var inflation: String?
    }

    struct NominalYear: Sendable {
        var priceLevel: Int
        var spending: Int
        var releasing: Int
        var nonReleasing: Int
        var net: Int
    }

    var currency: Currency
    var totalPresentValue = 0
    var totalInputs = 0
    var netPresentValue = 0
    var sroiRatio = 0
    var netSROIRatio = 0
    var paybackMonths = 0
    var discountedPaybackYears = 0
    var byStakeholder: [(stakeholder: String, node: Int)] = []
    var byValueType: [(valueType: ValueType, node: Int)] = []
    var byYear: [(year: Int, node: Int)] = []
    var outcomes: [OutcomeLayout] = []
    var inputs: [InputLayout] = []
    var businessCase: BusinessCaseLayout?
    /// Money figures shown in a second currency: the original's position and its conversion's.
    var secondCurrency: Currency?
    /// The rate from the report currency into the second currency.
    var secondCurrencyRate: Int?
    var converted: [(original: Int, node: Int)] = []

    func results(from trace: Trace) -> Results {
        func figure(_ position: Int) -> Figure {
            let node = trace.nodes[position]
            return Figure(node: node.id, value: node.value, unit: node.unit)
        }
        return Results(
            currency: currency, totalPresentValue: figure(totalPresentValue), totalInputs: figure(totalInputs),
            netPresentValue: figure(netPresentValue), sroiRatio: figure(sroiRatio), netSROIRatio: figure(netSROIRatio),
            paybackMonths: figure(paybackMonths), discountedPaybackYears: figure(discountedPaybackYears),
            byStakeholder: byStakeholder.map { ($0.stakeholder, figure($0.node)) },
            byValueType: byValueType.map { ($0.valueType, figure($0.node)) },
            byYear: byYear.map { ($0.year, figure($0.node)) },
            outcomes: outcomes.map { outcome in
                OutcomeResult(
                    id: outcome.id, stakeholder: outcome.stakeholder, valueType: outcome.valueType,
                    startYear: outcome.startYear, impactYear1: figure(outcome.impactYear1),
                    valuesByYear: outcome.valuesByYear.map(figure), presentValue: figure(outcome.presentValue))
            },
            inputs: inputs.map { input in
                InputResult(
                    id: input.id, year: input.year, amount: figure(input.amount), counted: figure(input.counted))
            }, secondCurrency: secondCurrency, secondCurrencyRate: secondCurrencyRate.map(figure),
            converted: Dictionary(
                converted.map { (trace.nodes[$0.original].id, figure($0.node)) },
                uniquingKeysWith: { first, _ in first }
            ),
            businessCase: businessCase.map { layout in
                BusinessCaseResult(
                    convention: layout.convention,
                    costs: layout.costs.map { (id: $0.id, amount: figure($0.amount)) },
                    costsPresentValue: figure(layout.costsPresentValue), wholeCost: figure(layout.wholeCost),
                    netPresentValue: figure(layout.netPresentValue),
                    cashReleasingPresentValue: figure(layout.cashReleasingPresentValue),
                    years: layout.years.enumerated().map { index, year in
                        let nominal = index < layout.nominal.count ? layout.nominal[index] : nil
                        return BusinessCaseResult.Year(
                            year: year.year, spending: figure(year.spending), cashReleasing: figure(year.releasing),
                            nonCashReleasing: figure(year.nonReleasing), netCash: figure(year.net),
                            nominal: nominal.map { nominal in
                                BusinessCaseResult.Nominal(
                                    priceLevel: figure(nominal.priceLevel), spending: figure(nominal.spending),
                                    cashReleasing: figure(nominal.releasing),
                                    nonCashReleasing: figure(nominal.nonReleasing), netCash: figure(nominal.net))
                            })
                    }, inflation: layout.inflation)
            })
    }
}
