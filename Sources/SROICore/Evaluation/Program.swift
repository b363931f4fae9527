/// The arithmetic of an evaluation plan as flat instructions over a buffer of values: the one
/// implementation of every step of the chain.
///
/// A value that is undefined (a division by 0, a figure too large for binary64, anything that
/// depends on an undefined value) is held as NaN inside the buffer and nowhere else; readers of
/// the buffer turn it into ``FigureValue/undefined(reason:)``, never into a number.
struct Program: Sendable {
    enum Operation: UInt8, Sendable {
        case copy, product, sum, difference, quotient, rebase, complement, complementPower, discountStep
        case halfDiscountStep, monthsToRecover, formula, sumOfFirst, withinYears
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
                Self.run(instructions, operands, formulas, values, only: indices)
            }
        }
    }

    /// The loop of ``run(_:only:)`` over buffers a worker thread owns, so that threads share no
    /// reference counts.
    static func run(
        _ instructions: UnsafeBufferPointer<Instruction>, _ operands: UnsafeBufferPointer<Int32>,
        _ formulas: [IndexedExpression], _ values: UnsafeMutableBufferPointer<Double>,
        only indices: UnsafeBufferPointer<Int32>?
    ) {
        if let indices {
            for index in indices { execute(instructions[Int(index)], values, operands, formulas) }
        } else {
            for instruction in instructions { execute(instruction, values, operands, formulas) }
        }
    }

    /// One step. Every figure of every command is computed here.
    @inline(__always)
    static func execute(
        _ instruction: Instruction, _ v: UnsafeMutableBufferPointer<Double>, _ operands: UnsafeBufferPointer<Int32>,
        _ formulas: [IndexedExpression]
    ) {
        let first = Int(instruction.first)
        let count = Int(instruction.count)
        @inline(__always) func x(_ i: Int) -> Double { v[Int(operands[first + i])] }
        var result: Double
        switch instruction.operation {
        case .copy: result = x(0)
        case .product:
            result = x(0)
            var i = 1
            while i < count {
                result = result * x(i)
                i += 1
            }
        case .sum:
            result = count == 0 ? 0 : x(0)
            var i = 1
            while i < count {
                result = result + x(i)
                i += 1
            }
        case .difference: result = x(0) - x(1)
        case .quotient: result = x(1) == 0 ? .nan : x(0) / x(1)
        case .rebase: result = x(0) * x(1) / x(2)
        case .complement: result = x(0) * (1 - x(1))
        case .complementPower: result = x(0) * Math.power(1 - x(1), Double(instruction.parameter))
        case .discountStep: result = x(0) / (1 + x(1))
        case .halfDiscountStep: result = x(0) / (1 + x(1)).squareRoot()
        case .monthsToRecover:
            let perMonth = x(1) / 12
            result = x(0).isNaN || perMonth.isNaN || x(0) == 0 || perMonth <= 0 ? .nan : x(0) / perMonth
        case .formula:
            var defined = true
            for i in 0..<count where x(i).isNaN { defined = false }
            result = defined ? formulas[Int(instruction.parameter)].evaluate { x($0) } : .nan
        case .sumOfFirst:
            // `a` is a whole number of terms n; the value is the sum of the next n inputs.
            let terms = x(0)
            if terms.isNaN {
                result = .nan
            } else {
                let n = min(max(Int(terms), 0), count - 1)
                result = n == 0 ? 0 : x(1)
                var i = 2
                while i <= n {
                    result = result + x(i)
                    i += 1
                }
            }
        case .withinYears:
            // `b` while year k (from 0) lies within a benefit period of `a` years, 0 after it.
            let years = x(0)
            result = years.isNaN ? .nan : (Int(instruction.parameter) < Int(years) ? x(1) : 0)
        }
        v[Int(instruction.output)] = result.isFinite ? result : .nan
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
        case .product, .sumOfFirst, .formula: if x.isEmpty { return nil }
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
        case .formula: return "the formula gives no finite value"
        default: return "the result is too large for a binary64 number"
        }
    }
}
