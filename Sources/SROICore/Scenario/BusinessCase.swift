/// What an option costs to run, year by year, so that options can be compared as a business
/// case: each option's whole cost, benefits and net, and its cash by year.
///
/// Costs are not SROI inputs: the SROI ratio is the value created for what was invested, while
/// a business case weighs everything an option spends. An option whose outcomes are savings
/// against the spending it starts from declares that spending as its cost, so the savings are
/// counted once, as benefits.
public struct BusinessCase: Sendable {
    /// One line of spending.
    public struct Cost: Sendable {
        public var id: String
        public var summary: String?
        public var stakeholder: Located<String>?
        /// The amount in each year it is spent, in the report currency and the price base: a
        /// figure or a formula over named values.
        public var amount: StatedValue
        /// The analysis years (from 1) the amount is spent in.
        public var years: Located<[Int]>
        public var location: SourceLocation?

        public init(
            id: String, summary: String? = nil, stakeholder: Located<String>? = nil, amount: StatedValue,
            years: Located<[Int]>, location: SourceLocation? = nil
        ) {
            self.id = id
            self.summary = summary
            self.stakeholder = stakeholder
            self.amount = amount
            self.years = years
            self.location = location
        }
    }

    public var costs: [Cost]
    /// The deductions the cash view applies to fiscal outcomes. By default deadweight and
    /// displacement: what would have happened anyway releases no cash; attribution is left out,
    /// since it shares the credit for an outcome, not the cash it releases.
    public var cashDeductions: Located<[DeductionKind]>
    /// The yearly rate of general inflation that turns the cash view from the price base into
    /// nominal cash, the money a budget holds in each year. Absent, the cash view is in the
    /// price base only.
    public var inflation: Assumption<Double>?
    public var location: SourceLocation?

    public static let defaultCashDeductions: [DeductionKind] = [.deadweight, .displacement]

    public init(
        costs: [Cost], cashDeductions: Located<[DeductionKind]> = Located(BusinessCase.defaultCashDeductions),
        inflation: Assumption<Double>? = nil, location: SourceLocation? = nil
    ) {
        self.costs = costs
        self.cashDeductions = cashDeductions
        self.inflation = inflation
        self.location = location
    }

    /// The convention in words, for every output that shows the cash view.
    public var cashConvention: String {
        let applied = cashDeductions.value.map(\.rawValue)
        let left = DeductionKind.allCases.filter { !cashDeductions.value.contains($0) }.map(\.rawValue)
        var text =
            "cash-releasing savings after \(applied.isEmpty ? "no deduction" : applied.joined(separator: " and "))"
        if !left.isEmpty { text += ", not \(left.joined(separator: " or "))" }
        if left == ["attribution"] { text += ", which shares the credit, not the cash" }
        return text
    }
}
