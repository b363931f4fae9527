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
            case .enumeration(let values): return "one of \(values.joined(separator: ", "))"
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

        public init(name: String, type: ColumnType, optional: Bool = false, description: String? = nil) {
            self.name = name
            self.type = type
            self.optional = optional
            self.description = description
        }
    }

    public var name: String
    public var summary: String?
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
        func quote(_ text: String) -> String {
            var out = "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        let columns = columns.map { column -> String in
            var members = ["\"name\": \(quote(column.name))", "\"type\": \(quote(column.type.name))"]
            if case .enumeration(let values) = column.type {
                members.append("\"values\": [\(values.map(quote).joined(separator: ", "))]")
            }
            if column.optional { members.append("\"optional\": true") }
            if let description = column.description { members.append("\"description\": \(quote(description))") }
            return "{" + members.joined(separator: ", ") + "}"
        }
        var members = ["\"schema\": \(quote(datasetSchema))", "\"name\": \(quote(name))"]
        if let summary { members.append("\"description\": \(quote(summary))") }
        if let syntheticNote { members.append("\"synthetic\": \(quote(syntheticNote))") }
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
                root, "", allowed: ["schema", "name", "description", "synthetic", "key", "columns"])
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
        return DatasetDefinition(
            name: name, summary: fields.string("description"), key: key, columns: columns,
            syntheticNote: fields.string("synthetic"))
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
            let fields = reader.mapping(node, path, allowed: ["name", "type", "values", "optional", "description"])
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
        return DatasetDefinition.Column(
            name: name, type: type, optional: optional, description: fields.string("description"))
    }
}
