/// A formula: arithmetic, `min`, `max`, `round`, `if`, and references to named values, model
/// entries and declared currency conversions.
///
/// ```
/// min(agency_rate, model("nhs-agency-caps/band5-hour")) - substantive_rate
/// if(hours > 0, saving / hours, 0)
/// grant_eur * rate(EUR, GBP)
/// ```
public indirect enum Expression: Sendable, Equatable {
    public enum Operator: String, Sendable { case add = "+", subtract = "−", multiply = "×", divide = "/" }
    public enum Comparison: String, Sendable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", notEqual = "!="
    }

    case number(Double, at: Int)
    /// A named value of the scenario, or (inside a model) a sibling entry.
    case value(String, at: Int)
    /// `model("id/entry")`.
    case model(String, at: Int)
    /// `rate(EUR, GBP)`: the declared rate from one currency to another, in GBP/EUR.
    case rate(from: String, to: String, at: Int)
    case negate(Expression, at: Int)
    case binary(Operator, Expression, Expression, at: Int)
    case minimum([Expression], at: Int)
    case maximum([Expression], at: Int)
    /// Rounded half away from zero to the given number of decimals.
    case round(Expression, digits: Int, at: Int)
    case choose(Comparison, Expression, Expression, then: Expression, otherwise: Expression, at: Int)

    /// Where the expression starts in the formula's text (0-based, in Unicode scalars).
    public var offset: Int {
        switch self {
        case .number(_, let at), .value(_, let at), .model(_, let at), .rate(_, _, let at), .negate(_, let at),
            .binary(_, _, _, let at), .minimum(_, let at), .maximum(_, let at), .round(_, _, let at),
            .choose(_, _, _, _, _, let at):
            return at
        }
    }

    /// A reference a formula reads: a value, a model entry or a rate.
    public enum Reference: Hashable, Sendable {
        case value(String)
        case model(String)
        case rate(from: String, to: String)
    }

    /// Every reference, in order of first appearance, each once: the inputs of its trace node.
    public var references: [Reference] {
        var found: [Reference] = []
        func visit(_ expression: Expression) {
            switch expression {
            case .number: break
            case .value(let name, _): if !found.contains(.value(name)) { found.append(.value(name)) }
            case .model(let entry, _): if !found.contains(.model(entry)) { found.append(.model(entry)) }
            case .rate(let from, let to, _):
                if !found.contains(.rate(from: from, to: to)) { found.append(.rate(from: from, to: to)) }
            case .negate(let inner, _): visit(inner)
            case .binary(_, let a, let b, _): visit(a); visit(b)
            case .minimum(let items, _), .maximum(let items, _): items.forEach(visit)
            case .round(let inner, _, _): visit(inner)
            case .choose(_, let a, let b, let then, let otherwise, _): [a, b, then, otherwise].forEach(visit)
            }
        }
        visit(self)
        return found
    }

    /// The value, with each reference's value from `lookup`.
    public func evaluate(_ lookup: (Reference) -> Double) -> Double {
        let references = self.references
        let values = references.map(lookup)
        return indexed(by: references).evaluate { values[$0] }
    }

    /// The expression with each reference replaced by its position in `references`, the form
    /// in which the evaluation plan computes it.
    public func indexed(by references: [Reference]) -> IndexedExpression {
        func inner(_ expression: Expression) -> IndexedExpression {
            switch expression {
            case .number(let value, _): return .number(value)
            case .value(let name, _): return .input(references.firstIndex(of: .value(name))!)
            case .model(let entry, _): return .input(references.firstIndex(of: .model(entry))!)
            case .rate(let from, let to, _): return .input(references.firstIndex(of: .rate(from: from, to: to))!)
            case .negate(let value, _): return .negate(inner(value))
            case .binary(let op, let a, let b, _): return .binary(op, inner(a), inner(b))
            case .minimum(let items, _): return .minimum(items.map(inner))
            case .maximum(let items, _): return .maximum(items.map(inner))
            case .round(let value, let digits, _):
                var scale = 1.0
                for _ in 0..<digits { scale *= 10 }
                return .round(inner(value), scale: scale)
            case .choose(let comparison, let a, let b, let then, let otherwise, _):
                return .choose(comparison, inner(a), inner(b), then: inner(then), otherwise: inner(otherwise))
            }
        }
        return inner(self)
    }

    /// The formula written out, with each reference replaced by `name(reference)`.
    public func render(_ name: (Reference) -> String) -> String {
        func inner(_ expression: Expression, _ parent: Int) -> String {
            switch expression {
            case .number(let value, _): return NumberFormat.shortest(value)
            case .value(let reference, _): return name(.value(reference))
            case .model(let entry, _): return name(.model(entry))
            case .rate(let from, let to, _): return name(.rate(from: from, to: to))
            case .negate(let value, _): return "−" + inner(value, 3)
            case .binary(let op, let a, let b, _):
                let precedence = op == .add || op == .subtract ? 1 : 2
                let text = "\(inner(a, precedence)) \(op.rawValue) \(inner(b, precedence + 1))"
                return precedence < parent ? "(\(text))" : text
            case .minimum(let items, _): return "min(" + items.map { inner($0, 0) }.joined(separator: ", ") + ")"
            case .maximum(let items, _): return "max(" + items.map { inner($0, 0) }.joined(separator: ", ") + ")"
            case .round(let value, let digits, _): return "round(\(inner(value, 0)), \(digits))"
            case .choose(let comparison, let a, let b, let then, let otherwise, _):
                return
                    "if(\(inner(a, 0)) \(comparison.rawValue) \(inner(b, 0)), \(inner(then, 0)), \(inner(otherwise, 0)))"
            }
        }
        return inner(self, 0)
    }
}

/// A formula whose references are positions in a list of inputs: the one form in which formulas
/// are computed, in the evaluation plan and when a trace is verified.
public indirect enum IndexedExpression: Sendable {
    case number(Double)
    case input(Int)
    case negate(IndexedExpression)
    case binary(Expression.Operator, IndexedExpression, IndexedExpression)
    case minimum([IndexedExpression])
    case maximum([IndexedExpression])
    /// Rounded half away from zero after multiplying by `scale` (10 to the number of decimals).
    case round(IndexedExpression, scale: Double)
    case choose(
        Expression.Comparison, IndexedExpression, IndexedExpression, then: IndexedExpression,
        otherwise: IndexedExpression)

    /// The value, in binary64, in the order written; `input(i)` reads `input(i)`.
    @inlinable
    public func evaluate(_ input: (Int) -> Double) -> Double {
        switch self {
        case .number(let value): return value
        case .input(let index): return input(index)
        case .negate(let inner): return -inner.evaluate(input)
        case .binary(let op, let a, let b):
            let x = a.evaluate(input)
            let y = b.evaluate(input)
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            }
        case .minimum(let items):
            return items.dropFirst().reduce(items[0].evaluate(input)) { Swift.min($0, $1.evaluate(input)) }
        case .maximum(let items):
            return items.dropFirst().reduce(items[0].evaluate(input)) { Swift.max($0, $1.evaluate(input)) }
        case .round(let inner, let scale):
            return (inner.evaluate(input) * scale).rounded(.toNearestOrAwayFromZero) / scale
        case .choose(let comparison, let a, let b, let then, let otherwise):
            let x = a.evaluate(input)
            let y = b.evaluate(input)
            let holds: Bool
            switch comparison {
            case .less: holds = x < y
            case .lessOrEqual: holds = x <= y
            case .greater: holds = x > y
            case .greaterOrEqual: holds = x >= y
            case .equal: holds = x == y
            case .notEqual: holds = x != y
            }
            return holds ? then.evaluate(input) : otherwise.evaluate(input)
        }
    }
}

/// A formula that cannot be read: where in its text, and why.
public struct FormulaSyntaxError: Error, Sendable, Equatable {
    /// 0-based character offset in the formula.
    public var offset: Int
    public var message: String
}

/// Reads formulas. Identifiers are letters, digits and `_`; `-` is always subtraction.
public struct FormulaParser {
    /// The longest formula a scenario or model may write, in characters.
    public static let maximumLength = 4000
    /// The most numbers, references and operations one formula may hold.
    public static let maximumParts = 500
    /// The deepest nesting of parentheses, functions and signs.
    public static let maximumNesting = 50

    /// The text as Unicode scalars: grapheme clusters would let a combining mark join a
    /// neighbour differently once the formula is written out again.
    private let characters: [Unicode.Scalar]
    private var position = 0
    private var parts = 0
    private var nesting = 0

    /// Reads a formula. The length of a formula a user writes is checked where it is read
    /// (``maximumLength``); a canonical text written out by the engine may be longer.
    public static func parse(_ text: String) throws(FormulaSyntaxError) -> Expression {
        var parser = FormulaParser(characters: Array(text.unicodeScalars))
        let expression = try parser.expression()
        parser.skipSpace()
        if parser.position < parser.characters.count {
            throw FormulaSyntaxError(
                offset: parser.position, message: "unexpected '\(parser.characters[parser.position])'")
        }
        return expression
    }

    private init(characters: [Unicode.Scalar]) {
        self.characters = characters
    }

    /// Names are ASCII letters, digits and `_`; numbers ASCII digits: a letter or digit of another
    /// script is refused rather than read one way here and another when written out.
    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    private mutating func skipSpace() {
        while position < characters.count, Self.isSpace(characters[position]) { position += 1 }
    }

    private mutating func peek() -> Unicode.Scalar? {
        skipSpace()
        return position < characters.count ? characters[position] : nil
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(FormulaSyntaxError) {
        guard peek() == character else {
            throw FormulaSyntaxError(
                offset: position,
                message: "expected '\(character)'"
                    + (position < characters.count ? ", found '\(characters[position])'" : ", found the end"))
        }
        position += 1
    }

    /// Counts one more part, refusing a formula with too many.
    private mutating func count(at offset: Int) throws(FormulaSyntaxError) {
        parts += 1
        if parts > Self.maximumParts {
            throw FormulaSyntaxError(
                offset: offset,
                message: "the formula has more than \(Self.maximumParts) parts; split it into named values")
        }
    }

    /// Enters one level of nesting, refusing a formula nested too deeply.
    private mutating func enter(at offset: Int) throws(FormulaSyntaxError) {
        nesting += 1
        if nesting > Self.maximumNesting {
            throw FormulaSyntaxError(
                offset: offset, message: "the formula is nested more than \(Self.maximumNesting) levels deep")
        }
    }

    private mutating func expression() throws(FormulaSyntaxError) -> Expression {
        try enter(at: position)
        defer { nesting -= 1 }
        var left = try term()
        while let next = peek(), next == "+" || next == "-" || next == "−" {
            let at = position
            try count(at: at)
            position += 1
            let right = try term()
            left = .binary(next == "+" ? .add : .subtract, left, right, at: at)
        }
        return left
    }

    private mutating func term() throws(FormulaSyntaxError) -> Expression {
        var left = try unary()
        while let next = peek(), next == "*" || next == "/" || next == "×" {
            let at = position
            try count(at: at)
            position += 1
            let right = try unary()
            left = .binary(next == "/" ? .divide : .multiply, left, right, at: at)
        }
        return left
    }

    private mutating func unary() throws(FormulaSyntaxError) -> Expression {
        if let next = peek(), next == "-" || next == "−" {
            let at = position
            try count(at: at)
            try enter(at: at)
            defer { nesting -= 1 }
            position += 1
            return .negate(try unary(), at: at)
        }
        return try primary()
    }

    private mutating func primary() throws(FormulaSyntaxError) -> Expression {
        guard let next = peek() else {
            throw FormulaSyntaxError(offset: position, message: "the formula ends too soon")
        }
        let at = position
        try count(at: at)
        if next == "(" {
            position += 1
            let inner = try expression()
            try expect(")")
            return inner
        }
        if Self.isDigit(next) || next == "." {
            var end = position
            while end < characters.count, Self.isDigit(characters[end]) || characters[end] == "." { end += 1 }
            if end < characters.count, characters[end] == "e" || characters[end] == "E" {
                var exponent = end + 1
                if exponent < characters.count, characters[exponent] == "-" || characters[exponent] == "+" {
                    exponent += 1
                }
                if exponent < characters.count, Self.isDigit(characters[exponent]) {
                    end = exponent
                    while end < characters.count, Self.isDigit(characters[end]) { end += 1 }
                }
            }
            let text = String(String.UnicodeScalarView(characters[position..<end]))
            guard let value = Double(text), value.isFinite else {
                throw FormulaSyntaxError(offset: at, message: "'\(text)' is not a number")
            }
            position = end
            return .number(value, at: at)
        }
        guard Self.isLetter(next) || next == "_" else {
            throw FormulaSyntaxError(offset: at, message: "unexpected '\(next)'")
        }
        let name = identifier()
        guard peek() == "(" else { return .value(name, at: at) }
        position += 1
        switch name {
        case "min", "max":
            var items = [try expression()]
            while peek() == "," {
                position += 1
                items.append(try expression())
            }
            try expect(")")
            guard items.count >= 2 else {
                throw FormulaSyntaxError(offset: at, message: "\(name) needs two values or more")
            }
            return name == "min" ? .minimum(items, at: at) : .maximum(items, at: at)
        case "round":
            let inner = try expression()
            try expect(",")
            skipSpace()
            let digitsAt = position
            guard case .number(let digits, _) = try primary(), digits.rounded() == digits, (0...12).contains(digits)
            else {
                throw FormulaSyntaxError(
                    offset: digitsAt, message: "round takes a whole number of decimals from 0 to 12")
            }
            try expect(")")
            return .round(inner, digits: Int(digits), at: at)
        case "if":
            let a = try expression()
            skipSpace()
            let comparisonAt = position
            guard let comparison = comparisonOperator() else {
                throw FormulaSyntaxError(offset: comparisonAt, message: "if needs a comparison: <, <=, >, >=, == or !=")
            }
            let b = try expression()
            try expect(",")
            let then = try expression()
            try expect(",")
            let otherwise = try expression()
            try expect(")")
            return .choose(comparison, a, b, then: then, otherwise: otherwise, at: at)
        case "model":
            skipSpace()
            guard position < characters.count, characters[position] == "\"" else {
                throw FormulaSyntaxError(
                    offset: position, message: "model takes a quoted reference: model(\"id/entry\")")
            }
            let start = position + 1
            var end = start
            while end < characters.count, characters[end] != "\"" { end += 1 }
            guard end < characters.count else {
                throw FormulaSyntaxError(offset: position, message: "the quoted reference is never closed")
            }
            let reference = String(String.UnicodeScalarView(characters[start..<end]))
            position = end + 1
            try expect(")")
            return .model(reference, at: at)
        case "rate":
            skipSpace()
            let fromAt = position
            let from = identifier()
            try expect(",")
            skipSpace()
            let to = identifier()
            try expect(")")
            guard Currency(code: from) != nil, Currency(code: to) != nil else {
                throw FormulaSyntaxError(offset: fromAt, message: "rate takes two currency codes: rate(EUR, GBP)")
            }
            return .rate(from: from, to: to, at: at)
        default:
            throw FormulaSyntaxError(
                offset: at,
                message: "'\(name)' is not a function; the functions are min, max, round, if, model and rate")
        }
    }

    private mutating func identifier() -> String {
        let start = position
        while position < characters.count,
            Self.isLetter(characters[position]) || Self.isDigit(characters[position]) || characters[position] == "_"
        {
            position += 1
        }
        return String(String.UnicodeScalarView(characters[start..<position]))
    }

    private mutating func comparisonOperator() -> Expression.Comparison? {
        let rest = String(String.UnicodeScalarView(characters[position..<Swift.min(position + 2, characters.count)]))
        let options: [(String, Expression.Comparison)] = [
            ("<=", .lessOrEqual), (">=", .greaterOrEqual), ("==", .equal), ("!=", .notEqual), ("<", .less),
            (">", .greater),
        ]
        for (text, comparison) in options where rest.hasPrefix(text) {
            position += text.count
            return comparison
        }
        return nil
    }
}
