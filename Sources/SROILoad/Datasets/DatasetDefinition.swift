import Foundation
import SROICore
import Yams

/// The version of the dataset definition format this engine reads.
public let datasetSchema = "sroi-dataset/1"

/// The declared shape of a dataset of records: its columns, their types, and its key.
///
/// Every imported row is checked against it, so that what reaches the store is known to be
/// well-formed: a date is a date, an enumeration holds one of its values.
public struct DatasetDefinition: Sendable, Equatable {
    public enum ColumnType: Sendable, Equatable, CustomStringConvertible {
        case text
        case integer
        case decimal
        /// A calendar date written `YYYY-MM-DD`.
        case date
        /// One of a fixed set of values.
        case enumeration([String])

        public var description: String {
            switch self {
            case .text: return "text"
            case .integer: return "integer"
            case .decimal: return "decimal"
            case .date: return "date (YYYY-MM-DD)"
            // Quoted, so that a value holding a comma reads as one value.
            case .enumeration(let values): return "one of " + values.map { "'\($0)'" }.joined(separator: ", ")
            }
        }

        /// The name used in definition files.
        public var name: String {
            switch self {
            case .text: return "text"
            case .integer: return "integer"
            case .decimal: return "decimal"
            case .date: return "date"
            case .enumeration: return "enum"
            }
        }

        public var isNumeric: Bool { self == .integer || self == .decimal }
    }

    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: ColumnType
        /// Whether an empty field is allowed (stored as no value, never as zero).
        public var optional: Bool
        public var description: String?
        /// The heading of the column in CSV files when it is not ``name`` (`Referral ID`).
        public var header: String?
        /// Whether the column identifies a person or an enterprise: a bundle for a funder holds
        /// it only as a keyed pseudonym.
        public var personal = false

        public init(
            name: String, type: ColumnType, optional: Bool = false, description: String? = nil, header: String? = nil
        ) {
            self.name = name
            self.type = type
            self.optional = optional
            self.description = description
            self.header = header
        }

        /// The heading CSV files give the column.
        public var heading: String { header ?? name }
    }

    /// How a CSV file of the dataset is written, when it is not plain RFC 4180 in UTF-8.
    public struct FileFormat: Sendable, Equatable {
        /// The byte between fields; `nil` takes a comma, or the separator the header shows.
        public var separator: Separator?
        public var dateFormat: DateFormat
        /// Whether decimals are written with a comma (`12,5`).
        public var decimalComma: Bool
        public var encoding: TextEncoding

        public init(
            separator: Separator? = nil, dateFormat: DateFormat = .iso, decimalComma: Bool = false,
            encoding: TextEncoding = .utf8
        ) {
            self.separator = separator
            self.dateFormat = dateFormat
            self.decimalComma = decimalComma
            self.encoding = encoding
        }

        public var isDefault: Bool { self == FileFormat() }
    }

    /// A field separator spreadsheets write.
    public enum Separator: String, Sendable, Equatable, CaseIterable {
        case comma = ","
        case semicolon = ";"
        case tab = "\t"
        case pipe = "|"

        public var byte: UInt8 {
            switch self {
            case .comma: return UInt8(ascii: ",")
            case .semicolon: return UInt8(ascii: ";")
            case .tab: return UInt8(ascii: "\t")
            case .pipe: return UInt8(ascii: "|")
            }
        }

        /// As written in a definition file.
        public var written: String { self == .tab ? "tab" : rawValue }

        public init?(written: String) {
            if written == "tab" || written == "\t" {
                self = .tab
            } else if let separator = Separator(rawValue: written) {
                self = separator
            } else {
                return nil
            }
        }
    }

    /// How dates are written: the order of day, month and year, and the mark between them.
    /// Days and months may have one digit or two; years have four.
    public enum DateFormat: String, Sendable, Equatable, CaseIterable {
        case iso = "YYYY-MM-DD"
        case dayMonthYearSlash = "DD/MM/YYYY"
        case monthDayYearSlash = "MM/DD/YYYY"
        case dayMonthYearDot = "DD.MM.YYYY"
        case dayMonthYearDash = "DD-MM-YYYY"
        case yearMonthDaySlash = "YYYY/MM/DD"

        /// The positions of the parts, in the order written, and the mark between them.
        public var order: (parts: [Character], mark: UInt8) {
            let text = rawValue
            let mark = text.first { !$0.isLetter }!
            let parts = text.split(separator: mark).map { $0.first! }
            return (parts, UInt8(ascii: mark.unicodeScalars.first!))
        }
    }

    /// The character encoding of a CSV file.
    public enum TextEncoding: String, Sendable, Equatable, CaseIterable {
        case utf8 = "utf-8"
        /// What Excel writes as "CSV (Comma delimited)" on Windows in western European locales.
        case windows1252 = "windows-1252"
    }

    public var name: String
    public var summary: String?
    /// How CSV files of this dataset are written; not part of the dataset's shape.
    public var fileFormat = FileFormat()
    /// Columns whose values together identify a record; duplicates are refused at import.
    public var key: [String]
    public var columns: [Column]
    /// Set when the data is not real (generated samples); reports say so.
    public var syntheticNote: String?

    public init(name: String, summary: String? = nil, key: [String], columns: [Column], syntheticNote: String? = nil) {
        self.name = name
        self.summary = summary
        self.key = key
        self.columns = columns
        self.syntheticNote = syntheticNote
    }

    public func column(_ name: String) -> Column? { columns.first { $0.name == name } }

    /// The column a CSV file's heading names.
    public func column(heading: String) -> Column? { columns.first { $0.heading == heading } }

    /// A canonical one-line form, stored with the dataset and compared on later imports.
    public var canonical: String {
        let columns = columns.map { column -> String in
            var text = "\(column.name):\(column.type.name)"
            if case .enumeration(let values) = column.type { text += "(\(values.joined(separator: "|")))" }
            if column.optional { text += "?" }
            return text
        }
        return "\(name)[key=\(key.joined(separator: ","))]{\(columns.joined(separator: ";"))}"
    }

    /// The definition as a `sroi-dataset/1` document (JSON, which is also YAML), as the store
    /// keeps it.
    public var document: String {
        let quote = QuotedText.quoted
        let columns = columns.map { column -> String in
            var members = ["\"name\": \(quote(column.name))", "\"type\": \(quote(column.type.name))"]
            if case .enumeration(let values) = column.type {
                members.append("\"values\": [\(values.map(quote).joined(separator: ", "))]")
            }
            if column.optional { members.append("\"optional\": true") }
            if let description = column.description { members.append("\"description\": \(quote(description))") }
            if let header = column.header { members.append("\"header\": \(quote(header))") }
            if column.personal { members.append("\"personal\": true") }
            return "{" + members.joined(separator: ", ") + "}"
        }
        var members = ["\"schema\": \(quote(datasetSchema))", "\"name\": \(quote(name))"]
        if let summary { members.append("\"description\": \(quote(summary))") }
        if let syntheticNote { members.append("\"synthetic\": \(quote(syntheticNote))") }
        if !fileFormat.isDefault {
            var format: [String] = []
            if let separator = fileFormat.separator { format.append("\"separator\": \(quote(separator.written))") }
            if fileFormat.dateFormat != .iso {
                format.append("\"date_format\": \(quote(fileFormat.dateFormat.rawValue))")
            }
            if fileFormat.decimalComma { format.append("\"decimal_separator\": \",\"") }
            if fileFormat.encoding != .utf8 { format.append("\"encoding\": \(quote(fileFormat.encoding.rawValue))") }
            members.append("\"file\": {\(format.joined(separator: ", "))}")
        }
        members.append("\"key\": [\(key.map(quote).joined(separator: ", "))]")
        members.append("\"columns\": [\(columns.joined(separator: ", "))]")
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// Names usable as SQL identifiers without escaping tricks: a lower-case letter, then
    /// lower-case letters, digits and underscores.
    public static func isSQLName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.count <= 63 && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}

/// Reads dataset definition files (`*.dataset.yaml`).
public struct DatasetDefinitionReader: Sendable {
    public init() {}

    public func read(path: String) throws(ValidationFailure) -> DatasetDefinition {
        let data: String
        do {
            data = try InputFiles.text(InputFiles.read(path), path: path)
        } catch {
            throw ValidationFailure([
                Diagnostic(
                    code: .file, at: SourceLocation(file: path, line: 1, column: 1), field: "(file)",
                    message: error.reason)
            ])
        }
        return try read(text: data, file: path)
    }

    public func read(text: String, file: String) throws(ValidationFailure) -> DatasetDefinition {
        let reader = DocumentReader(file: file)
        let definition = reader.parse(text).flatMap { build($0, reader: reader) }
        guard let definition, !reader.hasErrors else { throw ValidationFailure(reader.diagnostics) }
        return definition
    }

    private func build(_ root: Node, reader: DocumentReader) -> DatasetDefinition? {
        guard
            let fields = reader.mapping(
                root, "", allowed: ["schema", "name", "description", "synthetic", "file", "key", "columns"])
        else { return nil }
        guard let schemaNode = fields.required("schema", allowed: datasetSchema),
            let schema = reader.string(schemaNode, "schema")
        else { return nil }
        guard schema == datasetSchema else {
            reader.error(
                code: .unsupportedVersion, reader.location(schemaNode), "schema",
                schemaRefusal(schema, expected: datasetSchema), found: schema,
                allowed: datasetSchema)
            return nil
        }
        let name = fields.required("name").flatMap { sqlName($0, "name", reader: reader) }
        var columns: [DatasetDefinition.Column] = []
        if let node = fields.required("columns"), let items = reader.sequence(node, "columns") {
            for (index, item) in items.enumerated() {
                if let column = readColumn(item, "columns[\(index)]", reader: reader) {
                    if columns.contains(where: { $0.name == column.name }) {
                        reader.error(
                            code: .duplicate, reader.location(item), "columns[\(index)].name", "duplicate column",
                            found: column.name)
                    } else {
                        columns.append(column)
                    }
                }
            }
        }
        var key: [String] = []
        if let node = fields.optional("key"), let items = reader.sequence(node, "key") {
            for (index, item) in items.enumerated() {
                guard let column = reader.string(item, "key[\(index)]") else { continue }
                guard columns.contains(where: { $0.name == column && !$0.optional }) else {
                    reader.error(
                        code: .wrongType, reader.location(item), "key[\(index)]",
                        "a key must be a declared column that is not optional",
                        found: column, allowed: columns.filter { !$0.optional }.map(\.name).joined(separator: ", "))
                    continue
                }
                key.append(column)
            }
        }
        guard let name else { return nil }
        if columns.isEmpty {
            reader.error(code: .outOfRange, fields.location, "columns", "a dataset needs at least one column")
        }
        var definition = DatasetDefinition(
            name: name, summary: fields.string("description"), key: key, columns: columns,
            syntheticNote: fields.string("synthetic"))
        if let node = fields.optional("file"), let format = readFileFormat(node, reader: reader) {
            definition.fileFormat = format
        }
        return definition
    }

    private func readFileFormat(_ node: Node, reader: DocumentReader) -> DatasetDefinition.FileFormat? {
        guard
            let fields = reader.mapping(
                node, "file", allowed: ["separator", "date_format", "decimal_separator", "encoding"])
        else { return nil }
        var format = DatasetDefinition.FileFormat()
        func choice<T>(_ key: String, _ allowed: [String], _ make: (String) -> T?) -> T? {
            guard let node = fields.optional(key), let text = reader.string(node, fields.path(key)) else { return nil }
            guard let value = make(text) else {
                reader.error(
                    code: .wrongType, reader.location(node), fields.path(key), "is not a format this engine reads",
                    found: "'\(text)'", allowed: allowed.joined(separator: ", "))
                return nil
            }
            return value
        }
        format.separator = choice(
            "separator", DatasetDefinition.Separator.allCases.map(\.written), DatasetDefinition.Separator.init(written:)
        )
        format.dateFormat =
            choice(
                "date_format", DatasetDefinition.DateFormat.allCases.map(\.rawValue),
                DatasetDefinition.DateFormat.init(rawValue:)) ?? .iso
        format.decimalComma =
            choice("decimal_separator", [".", ","]) { $0 == "." || $0 == "," ? $0 == "," : nil } ?? false
        format.encoding =
            choice(
                "encoding", DatasetDefinition.TextEncoding.allCases.map(\.rawValue),
                { DatasetDefinition.TextEncoding(rawValue: $0.lowercased()) }) ?? .utf8
        if format.decimalComma, format.separator == .comma, let node = fields.entries["decimal_separator"] {
            reader.error(
                code: .outOfRange, reader.location(node.key), fields.path("decimal_separator"),
                "a decimal comma needs a field separator other than a comma", found: "','",
                allowed: "separator ';', tab or '|' with a decimal comma")
        }
        return format
    }

    private func sqlName(_ node: Node, _ path: String, reader: DocumentReader) -> String? {
        guard let text = reader.string(node, path) else { return nil }
        guard DatasetDefinition.isSQLName(text) else {
            reader.error(
                code: .wrongType, reader.location(node), path, "is not a valid name", found: "'\(text)'",
                allowed: "a lower-case letter, then lower-case letters, digits and '_'")
            return nil
        }
        return text
    }

    private func readColumn(_ node: Node, _ path: String, reader: DocumentReader) -> DatasetDefinition.Column? {
        guard
            let fields = reader.mapping(
                node, path, allowed: ["name", "type", "values", "optional", "description", "header", "personal"])
        else { return nil }
        let name = fields.required("name").flatMap { sqlName($0, fields.path("name"), reader: reader) }
        let optional = fields.optional("optional").flatMap { reader.bool($0, fields.path("optional")) } ?? false
        var type: DatasetDefinition.ColumnType?
        if let typeNode = fields.required("type", allowed: "text, integer, decimal, date, enum"),
            let typeName = reader.string(typeNode, fields.path("type"))
        {
            switch typeName {
            case "text": type = .text
            case "integer": type = .integer
            case "decimal": type = .decimal
            case "date": type = .date
            case "enum":
                if let valuesNode = fields.required("values", allowed: "the list of allowed values"),
                    let items = reader.sequence(valuesNode, fields.path("values"))
                {
                    let values = items.enumerated().compactMap { reader.string($1, fields.path("values[\($0)]")) }
                    if values.isEmpty {
                        reader.error(code: .missing, reader.location(valuesNode), fields.path("values"), "is empty")
                    }
                    type = .enumeration(values)
                }
            default:
                reader.error(
                    code: .wrongType, reader.location(typeNode), fields.path("type"), "is not a column type",
                    found: typeName,
                    allowed: "text, integer, decimal, date, enum")
            }
            if typeName != "enum", let values = fields.entries["values"] {
                reader.error(reader.location(values.key), fields.path("values"), "only an enum column has values")
            }
        }
        guard let name, let type else { return nil }
        var column = DatasetDefinition.Column(
            name: name, type: type, optional: optional, description: fields.string("description"),
            header: fields.string("header"))
        column.personal = fields.optional("personal").flatMap { reader.bool($0, fields.path("personal")) } ?? false
        return column
    }
}
