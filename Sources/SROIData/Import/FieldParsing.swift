import Foundation
import SROICore
import SROILoad

/// Strict parsers for the text of CSV fields, working on bytes so that an import of millions of
/// rows creates no intermediate strings.
enum FieldParsing {
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes.count > 0, bytes[0] == UInt8(ascii: "-") {
            negative = true
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (added, overflow2) = shifted.addingReportingOverflow(negative ? -Int64(digit) : Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = added
            index += 1
        }
        return value
    }

    /// A plain decimal (`12`, `-0.5`, `1.5e3`), correctly rounded to binary64; no hex, no
    /// infinity, no NaN, no spaces.
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard isDecimal(bytes) else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
            buffer[bytes.count] = 0
            let value = strtod(buffer.baseAddress!, nil)
            return value.isFinite ? value : nil
        }
    }

    static func isDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func digits() -> Int {
            let begin = index
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            return index - begin
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var mantissa = digits()
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                index += 1
            }
            guard digits() > 0 else { return false }
        }
        return index == bytes.count
    }

    /// A date in the declared format, as `YYYY-MM-DD`; `nil` when it is not one, or not a real
    /// calendar date. Days and months may have one digit or two.
    static func isoDate(_ bytes: UnsafeBufferPointer<UInt8>, format: DatasetDefinition.DateFormat) -> [UInt8]? {
        if format == .iso { return CalendarDate.isValid(bytes) ? Array(bytes) : nil }
        let (parts, mark) = format.order
        var numbers: [Int] = []
        var index = 0
        for (position, part) in parts.enumerated() {
            let begin = index
            var value = 0
            while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10, index - begin < 4 {
                value = value * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            let width = index - begin
            guard part == "Y" ? width == 4 : (1...2).contains(width) else { return nil }
            numbers.append(value)
            if position < parts.count - 1 {
                guard index < bytes.count, bytes[index] == mark else { return nil }
                index += 1
            }
        }
        guard index == bytes.count else { return nil }
        var year = 0, month = 0, day = 0
        for (part, value) in zip(parts, numbers) {
            switch part {
            case "Y": year = value
            case "M": month = value
            default: day = value
            }
        }
        let text = Array(
            (String(repeating: "0", count: 4 - String(year).count) + String(year) + "-" + (month < 10 ? "0" : "")
                + String(month) + "-" + (day < 10 ? "0" : "") + String(day)).utf8)
        return text.withUnsafeBufferPointer(CalendarDate.isValid) ? text : nil
    }

    /// Why a value is not a date of `format`, in words that say what to do: a day the month
    /// does not have, a month beyond 12 that looks like the other order, or the shape expected.
    static func dateProblem(_ text: String, format: DatasetDefinition.DateFormat) -> String {
        let expected = "is not a date written \(format.rawValue)"
        let (parts, mark) = format == .iso ? (["Y", "M", "D"] as [Character], UInt8(ascii: "-")) : format.order
        let pieces = text.split(separator: Character(UnicodeScalar(mark)), omittingEmptySubsequences: false)
        guard pieces.count == 3, pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return expected
        }
        var year = 0, month = 0, day = 0
        for (part, piece) in zip(parts, pieces) {
            let value = Int(piece) ?? 0
            switch part {
            case "Y": year = value
            case "M": month = value
            default: day = value
            }
        }
        if month > 12 {
            // Day and month swapped is the one slip a spreadsheet's locale makes.
            let swapped: DatasetDefinition.DateFormat? =
                format == .dayMonthYearSlash
                ? .monthDayYearSlash : format == .monthDayYearSlash ? .dayMonthYearSlash : nil
            guard let swapped, day <= 12 else { return expected + "; month \(month) does not exist" }
            return expected
                + "; month \(month) does not exist, so it looks written \(swapped.rawValue): set date_format in the dataset definition to match the file"
        }
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        if (1...12).contains(month), day >= 1 {
            let days = CalendarDate.days(inMonth: month, of: year)
            if day > days {
                return "is not a date: \(names[month - 1]) \(year) has \(days) days, not \(day)"
            }
        }
        return expected
    }

    /// A decimal written with a decimal comma (`-12,5`), correctly rounded to binary64.
    static func decimalWithComma(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !bytes.contains(UInt8(ascii: ".")) else { return nil }
        let swapped = bytes.map { $0 == UInt8(ascii: ",") ? UInt8(ascii: ".") : $0 }
        return swapped.withUnsafeBufferPointer { decimal($0) }
    }

    /// Windows-1252 text as UTF-8 bytes; `nil` for the five bytes the encoding leaves undefined.
    static func utf8(fromWindows1252 bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for byte in bytes {
            if byte < 0x80 {
                out.append(byte)
                continue
            }
            let scalar: UInt32
            if byte >= 0xA0 {
                scalar = UInt32(byte)
            } else {
                scalar = windows1252High[Int(byte - 0x80)]
                if scalar == 0 { return nil }
            }
            out.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8))
        }
        return out
    }

    /// The characters of Windows-1252's bytes 0x80–0x9F (0 where the encoding defines none).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
        guard bytes.count == other.count else { return false }
        for index in 0..<other.count where bytes[index] != other[index] { return false }
        return true
    }

    /// What is wrong with a field's bytes as text: a NUL byte, or bytes that are not UTF-8.
    static func textProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var plain = true
        for (index, byte) in bytes.enumerated() {
            if byte == 0 { return "holds a NUL byte at byte \(index + 1) of the field" }
            if byte >= 0x80 { plain = false }
        }
        if plain { return nil }
        if String(validating: bytes, as: UTF8.self) == nil {
            let first = firstInvalidUTF8(bytes)
            return
                "is not valid UTF-8 (byte \(first.offset + 1) of the field is 0x\(String(first.byte, radix: 16, uppercase: true))); "
                + "save the file as \"CSV UTF-8 (Comma delimited)\", or declare the encoding it has in the dataset "
                + "definition (file: {encoding: windows-1252})"
        }
        return nil
    }

    /// The first byte at which UTF-8 decoding fails.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, byte: UInt8) {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
            case .emptyInput:
                return (max(offset, 0), bytes.last ?? 0)
            case .error:
                return (offset, offset < bytes.count ? bytes[offset] : 0)
            }
        }
    }
}
