/// A unit of measure: a product of base units with integer powers, such as `GBP`, `hour`,
/// `GBP/hour` or `GBP/(person*year)`.
///
/// Base units are currencies (three capital letters), times (`hour`, `day`, `week`, `month`,
/// `year`) and counted things (any other name: `person`, `shift`, `wellby`). Different base
/// units never mix: hours are not days, and pounds are not euros, until a declared conversion
/// says how. The empty product is a plain number.
public struct Unit: Hashable, Sendable, CustomStringConvertible {
    /// Base unit → power, without zero powers.
    public private(set) var powers: [String: Int]

    public init(_ powers: [String: Int] = [:]) {
        self.powers = powers.filter { $0.value != 0 }
    }

    public static let number = Unit()

    /// The largest power a unit may be written with: `hour^12`.
    public static let maximumPower = 12

    public static func base(_ name: String) -> Unit { Unit([name: 1]) }

    public static func currency(_ currency: Currency) -> Unit { .base(currency.code) }

    public var isNumber: Bool { powers.isEmpty }

    /// The currencies this unit involves.
    public var currencies: [String] { powers.keys.filter { Currency(code: $0) != nil }.sorted() }

    public static func * (a: Unit, b: Unit) -> Unit {
        var powers = a.powers
        for (name, power) in b.powers { powers[name, default: 0] += power }
        return Unit(powers)
    }

    public static func / (a: Unit, b: Unit) -> Unit {
        var powers = a.powers
        for (name, power) in b.powers { powers[name, default: 0] -= power }
        return Unit(powers)
    }

    /// `GBP/hour`, `GBP*hour/day`, `1/year`, `1` for a plain number. Currencies come first,
    /// then other units in name order, so equal units print alike.
    public var description: String {
        func part(_ entries: [(String, Int)]) -> String {
            entries.map { $0.1 == 1 ? $0.0 : "\($0.0)^\($0.1)" }.joined(separator: "*")
        }
        let ordered = powers.sorted { a, b in
            let ca = Currency(code: a.key) != nil
            let cb = Currency(code: b.key) != nil
            return ca != cb ? ca : a.key < b.key
        }
        let numerator = ordered.filter { $0.value > 0 }.map { ($0.key, $0.value) }
        let denominator = ordered.filter { $0.value < 0 }.map { ($0.key, -$0.value) }
        let top = numerator.isEmpty ? "1" : part(numerator)
        if denominator.isEmpty { return top }
        let bottom = part(denominator)
        return denominator.count > 1 ? "\(top)/(\(bottom))" : "\(top)/\(bottom)"
    }

    /// Parses `GBP/hour`, `GBP/(person*year)`, `hour^2`, `1`. Returns `nil` for anything else,
    /// and for a power beyond ±``maximumPower``.
    public init?(parsing text: String) {
        var powers: [String: Int] = [:]
        let trimmed = text.replacingSpaces()
        guard !trimmed.isEmpty else { return nil }
        let halves = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        func factors(_ text: String, sign: Int) -> Bool {
            var body = Substring(text)
            if body.hasPrefix("("), body.hasSuffix(")") { body = body.dropFirst().dropLast() }
            for factor in body.split(separator: "*", omittingEmptySubsequences: false) {
                if factor == "1" { continue }
                let pieces = factor.split(separator: "^", omittingEmptySubsequences: false)
                guard let name = pieces.first, !name.isEmpty,
                    name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }),
                    name.first!.isLetter
                else { return false }
                var power = 1
                if pieces.count == 2 {
                    guard let parsed = Int(pieces[1]), parsed != 0, abs(parsed) <= Self.maximumPower else {
                        return false
                    }
                    power = parsed
                } else if pieces.count > 2 {
                    return false
                }
                powers[String(name), default: 0] += sign * power
            }
            return true
        }
        guard factors(halves[0], sign: 1) else { return nil }
        if halves.count == 2 {
            guard !halves[1].isEmpty, !halves[1].contains("/"), factors(halves[1], sign: -1) else { return nil }
        }
        self.init(powers)
    }
}

extension String {
    fileprivate func replacingSpaces() -> String { filter { !$0.isWhitespace } }
}
