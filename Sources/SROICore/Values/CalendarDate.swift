/// Dates as scenario and record files write them: `YYYY-MM-DD`, the one order no reader takes
/// the wrong way. The one check of a calendar date, for scenario fields and CSV imports alike.
public enum CalendarDate {
    /// Whether `text` is a real calendar date written `YYYY-MM-DD`.
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isValid)
    }

    /// Whether the bytes are a real calendar date written `YYYY-MM-DD`: for the hot path of an
    /// import, with nothing allocated.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), year >= 1,
            (1...12).contains(month), day >= 1
        else { return false }
        return day <= days(inMonth: month, of: year)
    }

    /// The days of `month` (1 to 12) in `year` of the Gregorian calendar.
    public static func days(inMonth month: Int, of year: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}
