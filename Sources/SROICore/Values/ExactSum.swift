/// The correctly rounded sum of binary64 values: the binary64 number nearest their exact sum,
/// ties to even, whatever order the values are added in (SROI-METHOD, "Numbers and
/// determinism": sums and means over recorded rows).
///
/// Shewchuk's exact partials, as in Python's `math.fsum`: the running sum is kept as a list of
/// non-overlapping binary64 partials whose exact sum is the exact sum so far, and rounded once
/// at the end. A sum that leaves the binary64 range is not finite, and so undefined.
public struct ExactSum: Sendable {
    private var partials: [Double] = []
    /// Set once a value or an intermediate sum is not finite.
    private var overflowed = false
    /// How many values were added.
    public private(set) var count = 0

    public init() {}

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        for value in values { add(value) }
    }

    /// Adds one value exactly.
    public mutating func add(_ value: Double) {
        count += 1
        guard value.isFinite, !overflowed else {
            overflowed = true
            return
        }
        var x = value
        var kept = 0
        for i in partials.indices {
            var y = partials[i]
            if abs(x) < abs(y) { swap(&x, &y) }
            let high = x + y
            let low = y - (high - x)
            if low != 0 {
                partials[kept] = low
                kept += 1
            }
            x = high
        }
        if !x.isFinite {
            overflowed = true
            return
        }
        partials.removeSubrange(kept...)
        partials.append(x)
    }

    /// Adds a whole number exactly, even one beyond 2^53: as two parts that binary64 holds exactly.
    public mutating func add(_ value: Int64) {
        let high = value & ~0x7FF
        add(Double(high))
        count -= 1
        add(Double(value - high))
    }

    /// The exact sum rounded once to binary64; 0 for no values, NaN when not finite.
    public var value: Double {
        if overflowed { return .nan }
        var n = partials.count
        guard n > 0 else { return 0 }
        n -= 1
        var high = partials[n]
        var low = 0.0
        while n > 0 {
            let x = high
            n -= 1
            let y = partials[n]
            high = x + y
            low = y - (high - x)
            if low != 0 { break }
        }
        // Half-way cases: round to even by looking at the next partial's sign.
        if n > 0, (low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0) {
            let y = low * 2
            let x = high + y
            if y == x - high { high = x }
        }
        return high
    }

    /// The exact sum divided by the count: the mean of the values; NaN when there are none.
    public var mean: Double { count == 0 ? .nan : value / Double(count) }
}
