import GRDB
import SROICore
import SROILoad

/// A declaration compiled to parameterised SQL against one dataset's table. Identifiers come
/// only from the dataset's checked definition; every value is a bound parameter, never text
/// spliced into the SQL.
struct CompiledQuery {
    var sql: String
    var arguments: [DatabaseValue]

    /// The parameters as an auditor reads them.
    var parameterTexts: [String] {
        arguments.map { value in
            switch value.storage {
            case .string(let text): return "'\(text)'"
            case .int64(let number): return String(number)
            case .double(let number): return NumberFormat.shortest(number)
            default: return value.description
            }
        }
    }
}

/// Compiles and checks declarations against a dataset definition, reporting every mismatch
/// with the place it was written.
struct QueryCompiler {
    let definition: DatasetDefinition
    var diagnostics: [Diagnostic] = []

    var table: String { "\"\(RecordStore.table(definition.name))\"" }

    init(definition: DatasetDefinition) {
        self.definition = definition
    }

    mutating func column(_ name: Located<String>, field: String) -> DatasetDefinition.Column? {
        if let column = definition.column(name.value) { return column }
        diagnostics.append(
            Diagnostic(
                code: .unknownReference, at: name.location, field: field,
                message: "dataset \(definition.name) has no such column",
                found: name.value, allowed: definition.columns.map(\.name).joined(separator: ", ")))
        return nil
    }

    /// The WHERE conditions and their arguments.
    mutating func conditions(_ filters: [RecordedQuantity.Filter], field: String) -> (
        sql: [String], arguments: [DatabaseValue]
    ) {
        var sql: [String] = []
        var arguments: [DatabaseValue] = []
        for filter in filters {
            let path = "\(field).where.\(filter.column.value)"
            guard let column = column(filter.column, field: path) else { continue }
            let name = "\"\(column.name)\""
            switch filter.condition {
            case .equals(let literal):
                if let value = value(literal, for: column, at: filter.location, field: path) {
                    sql.append("\(name) = ?")
                    arguments.append(value)
                }
            case .oneOf(let literals):
                let values = literals.compactMap { value($0, for: column, at: filter.location, field: path) }
                if values.count == literals.count {
                    sql.append("\(name) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
                    arguments += values
                }
            case .range(let low, let high):
                if case .enumeration = column.type {
                    diagnostics.append(
                        Diagnostic(
                            code: .records, at: filter.location, field: path,
                            message: "a range cannot apply to an enumeration",
                            allowed: "a value or {in: [...]}"))
                    continue
                }
                if let low, let value = value(low, for: column, at: filter.location, field: path) {
                    sql.append("\(name) >= ?")
                    arguments.append(value)
                }
                if let high, let value = value(high, for: column, at: filter.location, field: path) {
                    sql.append("\(name) <= ?")
                    arguments.append(value)
                }
            case .present(let present):
                sql.append("\(name) IS \(present ? "NOT " : "")NULL")
            }
        }
        return (sql, arguments)
    }

    /// A literal as the column's type, or a diagnostic saying why it cannot be.
    mutating func value(
        _ literal: RecordedQuantity.Literal, for column: DatasetDefinition.Column, at location: SourceLocation?,
        field: String
    ) -> DatabaseValue? {
        switch (column.type, literal) {
        case (.integer, .number(let number)) where number.rounded() == number && abs(number) < 9.2e18:
            return Int64(number).databaseValue
        case (.decimal, .number(let number)):
            return number.databaseValue
        case (.text, .text(let text)):
            return text.databaseValue
        case (.enumeration(let values), .text(let text)) where values.contains(text):
            return text.databaseValue
        case (.date, .text(let text))
        where CalendarDate.isValid(text):
            return text.databaseValue
        default:
            diagnostics.append(
                Diagnostic(
                    code: .records, at: location, field: field, message: "does not fit column '\(column.name)'",
                    found: literal.description,
                    allowed: column.type.description + (column.type == .text ? " (quote numbers meant as text)" : "")))
            return nil
        }
    }
}
