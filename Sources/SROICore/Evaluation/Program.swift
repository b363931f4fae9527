/// The arithmetic of an evaluation plan as flat instructions over a buffer of values: the one
/// implementation of every step of the chain.
///
/// A value that is undefined (a division by 0, a figure too large for binary64, anything that
/// depends on an undefined value) is held as NaN inside the buffer and nowhere else; readers of
/// the buffer turn it into ``FigureValue/undefined(reason:)``, never into a number.
struct Program: Sendable {
    enum Operation: UInt8, Sendable {
        case copy, product, sum, difference, quotient, rebase, complement, complementPower, discountStep
        case halfDiscountStep, monthsToRecover, yearsToRecover, formula, sumOfFirst, withinYears
    }

    struct Instruction: Sendable {
        var operation: Operation
        /// The slot written.
        var output: Int32
        /// The slots read: `operands[first ..< first + count]`.
        var first: Int32
        var count: Int32
        /// The power of `complementPower`, the year of `withinYears`, the formula's index.
        var parameter: Int32
    }

    private(set) var instructions: [Instruction] = []
    private(set) var operands: [Int32] = []
    private(set) var formulas: [IndexedExpression] = []

    /// Appends the instruction computing `output` by `arithmetic` from `inputs`.
    mutating func append(_ arithmetic: Arithmetic, inputs: [Int], output: Int, formula: IndexedExpression? = nil) {
        let operation: Operation
        var parameter: Int32 = 0
        switch arithmetic {
        case .given: preconditionFailure("a given value has no instruction")
        case .copy: operation = .copy
        case .product: operation = .product
        case .sum: operation = .sum
        case .difference: operation = .difference
        case .quotient: operation = .quotient
        case .rebase: operation = .rebase
        case .complement: operation = .complement
        case .complementPower(let k):
            operation = .complementPower
            parameter = Int32(k)
        case .discountStep: operation = .discountStep
        case .halfDiscountStep: operation = .halfDiscountStep
        case .monthsToRecover: operation = .monthsToRecover
        case .yearsToRecover: operation = .yearsToRecover
        case .formula:
            operation = .formula
            parameter = Int32(formulas.count)
            formulas.append(formula!)
        case .sumOfFirst: operation = .sumOfFirst
        case .withinYears(let k):
            operation = .withinYears
            parameter = Int32(k)
        }
        instructions.append(
            Instruction(
                operation: operation, output: Int32(output), first: Int32(operands.count), count: Int32(inputs.count),
                parameter: parameter))
        operands += inputs.map { Int32($0) }
    }

    /// Runs the instructions at `indices` (all of them when `nil`), in order, over `values`.
    func run(_ values: UnsafeMutableBufferPointer<Double>, only indices: UnsafeBufferPointer<Int32>? = nil) {
        instructions.withUnsafeBufferPointer { instructions in
            operands.withUnsafeBufferPointer { operands in
                Self.run(instructions, operands, formulas, values.baseAddress!, lanes: 1, only: indices)
            }
        }
    }

    /// The loop of ``run(_:only:)`` over buffers a worker thread owns, so that threads share no
    /// reference counts, for `lanes` evaluations side by side: node `n` of lane `l` is
    /// `values[n × lanes + l]`. Each lane is computed exactly as it would be alone; the lanes only
    /// share the dispatch of each instruction.
    static func run(
        _ instructions: UnsafeBufferPointer<Instruction>, _ operands: UnsafeBufferPointer<Int32>,
        _ formulas: [IndexedExpression], _ values: UnsafeMutablePointer<Double>, lanes: Int,
        only indices: UnsafeBufferPointer<Int32>?
    ) {
        if let indices {
            for index in indices { execute(instructions[Int(index)], values, lanes, operands, formulas) }
        } else {
            for instruction in instructions { execute(instruction, values, lanes, operands, formulas) }
        }
    }

    /// One step, for every lane. Every figure of every command is computed here.
    @inline(__always)
    static func execute(
        _ instruction: Instruction, _ v: UnsafeMutablePointer<Double>, _ lanes: Int,
        _ operands: UnsafeBufferPointer<Int32>, _ formulas: [IndexedExpression]
    ) {
        let first = Int(instruction.first)
        let count = Int(instruction.count)
        let out = v + Int(instruction.output) * lanes
        @inline(__always) func input(_ i: Int) -> UnsafeMutablePointer<Double> { v + Int(operands[first + i]) * lanes }
        // The common steps run eight lanes at a time when the lanes allow it: the same IEEE-754
        // operations on each lane, so the same bits as one lane alone.
        let wide = lanes % 8 == 0
        switch instruction.operation {
        case .copy:
            let a = input(0)
            for l in 0..<lanes { out[l] = a[l] }
        case .product:
            if wide {
                fold(out, input, count, lanes) { $0 * $1 }
            } else {
                let a = input(0)
                for l in 0..<lanes { out[l] = a[l] }
                for i in 1..<max(count, 1) {
                    let b = input(i)
                    for l in 0..<lanes { out[l] = out[l] * b[l] }
                }
            }
        case .sum:
            if count == 0 {
                for l in 0..<lanes { out[l] = 0 }
            } else if wide {
                fold(out, input, count, lanes) { $0 + $1 }
            } else {
                let a = input(0)
                for l in 0..<lanes { out[l] = a[l] }
                for i in 1..<count {
                    let b = input(i)
                    for l in 0..<lanes { out[l] = out[l] + b[l] }
                }
            }
        case .difference:
            let (a, b) = (input(0), input(1))
            for l in 0..<lanes { out[l] = a[l] - b[l] }
        case .quotient:
            let (a, b) = (input(0), input(1))
            for l in 0..<lanes { out[l] = b[l] == 0 ? .nan : a[l] / b[l] }
        case .rebase:
            let (a, b, c) = (input(0), input(1), input(2))
            for l in 0..<lanes { out[l] = a[l] * b[l] / c[l] }
        case .complement:
            let (a, b) = (input(0), input(1))
            if wide {
                var l = 0
                while l < lanes {
                    store(load(a + l) * (1 - load(b + l)), out + l)
                    l += 8
                }
            } else {
                for l in 0..<lanes { out[l] = a[l] * (1 - b[l]) }
            }
        case .complementPower:
            let (a, b) = (input(0), input(1))
            let k = Double(instruction.parameter)
            for l in 0..<lanes { out[l] = a[l] * Math.power(1 - b[l], k) }
        case .discountStep:
            let (a, b) = (input(0), input(1))
            for l in 0..<lanes { out[l] = a[l] / (1 + b[l]) }
        case .halfDiscountStep:
            let (a, b) = (input(0), input(1))
            for l in 0..<lanes { out[l] = a[l] / (1 + b[l]).squareRoot() }
        case .monthsToRecover:
            let (a, b) = (input(0), input(1))
            for l in 0..<lanes {
                let perMonth = b[l] / 12
                out[l] = a[l].isNaN || perMonth.isNaN || a[l] == 0 || perMonth <= 0 ? .nan : a[l] / perMonth
            }
        case .yearsToRecover:
            // `a` is the inputs; the next inputs are the present values of analysis years 1, 2, …
            let inputs = input(0)
            for l in 0..<lanes {
                let target = inputs[l]
                var recovered = 0.0
                var years = Double.nan
                var t = 1
                while t < count, !target.isNaN, target != 0 {
                    let pv = input(t)[l]
                    if pv.isNaN { break }
                    let cumulative = recovered + pv
                    if pv > 0 && cumulative >= target {
                        years = Double(t - 1) + (target - recovered) / pv
                        break
                    }
                    recovered = cumulative
                    t += 1
                }
                out[l] = years
            }
        case .formula:
            let formula = formulas[Int(instruction.parameter)]
            for l in 0..<lanes {
                var defined = true
                for i in 0..<count where input(i)[l].isNaN { defined = false }
                out[l] = defined ? formula.evaluate { input($0)[l] } : .nan
            }
        case .sumOfFirst:
            // `a` is a whole number of terms n; the value is the sum of the next n inputs.
            let terms = input(0)
            for l in 0..<lanes {
                if terms[l].isNaN {
                    out[l] = .nan
                    continue
                }
                let n = min(max(Int(terms[l]), 0), count - 1)
                var total = n == 0 ? 0 : input(1)[l]
                var i = 2
                while i <= n {
                    total = total + input(i)[l]
                    i += 1
                }
                out[l] = total
            }
        case .withinYears:
            // `b` while year k (from 0) lies within a benefit period of `a` years, 0 after it.
            let (years, b) = (input(0), input(1))
            let k = Double(instruction.parameter)
            for l in 0..<lanes { out[l] = years[l].isNaN ? .nan : (k < years[l].rounded(.down) ? b[l] : 0) }
        }
        // A figure that is not finite is undefined, never infinity.
        if wide {
            var l = 0
            while l < lanes {
                let x = load(out + l)
                let finite = x.isFiniteLanes
                if !all(finite) { store(x.replacing(with: SIMD8<Double>(repeating: .nan), where: .!finite), out + l) }
                l += 8
            }
        } else {
            for l in 0..<lanes where !out[l].isFinite { out[l] = .nan }
        }
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Double>) -> SIMD8<Double> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Double>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Double>, _ pointer: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Double>.self)
    }

    /// `out = x₀ ∘ x₁ ∘ …`, left to right, eight lanes at a time.
    @inline(__always)
    static func fold(
        _ out: UnsafeMutablePointer<Double>, _ input: (Int) -> UnsafeMutablePointer<Double>, _ count: Int,
        _ lanes: Int, _ combine: (SIMD8<Double>, SIMD8<Double>) -> SIMD8<Double>
    ) {
        var l = 0
        while l < lanes {
            var total = load(input(0) + l)
            var i = 1
            while i < count {
                total = combine(total, load(input(i) + l))
                i += 1
            }
            store(total, out + l)
            l += 8
        }
    }
}

extension SIMD8 where Scalar == Double {
    /// Lanes whose value is neither infinite nor NaN: every comparison with NaN is false.
    var isFiniteLanes: SIMDMask<SIMD8<Int64>> {
        let limit = SIMD8<Double>(repeating: .greatestFiniteMagnitude)
        return (self .<= limit) .& (self .>= -limit)
    }
}

extension Arithmetic {
    /// Applies the arithmetic to numbers, by the same instruction the evaluation plan runs;
    /// `nil` for a given value or a wrong number of inputs.
    public func apply(_ x: [Double]) -> FigureValue? {
        switch self {
        case .given: return nil
        case .copy where x.count != 1: return nil
        case .difference, .quotient, .complement, .complementPower, .discountStep, .halfDiscountStep,
            .monthsToRecover, .withinYears:
            if x.count != 2 { return nil }
        case .rebase where x.count != 3: return nil
        case .product, .sumOfFirst, .formula, .yearsToRecover: if x.isEmpty { return nil }
        default: break
        }
        var formula: IndexedExpression?
        if case .formula(let text) = self {
            guard let expression = try? FormulaParser.parse(text) else { return nil }
            let references = expression.references
            guard references.count == x.count else { return nil }
            formula = expression.indexed(by: references)
        }
        var program = Program()
        program.append(self, inputs: Array(x.indices), output: x.count, formula: formula)
        var values = x + [0]
        values.withUnsafeMutableBufferPointer { program.run($0) }
        let value = values[x.count]
        return value.isNaN ? .undefined(reason: undefinedReason(x)) : .number(value)
    }

    /// Why the arithmetic gives no number for these defined inputs.
    func undefinedReason(_ x: [Double]) -> String {
        switch self {
        case .quotient where x.count == 2 && x[1] == 0: return "the divisor is 0"
        case .monthsToRecover where x.first == 0: return "there are no inputs to pay back"
        case .monthsToRecover: return "the year-one impact of outcomes starting in year 1 is not positive"
        case .yearsToRecover where x.first == 0: return "there are no inputs to pay back"
        case .yearsToRecover: return "the present value does not cover the inputs within the analysis period"
        case .formula: return "the formula gives no finite value"
        default: return "the result is too large for a binary64 number"
        }
    }
}
