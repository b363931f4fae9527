import Foundation

/// A spreadsheet workbook as values: sheets of cells holding numbers, text or formulas.
///
/// Only what a value map needs: no merged cells, charts or conditional formats. Written as
/// Office Open XML (`.xlsx`) by ``WorkbookWriter``, read back by ``WorkbookReader``.
public struct Workbook: Sendable, Equatable {
    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    public func sheet(named name: String) -> Sheet? { sheets.first { $0.name == name } }
}

/// A cell's place: a 1-based row and column, written `C12`.
public struct CellAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var row: Int
    public var column: Int

    /// The largest row and column a sheet of Excel or LibreOffice holds.
    public static let maximumRow = 1_048_576
    public static let maximumColumn = 16_384

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Reads `C12` (and `$C$12`); `nil` for anything else.
    public init?(_ text: String) {
        var letters = 0
        var digits = 0
        var seenDigit = false
        for character in text.utf8 where character != UInt8(ascii: "$") {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where !seenDigit:
                letters = letters * 26 + Int(character - UInt8(ascii: "A")) + 1
                guard letters <= Self.maximumColumn else { return nil }
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                seenDigit = true
                digits = digits * 10 + Int(character - UInt8(ascii: "0"))
                guard digits <= Self.maximumRow else { return nil }
            default: return nil
            }
        }
        guard letters > 0, digits > 0 else { return nil }
        self.init(row: digits, column: letters)
    }

    /// The column's letters: 1 → `A`, 27 → `AA`.
    public static func letters(_ column: Int) -> String {
        var column = column
        var text = ""
        while column > 0 {
            let remainder = (column - 1) % 26
            text = String(UnicodeScalar(UInt8(65 + remainder))) + text
            column = (column - 1) / 26
        }
        return text
    }

    public var description: String { Self.letters(column) + String(row) }

    /// `$C$12`, for formulas that must not move when copied.
    public var absolute: String { "$" + Self.letters(column) + "$" + String(row) }

    public static func < (lhs: CellAddress, rhs: CellAddress) -> Bool {
        (lhs.row, lhs.column) < (rhs.row, rhs.column)
    }
}

/// What a cell holds.
public enum CellValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    /// A formula without its leading `=`, in the workbook's (English) function names.
    case formula(String)
    case boolean(Bool)
}

/// How a cell looks; each style is one entry of the workbook's style sheet.
public enum CellStyle: Int, Sendable, CaseIterable {
    case plain = 0
    case title
    case heading
    case columnHeading
    case money
    case share
    case factor
    case ratio
    case number
    case note
    case total
    case year
}

public struct Cell: Sendable, Equatable {
    public var value: CellValue
    public var style: CellStyle

    public init(_ value: CellValue, style: CellStyle = .plain) {
        self.value = value
        self.style = style
    }
}

/// One sheet: cells by address, column widths, and how it prints.
public struct Sheet: Sendable, Equatable {
    public var name: String
    public var cells: [CellAddress: Cell] = [:]
    /// Widths in characters, by column.
    public var columnWidths: [Int: Double] = [:]
    /// Rows kept in view when scrolling (the table headings).
    public var frozenRows = 0
    /// Printed landscape, scaled to the page's width.
    public var landscape = true

    public init(name: String) { self.name = name }

    public subscript(row: Int, column: Int) -> Cell? {
        get { cells[CellAddress(row: row, column: column)] }
        set { cells[CellAddress(row: row, column: column)] = newValue }
    }

    /// The number in a cell; `nil` when it holds none.
    public func number(at address: CellAddress) -> Double? {
        if case .number(let value) = cells[address]?.value { return value }
        return nil
    }

    /// The text of a cell, numbers in their shortest form; `nil` when empty.
    public func text(at address: CellAddress) -> String? {
        switch cells[address]?.value {
        case .text(let text): return text
        case .number(let value):
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .formula, nil: return nil
        }
    }

    public var lastRow: Int { cells.keys.map(\.row).max() ?? 0 }
    public var lastColumn: Int { cells.keys.map(\.column).max() ?? 0 }
}
