/// A figure's value: a number, or undefined with the reason (never zero, NaN or infinity).
public enum FigureValue: Hashable, Sendable {
    case number(Double)
    case undefined(reason: String)

    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

/// The arithmetic of one trace step over its ordered inputs `a, b, c, …`.
///
/// Each case is evaluated in exactly the order written, in binary64, so that an auditor who
/// applies it to the input values gets the same bits.
public enum Arithmetic: Hashable, Sendable {
    /// A value given in the scenario, a model or a convention.
    case given
    /// `a`.
    case copy
    /// `a × b × …`, left to right.
    case product
    /// `a + b + …`, left to right; 0 when there are no inputs.
    case sum
    /// `a − b`.
    case difference
    /// `a / b`; undefined when `b` is 0.
    case quotient
    /// `a × b / c`: a price-base uplift.
    case rebase
    /// `a × (1 − b)`: a deduction or one year's drop-off.
    case complement
    /// `a × (1 − b)^k`: drop-off over `k` years at once.
    case complementPower(Int)
    /// `a / (1 + b)`: one discounting step.
    case discountStep
    /// `a / (1 + b)^½`: half a discounting step (mid-year convention), with the exactly rounded
    /// square root.
    case halfDiscountStep
    /// `a / (b / 12)`: payback in months.
    case monthsToRecover
    /// Discounted payback in years over the inputs `a` and the present value arising in each
    /// analysis year `b, c, …`: with `C_t` the sum of the first `t` of them, left to right, the
    /// first year `t` whose present value is positive and `C_t ≥ a` gives
    /// `(t − 1) + (a − C_{t−1}) / PV_t`; undefined when there is none, or when `a` is 0.
    case yearsToRecover
    /// A formula over the inputs, which stand for its references in order of first appearance.
    case formula(String)
    /// `b + c + …`, the first `a` of them: an outcome's present value over a benefit period that
    /// varies. Only plans that vary a duration use it; a trace never holds it.
    case sumOfFirst
    /// `b` while year `k` (from 0) of an outcome lies within its benefit period of `a` years, else
    /// 0. Only plans that vary a duration use it.
    case withinYears(Int)

    /// The machine-readable name written in the trace.
    public var code: String {
        switch self {
        case .given: return "given"
        case .copy: return "a"
        case .product: return "a*b*..."
        case .sum: return "a+b+..."
        case .difference: return "a-b"
        case .quotient: return "a/b"
        case .rebase: return "a*b/c"
        case .complement: return "a*(1-b)"
        case .complementPower(let k): return "a*(1-b)^\(k)"
        case .discountStep: return "a/(1+b)"
        case .halfDiscountStep: return "a/(1+b)^0.5"
        case .monthsToRecover: return "a/(b/12)"
        case .yearsToRecover: return "(t-1)+(a-C_{t-1})/PV_t"
        case .formula(let text): return "formula: \(text)"
        case .sumOfFirst: return "b+c+... (first a)"
        case .withinYears(let k): return "b if \(k) < a else 0"
        }
    }

    /// The formula with the inputs' symbols or values in place of `a, b, …`.
    public func render(_ operands: [String]) -> String {
        func at(_ i: Int) -> String { i >= 0 && i < operands.count ? operands[i] : "?" }
        switch self {
        case .given: return operands.first ?? ""
        case .copy: return at(0)
        case .product: return operands.isEmpty ? "1" : operands.joined(separator: " × ")
        case .sum: return operands.isEmpty ? "0" : operands.joined(separator: " + ")
        case .difference: return "\(at(0)) − \(at(1))"
        case .quotient: return "\(at(0)) / \(at(1))"
        case .rebase: return "\(at(0)) × \(at(1)) / \(at(2))"
        case .complement: return "\(at(0)) × (1 − \(at(1)))"
        case .complementPower(let k): return "\(at(0)) × (1 − \(at(1)))^\(k)"
        case .discountStep: return "\(at(0)) / (1 + \(at(1)))"
        case .halfDiscountStep: return "\(at(0)) / (1 + \(at(1)))^½"
        case .monthsToRecover: return "\(at(0)) / (\(at(1)) / 12)"
        case .yearsToRecover:
            return "the first year t in which \(operands.dropFirst().joined(separator: " + ")) reaches \(at(0)), "
                + "as (t − 1) + (\(at(0)) − C_{t−1}) / PV_t"
        case .formula(let text):
            guard let expression = try? FormulaParser.parse(text) else { return text }
            let references = expression.references
            return expression.render { reference in at(references.firstIndex(of: reference) ?? -1) }
        case .sumOfFirst: return "the first \(at(0)) of " + operands.dropFirst().joined(separator: " + ")
        case .withinYears(let k): return "\(at(1)) if \(k) < \(at(0)), else 0"
        }
    }
}

/// Where a leaf figure of the trace came from.
public enum Origin: Hashable, Sendable {
    /// Typed in a scenario (or conformance case) at this place.
    case written(SourceLocation?)
    /// Taken from a value model entry, with the publication it cites.
    case model(ModelEntryOrigin)
    /// Not declared, so the method's default applies (e.g. no deadweight: 0).
    case methodDefault(String)
    /// Read from recorded data by a query.
    case records(RecordsOrigin)
    /// Set by a what-if on the command line: the setting as given (`posts=12`, `posts=-20%`).
    case commandLine(String)
}

/// One figure of the calculation: its value and unit, the named SROI step that produced it,
/// the formula, and the figures it was computed from (or, for a leaf, where it came from).
public struct TraceNode: Sendable {
    /// Stable across runs: e.g. `outcome.jobs.after_deadweight`, `discount.factor.year3`.
    public var id: String
    /// A short symbol for formulas: `G`, `DW`, `F_3`.
    public var symbol: String
    /// What the figure is, for people.
    public var label: String
    /// The SROI step that produced it: deadweight, drop-off, discounting, present value.
    public var step: Step
    public var arithmetic: Arithmetic
    public var value: FigureValue
    public var unit: String
    /// The ids of the figures this one was computed from, in the order the arithmetic takes them.
    public var inputs: [String]
    /// The positions of ``inputs`` in the trace, when the trace was recorded from a plan.
    var inputPositions: [Int] = []
    public var origin: Origin?
    /// The analyst's reason for a judgement, when given.
    public var rationale: String?
    /// Evidence cited for a value written in the scenario.
    public var source: Citation?
    /// The convention that shaped this step, e.g. `discount_from: year1`.
    public var convention: String?
}

/// Every figure of an evaluation, in the order computed, addressable by id.
public struct Trace: Sendable {
    public private(set) var nodes: [TraceNode] = []
    private var positions: [String: Int] = [:]

    public init() {}

    /// A trace recorded from an evaluation plan, whose nodes already have unique ids at known
    /// positions.
    init(nodes: [TraceNode], positions: [String: Int]) {
        self.nodes = nodes
        self.positions = positions
    }

    /// The positions of a node's inputs.
    private func inputPositions(of node: TraceNode) -> [Int?] {
        node.inputPositions.count == node.inputs.count ? node.inputPositions : node.inputs.map { positions[$0] }
    }

    public subscript(id: String) -> TraceNode? {
        positions[id].map { nodes[$0] }
    }

    mutating func reserveCapacity(_ count: Int) {
        nodes.reserveCapacity(count)
        positions.reserveCapacity(count)
    }

    /// Adds a node; ids are unique, so a second node with the same id is a programming error.
    mutating func append(_ node: TraceNode) {
        precondition(positions[node.id] == nil, "duplicate trace id \(node.id)")
        positions[node.id] = nodes.count
        nodes.append(node)
    }

    /// Sets the unit of a node just recorded (a figure in another currency before conversion).
    mutating func relabel(_ id: String, unit: String) {
        guard let position = positions[id] else { return }
        nodes[position].unit = unit
    }

    /// Overwrites one node's value, as a reader of a stored trace might find it altered.
    /// Used to check that ``inconsistencies()`` notices.
    public mutating func replaceValue(of id: String, with value: FigureValue) {
        guard let position = positions[id] else { return }
        nodes[position].value = value
    }

    /// The formula with input symbols, e.g. `I = G × (1 − DW)`.
    public func symbolicFormula(of node: TraceNode) -> String {
        guard node.arithmetic != .given else { return node.symbol }
        return "\(node.symbol) = "
            + node.arithmetic.render(
                zip(node.inputs, inputPositions(of: node)).map { id, position in position.map { nodes[$0].symbol } ?? id
                })
    }

    /// The formula with input values in place, e.g. `10000 × (1 − 0.2)`.
    public func substitutedFormula(of node: TraceNode) -> String {
        substitutedFormula(of: node) { number, _ in NumberFormat.shortest(number) }
    }

    /// The formula with its inputs' values, each written by `number` (given the value and the
    /// input's unit): rounded for reading, say.
    public func substitutedFormula(of node: TraceNode, number: (Double, String) -> String) -> String {
        func render(_ node: TraceNode) -> String {
            switch node.value {
            case .number(let value): return number(value, node.unit)
            case .undefined: return "undefined"
            }
        }
        guard node.arithmetic != .given else { return render(node) }
        return node.arithmetic.render(inputPositions(of: node).map { $0.map { render(nodes[$0]) } ?? "?" })
    }

    static func sameBits(_ a: FigureValue, _ b: FigureValue) -> Bool {
        switch (a, b) {
        case let (.number(x), .number(y)): return x.bitPattern == y.bitPattern
        case (.undefined, .undefined): return true
        default: return false
        }
    }

    /// Recomputes every computed node from its inputs and returns the ids whose value differs
    /// in any bit, or whose inputs are missing: empty for a consistent trace.
    public func inconsistencies() -> [String] {
        nodes.compactMap { node in
            guard node.arithmetic != .given else { return nil }
            let inputs = node.inputs.compactMap { self[$0]?.value }
            guard inputs.count == node.inputs.count else { return node.id }
            let numbers = inputs.compactMap(\.number)
            if numbers.count != inputs.count {
                if case .undefined = node.value { return nil }
                return node.id
            }
            return node.arithmetic.apply(numbers).map { Self.sameBits($0, node.value) } == true ? nil : node.id
        }
    }
}

/// The one place the chain raises to a power, so that the trace and its verifier agree.
enum Math {
    static func power(_ base: Double, _ exponent: Double) -> Double {
        #if canImport(Glibc)
            return Glibc.pow(base, exponent)
        #elseif canImport(Musl)
            return Musl.pow(base, exponent)
        #else
            return Foundation.pow(base, exponent)
        #endif
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#else
    import Foundation
#endif

extension Trace {
    /// The quantity and the proxy an outcome's gross value multiplies: the proxy as used, after
    /// any uplift to the price base and conversion to the report currency.
    public func quantityAndProxyUsed(by outcomeID: String) -> (quantity: TraceNode, proxy: TraceNode)? {
        guard let gross = self[FigureID.outcome(outcomeID, .grossValue)], gross.inputs.count == 2,
            let quantity = self[gross.inputs[0]], let proxy = self[gross.inputs[1]]
        else { return nil }
        return (quantity, proxy)
    }
}
