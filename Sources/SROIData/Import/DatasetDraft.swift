import Foundation
import SROICore
import SROILoad

/// A first dataset definition drafted from a CSV file's header and values, for its user to
/// review: each column's type, whether it may be empty, enumerations, the key, and how the file
/// is written (separator, date format, decimal comma, encoding).
///
/// What is inferred is said in comments beside it; nothing is imported.
public struct DatasetDraft: Sendable {
    /// The records read to infer types; a larger file is drafted from its first records.
    public static let maximumRecords = 100_000
    /// An enumeration has at most this many values.
    static let maximumEnumerationValues = 12

    public var definition: DatasetDefinition
    /// Why each column got its type, by column name.
    public var reasons: [String: String]
    public var recordsRead: Int
    public var notes: [String]

    /// Drafts the definition of `file`; its dataset is named after the file.
    public static func draft(file: String) throws(ValidationFailure) -> DatasetDraft {
        let location = SourceLocation(file: file, line: 1, column: 1)
        func failure(_ message: String) -> ValidationFailure {
            ValidationFailure([Diagnostic(code: .file, at: location, field: "(file)", message: message)])
        }
        let firstLine: [UInt8]
        do {
            firstLine = try CSVStream.firstLine(of: file)
        } catch {
            throw failure(error.reason)
        }
        var notes: [String] = []
        let separator = DatasetDefinition.Separator.allCases.max {
            firstLine.count(of: $0.byte) < firstLine.count(of: $1.byte)
        }!
        let chosenSeparator = firstLine.count(of: separator.byte) > 0 ? separator : .comma

        let stream: CSVStream
        do {
            stream = try CSVStream(path: file, separator: chosenSeparator.byte)
        } catch {
            throw ValidationFailure([CSVPreview.diagnostic(error, file: file)])
        }
        var header: [String] = []
        var columns: [[String]] = []
        var notUTF8 = false
        func text(_ field: CSVStream.Field) -> String {
            stream.withBytes(field) { bytes in
                if let text = String(validating: bytes, as: UTF8.self) {
                    return field.hasEscapes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
                }
                notUTF8 = true
                let decoded =
                    FieldParsing.utf8(fromWindows1252: bytes).map { String(decoding: $0, as: UTF8.self) } ?? ""
                return field.hasEscapes ? decoded.replacingOccurrences(of: "\"\"", with: "\"") : decoded
            }
        }
        var records = 0
        do {
            guard try stream.next() else { throw failure("the file is empty; a header row is required") }
            header = stream.fields.map { text($0).trimmingCharacters(in: .whitespaces) }
            columns = Array(repeating: [], count: header.count)
            while records < maximumRecords, try stream.next() {
                let fields = stream.fields
                if fields.allSatisfy({ $0.start == $0.end }) { continue }
                for (index, field) in fields.enumerated() where index < header.count {
                    columns[index].append(text(field))
                }
                for index in fields.count..<max(fields.count, header.count) { columns[index].append("") }
                records += 1
            }
        } catch let error as ValidationFailure {
            throw error
        } catch let error as CSVStream.Problem {
            throw ValidationFailure([CSVPreview.diagnostic(error, file: file)])
        } catch {
            throw failure("\(error)")
        }
        if chosenSeparator != .comma { notes.append("fields are separated by '\(chosenSeparator.written)'") }
        if notUTF8 { notes.append("the file is not UTF-8; it is read as Windows-1252") }
        if records == maximumRecords { notes.append("types were inferred from the first \(records) records") }

        var format = DatasetDefinition.FileFormat(
            separator: chosenSeparator == .comma ? nil : chosenSeparator,
            encoding: notUTF8 ? .windows1252 : .utf8)
        var reasons: [String: String] = [:]
        var definitionColumns: [DatasetDefinition.Column] = []
        var usedNames = Set<String>()
        for (index, heading) in header.enumerated() {
            var name = sqlName(heading, position: index)
            while usedNames.contains(name) { name += "_\(index + 1)" }
            usedNames.insert(name)
            let values = columns[index]
            let present = values.filter { !$0.isEmpty }
            let (type, reason) = inferType(present, separator: chosenSeparator, format: &format)
            reasons[name] = reason + (present.count < values.count ? "; some rows leave it empty" : "")
            definitionColumns.append(
                DatasetDefinition.Column(
                    name: name, type: type, optional: present.count < values.count || present.isEmpty,
                    header: name == heading ? nil : heading))
        }
        let key =
            definitionColumns.enumerated().first { index, column in
                guard !column.optional, column.type == .text || column.type == .integer else { return false }
                return Set(columns[index]).count == columns[index].count && !columns[index].isEmpty
            }.map { [$0.element.name] } ?? []
        if let key = key.first { reasons[key, default: ""] += "; every value differs, so it is proposed as the key" }
        let base = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        var definition = DatasetDefinition(
            name: sqlName(base, position: 0), key: key, columns: definitionColumns)
        definition.fileFormat = format
        return DatasetDraft(definition: definition, reasons: reasons, recordsRead: records, notes: notes)
    }

    /// A plain SQL name for a heading: lower case, other characters as `_`.
    static func sqlName(_ heading: String, position: Int) -> String {
        var name = ""
        for scalar in heading.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.hasSuffix("_"), !name.isEmpty {
                name += "_"
            }
        }
        while name.hasSuffix("_") { name.removeLast() }
        if name.isEmpty { name = "column_\(position + 1)" }
        if let first = name.first, !first.isLetter { name = "c_" + name }
        return String(name.prefix(63))
    }

    private static func inferType(
        _ values: [String], separator: DatasetDefinition.Separator, format: inout DatasetDefinition.FileFormat
    ) -> (DatasetDefinition.ColumnType, String) {
        guard !values.isEmpty else { return (.text, "no values, so text") }
        func all(_ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            values.allSatisfy { value in Array(value.utf8).withUnsafeBufferPointer(test) }
        }
        if all({ FieldParsing.integer($0) != nil }) { return (.integer, "every value is a whole number") }
        if all({ FieldParsing.decimal($0) != nil }) { return (.decimal, "every value is a number") }
        if separator != .comma, all({ FieldParsing.decimalWithComma($0) != nil }) {
            format.decimalComma = true
            return (.decimal, "every value is a number written with a decimal comma")
        }
        for dateFormat in DatasetDefinition.DateFormat.allCases where dateFormat != .monthDayYearSlash {
            guard all({ FieldParsing.isoDate($0, format: dateFormat) != nil }) else { continue }
            if dateFormat == .dayMonthYearSlash {
                let monthFirst = all { FieldParsing.isoDate($0, format: .monthDayYearSlash) != nil }
                let dayFirst = values.contains { value in
                    Int(value.split(separator: "/").first ?? "").map { $0 > 12 } ?? false
                }
                if monthFirst, !dayFirst {
                    format.dateFormat = .dayMonthYearSlash
                    return (
                        .date,
                        "every value is a date; no day is above 12, so DD/MM/YYYY is assumed: check against the file"
                    )
                }
            }
            if format.dateFormat != .iso, format.dateFormat != dateFormat {
                return (.text, "dates in a second format (\(dateFormat.rawValue)); text until one format is used")
            }
            format.dateFormat = dateFormat
            return (.date, "every value is a date written \(dateFormat.rawValue)")
        }
        if all({ FieldParsing.isoDate($0, format: .monthDayYearSlash) != nil }) {
            format.dateFormat = .monthDayYearSlash
            return (.date, "every value is a date written MM/DD/YYYY")
        }
        let distinct = Set(values)
        if distinct.count <= maximumEnumerationValues, values.count >= 2 * distinct.count {
            return (.enumeration(distinct.sorted()), "\(distinct.count) distinct values in \(values.count) rows")
        }
        return (.text, "free text")
    }

    /// The draft as a commented `sroi-dataset/1` file.
    public var yaml: String {
        let quoted = QuotedText.quoted
        var lines = [
            "# A draft dataset definition written by 'sroi data init' from \(recordsRead) record\(recordsRead == 1 ? "" : "s").",
            "# Review every line: types, enumerations and the key were inferred from the values, not declared.",
            "schema: \(datasetSchema)",
            "name: \(definition.name)",
            "description: \(quoted("Describe what one record is, and where the file comes from."))",
        ]
        for note in notes { lines.append("# note: \(note)") }
        let format = definition.fileFormat
        if !format.isDefault {
            var members: [String] = []
            if let separator = format.separator { members.append("separator: \(quoted(separator.written))") }
            if format.dateFormat != .iso { members.append("date_format: \(format.dateFormat.rawValue)") }
            if format.decimalComma { members.append("decimal_separator: \",\"") }
            if format.encoding != .utf8 { members.append("encoding: \(format.encoding.rawValue)") }
            lines.append("file: {\(members.joined(separator: ", "))}")
        }
        lines.append("key: [\(definition.key.joined(separator: ", "))]")
        lines.append("columns:")
        for column in definition.columns {
            var members = ["name: \(column.name)", "type: \(column.type.name)"]
            if case .enumeration(let values) = column.type {
                members.append("values: [\(values.map(quoted).joined(separator: ", "))]")
            }
            if column.optional { members.append("optional: true") }
            if let header = column.header { members.append("header: \(quoted(header))") }
            lines.append("  - {\(members.joined(separator: ", "))}  # \(reasons[column.name] ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Sequence where Element == UInt8 {
    fileprivate func count(of byte: UInt8) -> Int { reduce(0) { $0 + ($1 == byte ? 1 : 0) } }
}
