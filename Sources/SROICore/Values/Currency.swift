/// An ISO 4217 currency code such as `GBP` or `EUR`.
public struct Currency: Hashable, Sendable, CustomStringConvertible {
    public let code: String

    /// Accepts three upper-case ASCII letters; anything else is not a currency code.
    public init?(code: String) {
        guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase && $0.isLetter }) else {
            return nil
        }
        self.code = code
    }

    public var description: String { code }

    public static let gbp = Currency(code: "GBP")!
    public static let eur = Currency(code: "EUR")!
}

/// The year whose prices a money figure is expressed in: a calendar year (`2019`) or a
/// financial year (`2023-24`), written the way the price index that uplifts it is keyed.
public struct PriceYear: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let label: String

    /// Accepts `YYYY` or `YYYY-YY` where the second part is the following year.
    public init?(_ label: String) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, first.count == 4, let start = Int(first), first.allSatisfy(\.isASCII)
        else { return nil }
        if parts.count == 2 {
            guard parts[1].count == 2, let end = Int(parts[1]), end == (start + 1) % 100 else { return nil }
        } else if parts.count != 1 {
            return nil
        }
        self.label = label
    }

    public var description: String { label }

    /// The calendar year it starts in: 2023 for both `2023` and `2023-24`.
    public var startYear: Int { Int(label.prefix(4))! }

    /// Whether it is a financial year, `2023-24`.
    public var isFinancial: Bool { label.contains("-") }

    public static func < (lhs: PriceYear, rhs: PriceYear) -> Bool { lhs.label < rhs.label }
}
