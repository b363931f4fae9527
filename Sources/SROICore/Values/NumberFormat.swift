/// How numbers are written wherever exactness matters.
public enum NumberFormat {
    /// The shortest decimal text that reads back as exactly the same binary64 value.
    ///
    /// Swift's `description` gives the shortest round-trip digits; integral values drop the
    /// `.0` so that `10000` reads as an auditor would write it. Never called with NaN or
    /// infinity: those are reported as undefined figures, not numbers.
    public static func shortest(_ value: Double) -> String {
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        if value.isFinite, value.rounded() == value, abs(value) < 1e15 {
            return String(Int64(value))
        }
        return value.description
    }
}
