extension EvaluationPlan {
    /// The figures that simulation, sensitivity and comparison read from an evaluation.
    public struct Headline: Sendable, Equatable {
        public var totalPresentValue: FigureValue
        public var netPresentValue: FigureValue
        public var sroiRatio: FigureValue
    }

    /// Evaluates every node, keeping only the headline figures: no trace is recorded.
    public func headline() -> Headline {
        var values = initialValues
        values.withUnsafeMutableBufferPointer { program.run($0) }
        return headline(in: values)
    }

    func headline(in values: [Double]) -> Headline {
        Headline(
            totalPresentValue: figureValue(at: layout.totalPresentValue, in: values),
            netPresentValue: figureValue(at: layout.netPresentValue, in: values),
            sroiRatio: figureValue(at: layout.sroiRatio, in: values))
    }

    /// Every value of the plan, evaluated once at the scenario's own assumptions.
    func evaluatedValues() -> [Double] {
        var values = initialValues
        values.withUnsafeMutableBufferPointer { program.run($0) }
        return values
    }

}

/// Evaluates one plan again and again with some assumptions set to other values, recomputing
/// only the nodes those assumptions reach on the way to the headline figures.
///
/// This is how sensitivity ends, switching values and simulation draws are computed: through the
/// plan's own instructions, so each figure equals what `run` gives for the scenario edited to the
/// same values.
public struct Workspace: Sendable {
    public let plan: EvaluationPlan
    /// The values at the scenario's own assumptions.
    let base: [Double]
    var values: [Double]
    /// For each node, the instructions that read it.
    private let readers: [[Int32]]
    /// For each node, the instruction that computes it; -1 for a given node.
    private let instructionOf: [Int32]
    /// Whether a node is needed for the headline figures.
    private let needed: [Bool]
    private var subsets: [[UncertainParameter.Kind]: [Int32]] = [:]

    public init(_ plan: EvaluationPlan) {
        self.plan = plan
        base = plan.evaluatedValues()
        values = base
        var readers = [[Int32]](repeating: [], count: plan.nodes.count)
        var instructionOf = [Int32](repeating: -1, count: plan.nodes.count)
        for (index, instruction) in plan.program.instructions.enumerated() {
            instructionOf[Int(instruction.output)] = Int32(index)
            for node in plan.nodes[Int(instruction.output)].inputs { readers[node].append(Int32(index)) }
        }
        var needed = [Bool](repeating: false, count: plan.nodes.count)
        var stack = [plan.layout.totalPresentValue, plan.layout.netPresentValue, plan.layout.sroiRatio]
        while let node = stack.popLast() {
            guard !needed[node] else { continue }
            needed[node] = true
            stack += plan.nodes[node].inputs
        }
        self.readers = readers
        self.instructionOf = instructionOf
        self.needed = needed
    }

    /// The headline figures at the scenario's own assumptions.
    public var baseHeadline: EvaluationPlan.Headline { plan.headline(in: base) }

    /// The instructions to rerun, in plan order, when these assumptions change.
    mutating func subset(for kinds: [UncertainParameter.Kind]) -> [Int32] {
        if let known = subsets[kinds] { return known }
        var reached = Set<Int32>()
        var stack = kinds.flatMap { plan.parameterSlots[$0] ?? [] }
        var seen = Set(stack)
        while let node = stack.popLast() {
            for instruction in readers[node] {
                let output = Int(plan.program.instructions[Int(instruction)].output)
                guard needed[output] else { continue }
                reached.insert(instruction)
                if seen.insert(output).inserted { stack.append(output) }
            }
        }
        let ordered = reached.sorted()
        subsets[kinds] = ordered
        return ordered
    }

    /// The headline figures with these assumptions set; the workspace is left as it was.
    ///
    /// A duration is set to the whole number nearest the value. An assumption the plan cannot
    /// set (it declares no range, or its duration was not compiled to vary) is a programming
    /// error.
    public mutating func headline(setting changes: [(UncertainParameter.Kind, Double)]) -> EvaluationPlan.Headline {
        let kinds = changes.map(\.0)
        let instructions = subset(for: kinds)
        for (kind, value) in changes {
            guard let slots = plan.parameterSlots[kind] else {
                preconditionFailure("the plan cannot set \(kind)")
            }
            let set: Double
            if case .duration = kind { set = value.rounded() } else { set = value }
            for slot in slots { values[slot] = set }
        }
        values.withUnsafeMutableBufferPointer { buffer in
            instructions.withUnsafeBufferPointer { plan.program.run(buffer, only: $0) }
        }
        let result = plan.headline(in: values)
        for (kind, _) in changes {
            for slot in plan.parameterSlots[kind]! { values[slot] = base[slot] }
        }
        for instruction in instructions {
            let output = Int(plan.program.instructions[Int(instruction)].output)
            values[output] = base[output]
        }
        return result
    }
}
