/// A place in a source file: the file as the user named it, and a 1-based line and column, or
/// for a workbook the sheet's row and column with the cell's name (`Value map!F12`).
///
/// The core never opens files; locations are carried so that every figure and every
/// diagnostic can point back to where a value was written.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    /// The cell, as a spreadsheet names it, when the place is in a workbook.
    public var cell: String?

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A cell of a workbook: `sheet` and its 1-based row and column, named `Sheet!C12`.
    public init(file: String, sheet: String, row: Int, column: Int, name: String) {
        self.init(file: file, line: row, column: column)
        self.cell = "\(sheet)!\(name)"
    }

    public var description: String { cell.map { "\(file): \($0)" } ?? "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// A value together with the place it was written.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation?

    public init(_ value: Value, at location: SourceLocation? = nil) {
        self.value = value
        self.location = location
    }
}

extension Located: Equatable where Value: Equatable {}
