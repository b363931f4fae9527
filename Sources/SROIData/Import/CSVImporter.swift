import Crypto
import Foundation
import GRDB
import GRDBSQLite
import SROICore
import SROILoad

/// Why an import was refused: every problem found (up to a limit), and how many more there were.
/// Nothing of any file was stored.
public struct ImportFailure: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    /// Problems found beyond those listed.
    public var omitted: Int

    public var description: String {
        var lines = diagnostics.map(\.description)
        if omitted > 0 { lines.append("… and \(omitted) more problem\(omitted == 1 ? "" : "s")") }
        let total = diagnostics.count + omitted
        lines.append("\(total) problem\(total == 1 ? "" : "s"); nothing was imported and the store is unchanged.")
        return lines.joined(separator: "\n")
    }
}

/// A file stored by an import.
public struct ImportedFile: Sendable, Equatable {
    public var file: String
    public var dataset: String
    public var rows: Int
    public var sha256: String
    /// What the import inferred that the user may want to declare (a separator shown by the header).
    public var notes: [String] = []
}

/// How far an import has got, for a progress display.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int
    public var totalBytes: Int
    public var rows: Int
}

/// Imports CSV files into datasets of a ``RecordStore``, all of them in one transaction: a file
/// with any bad row is refused whole, with the file, line and column of each problem, and the
/// store is left exactly as it was.
public struct CSVImporter {
    /// Problems listed before the rest are only counted.
    public var maximumReported = 50
    /// Called now and then during long imports.
    public var progress: ((ImportProgress) -> Void)?

    public init() {}

    /// The definition file expected beside a CSV file: `shifts.csv` → `shifts.dataset.yaml`.
    public static func definitionPath(for file: String) -> String {
        let base = file.hasSuffix(".csv") ? String(file.dropLast(4)) : file
        return base + ".dataset.yaml"
    }

    /// Imports each file into the dataset its definition names. With `allowReimport`, a file
    /// whose bytes were imported before is imported again; otherwise it is refused.
    public func run(files: [String], into store: RecordStore, allowReimport: Bool = false) throws(ImportFailure)
        -> [ImportedFile]
    {
        try run(files: files, into: store, allowReimport: allowReimport, replacing: false)
    }

    /// Replaces the rows of each file's dataset with the file's, in one transaction with the
    /// imports: the replaced imports move to the store's history, and a refused file leaves
    /// every dataset as it was.
    public func replace(files: [String], in store: RecordStore) throws(ImportFailure) -> [ImportedFile] {
        try run(files: files, into: store, allowReimport: true, replacing: true)
    }

    private func run(files: [String], into store: RecordStore, allowReimport: Bool, replacing: Bool)
        throws(ImportFailure) -> [ImportedFile]
    {
        var problems = Problems(limit: maximumReported)
        var definitions: [(file: String, definition: DatasetDefinition)] = []
        for file in files {
            let definitionFile = Self.definitionPath(for: file)
            guard FileManager.default.fileExists(atPath: definitionFile) else {
                problems.add(
                    Diagnostic(
                        code: .file, at: SourceLocation(file: file, line: 1, column: 1), field: "(dataset)",
                        message:
                            "no dataset definition beside the file; 'sroi data init \(file)' drafts one from the file's columns, for you to check",
                        allowed: definitionFile))
                continue
            }
            do {
                definitions.append((file, try DatasetDefinitionReader().read(path: definitionFile)))
            } catch {
                error.diagnostics.forEach { problems.add($0) }
            }
        }
        if !problems.isEmpty { throw problems.failure }

        var imported: [ImportedFile] = []
        do {
            try store.queue.inDatabase { db in
                try db.inTransaction {
                    for (file, definition) in definitions {
                        if replacing {
                            guard
                                try Bool.fetchOne(
                                    db, sql: "SELECT 1 FROM dataset WHERE name = ?", arguments: [definition.name])
                                    == true
                            else {
                                problems.add(
                                    Diagnostic(
                                        code: .file, at: SourceLocation(file: file, line: 1, column: 1),
                                        field: "(dataset)",
                                        message:
                                            "the store has no dataset \(definition.name) to replace; import the file with 'sroi data import'"
                                    ))
                                continue
                            }
                            try RecordStore.retireRows(of: definition.name, action: "replaced", db: db)
                        }
                        if let result = try importFile(
                            file, definition: definition, db: db, allowReimport: allowReimport, problems: &problems)
                        {
                            imported.append(result)
                        }
                    }
                    guard problems.isEmpty else { return .rollback }
                    try RecordStore.seal(db)
                    return .commit
                }
            }
        } catch {
            problems.add(Diagnostic(code: .csvValue, at: nil, field: "(database)", message: "\(error)"))
        }
        if !problems.isEmpty { throw problems.failure }
        return imported
    }

    struct Problems {
        let limit: Int
        var listed: [Diagnostic] = []
        var omitted = 0

        var isEmpty: Bool { listed.isEmpty && omitted == 0 }
        var isFull: Bool { listed.count >= limit }

        mutating func add(_ diagnostic: Diagnostic) {
            if listed.count < limit { listed.append(diagnostic) } else { omitted += 1 }
        }

        var failure: ImportFailure { ImportFailure(diagnostics: listed, omitted: omitted) }
    }

    // MARK: One file

    private func importFile(
        _ file: String, definition: DatasetDefinition, db: Database, allowReimport: Bool, problems: inout Problems
    ) throws -> ImportedFile? {
        let table = RecordStore.table(definition.name)
        let first = SourceLocation(file: file, line: 1, column: 1)
        if let stored = try String.fetchOne(
            db, sql: "SELECT definition FROM dataset WHERE name = ?", arguments: [definition.name])
        {
            let storedDefinition = try? DatasetDefinitionReader().read(text: stored, file: file)
            if storedDefinition?.canonical != definition.canonical {
                problems.add(
                    Diagnostic(
                        code: .csvValue, at: first, field: "(dataset)",
                        message: RecordStoreError.definitionChanged(
                            dataset: definition.name, stored: storedDefinition?.canonical ?? stored,
                            given: definition.canonical
                        ).description))
                return nil
            }
        } else {
            try Self.createDataset(definition, db: db)
        }

        // The same bytes imported before are refused before any row is read.
        let fileDigest: String
        switch Self.sha256(ofFile: file) {
        case .success(let digest): fileDigest = digest
        case .failure(let error):
            problems.add(Diagnostic(code: .file, at: first, field: "(file)", message: error.reason))
            return nil
        }
        if !allowReimport,
            let earlier = try Row.fetchOne(
                db, sql: "SELECT id, imported_at FROM dataset_import WHERE dataset = ? AND sha256 = ?",
                arguments: [definition.name, fileDigest])
        {
            let at: String = earlier["imported_at"]
            problems.add(
                Diagnostic(
                    code: .file, at: first, field: "(file)",
                    message:
                        "these exact bytes were imported into \(definition.name) before (import \(earlier["id"] as Int64), \(at)); pass --reimport to import them again",
                    found: "sha256 \(fileDigest)"))
            return nil
        }
        var format = definition.fileFormat
        var notes: [String] = []
        let separator: DatasetDefinition.Separator
        if let declared = format.separator {
            separator = declared
        } else {
            separator = Self.detectSeparator(file: file, definition: definition)
            if separator != .comma {
                notes.append(
                    "fields are separated by '\(separator.written)', as the header shows; declare it in \(Self.definitionPath(for: file)) (file: {separator: \"\(separator.written)\"}) to make it explicit"
                )
            }
        }
        let stream: CSVStream
        do {
            stream = try CSVStream(path: file, separator: separator.byte)
        } catch {
            problems.add(Diagnostic(code: .file, at: first, field: "(file)", message: "cannot be read: \(error)"))
            return nil
        }
        // A UTF-8 byte-order mark says how the file was saved, whatever the definition expected:
        // read as Windows-1252 its accented letters would be stored garbled (CafÃ©).
        if stream.hadByteOrderMark, format.encoding != .utf8 {
            let declared = format.encoding.rawValue
            format.encoding = .utf8
            notes.append(
                "starts with a UTF-8 byte-order mark, so it was read as UTF-8, not as the \(declared) \(Self.definitionPath(for: file)) declares (the file was saved as \"CSV UTF-8\"); set file: {encoding: utf-8} there, or save the file as it declares"
            )
        }
        try db.execute(
            sql: "INSERT INTO dataset_import (dataset, file_name, sha256, rows, imported_at) VALUES (?, ?, ?, 0, ?)",
            arguments: [definition.name, file, String(repeating: "0", count: 64), Self.timestamp()])
        let importID = db.lastInsertedRowID

        // Header: the columns, by name, in any order.
        guard try readRecord(stream, file: file, problems: &problems) else {
            problems.add(
                Diagnostic(
                    code: .csvHeader, at: first, field: "(header)",
                    message: "the file is empty; a header row is required"))
            return nil
        }
        var positions: [Int] = []
        var seen: [String: Int] = [:]
        for (index, field) in stream.fields.enumerated() {
            let decoded = stream.withBytes(field) {
                Self.utf8Text($0, hasEscapes: field.hasEscapes, encoding: format.encoding)
            }
            let name: String
            switch decoded {
            case .failure(let problem):
                problems.add(
                    Diagnostic(
                        code: .csvHeader, at: SourceLocation(file: file, line: field.line, column: field.column),
                        field: "(header)", message: "column \(index + 1) " + problem.message))
                continue
            case .success(let bytes?):
                name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            case .success(nil): name = stream.text(field).trimmingCharacters(in: .whitespaces)
            }
            if let earlier = seen[name] {
                problems.add(
                    Diagnostic(
                        code: .csvHeader, at: SourceLocation(file: file, line: field.line, column: field.column),
                        field: "(header)",
                        message: "column '\(name)' appears twice (first as column \(earlier + 1))"))
            } else if definition.column(heading: name) == nil {
                problems.add(
                    Diagnostic(
                        code: .csvHeader, at: SourceLocation(file: file, line: field.line, column: field.column),
                        field: "(header)",
                        message: "'\(name)' is not a column of dataset \(definition.name)"
                            + Self.separatorHint(name, declared: format.separator),
                        allowed: definition.columns.map(\.heading).joined(separator: ", ")))
            }
            seen[name] = index
        }
        for column in definition.columns {
            if let position = seen[column.heading] {
                positions.append(position)
            } else {
                problems.add(
                    Diagnostic(
                        code: .csvHeader, at: first, field: "(header)",
                        message: "the header lacks column '\(column.heading)' of dataset \(definition.name)"))
            }
        }
        guard positions.count == definition.columns.count, seen.count == stream.fields.count, problems.isEmpty else {
            return nil
        }
        let width = stream.fields.count

        let columns = definition.columns
        let names = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
        let insert = try db.makeStatement(sql: "INSERT INTO \"\(table)\" (_import, _line, \(names)) VALUES (\(marks))")
        let handle = insert.sqliteStatement
        let enumerations: [[[UInt8]]] = columns.map { column in
            if case .enumeration(let values) = column.type { return values.map { Array($0.utf8) } }
            return []
        }
        let keyPositions = definition.key.compactMap { key in columns.firstIndex { $0.name == key } }
        var rows = 0
        var lastReport = 0

        while try readRecord(stream, file: file, problems: &problems) {
            let fields = stream.fields
            // A blank line, or a row of separators only (spreadsheets leave them after the last record).
            if fields.allSatisfy({ $0.start == $0.end }) { continue }
            let line = stream.recordLine
            guard fields.count == width else {
                problems.add(
                    Diagnostic(
                        code: .csvHeader, at: SourceLocation(file: file, line: line, column: 1), field: "(row)",
                        message: "has \(fields.count) field\(fields.count == 1 ? "" : "s"); the header has \(width)",
                        found: "\(fields.count)", allowed: "\(width)"))
                continue
            }
            sqlite3_reset(handle)
            sqlite3_bind_int64(handle, 1, importID)
            sqlite3_bind_int64(handle, 2, Int64(line))
            var rowIsGood = true
            for (index, column) in columns.enumerated() {
                let field = fields[positions[index]]
                let slot = Int32(index + 3)
                if let problem = bind(
                    stream, field, column: column, enumeration: enumerations[index], format: format, to: handle,
                    slot: slot)
                {
                    rowIsGood = false
                    problems.add(
                        Diagnostic(
                            code: .csvValue, at: SourceLocation(file: file, line: field.line, column: field.column),
                            field: "\(definition.name).\(column.name)", message: problem,
                            found: "\"\(stream.text(field))\"", allowed: allowed(column, format)))
                    if problems.isFull { break }
                }
            }
            guard rowIsGood else { continue }
            let result = sqlite3_step(handle)
            if result == SQLITE_DONE {
                rows += 1
            } else if result == SQLITE_CONSTRAINT || (result & 0xff) == SQLITE_CONSTRAINT {
                let values = keyPositions.map { stream.text(fields[positions[$0]]) }
                let described = zip(definition.key, values).map { "\($0) = \($1)" }.joined(separator: ", ")
                let earlier = try firstOccurrence(
                    of: values, definition: definition, keyPositions: keyPositions, db: db)
                problems.add(
                    Diagnostic(
                        code: .csvValue, at: SourceLocation(file: file, line: line, column: 1),
                        field: "\(definition.name).key",
                        message: "duplicate key (\(described))" + (earlier.map { ", already at \($0)" } ?? ""),
                        found: described, allowed: "each key once in dataset \(definition.name)"))
            } else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: result),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            if problems.isFull, problems.omitted > 10_000 { break }
            if let progress, rows - lastReport >= 65_536 {
                lastReport = rows
                progress(
                    ImportProgress(file: file, bytesRead: stream.bytesRead, totalBytes: stream.totalBytes, rows: rows))
            }
        }
        let digest = stream.digest()
        progress?(ImportProgress(file: file, bytesRead: stream.totalBytes, totalBytes: stream.totalBytes, rows: rows))
        guard digest == fileDigest else {
            problems.add(
                Diagnostic(
                    code: .file, at: first, field: "(file)", message: "the file changed while it was being imported"))
            return nil
        }
        try db.execute(
            sql: "UPDATE dataset_import SET sha256 = ?, rows = ? WHERE id = ?", arguments: [digest, rows, importID])
        return ImportedFile(file: file, dataset: definition.name, rows: rows, sha256: digest, notes: notes)
    }

    /// Reads a record, turning a malformed one into a diagnostic; `false` at the end of the file
    /// or after a problem the reader cannot step past.
    private func readRecord(_ stream: CSVStream, file: String, problems: inout Problems) throws -> Bool {
        do {
            return try stream.next()
        } catch {
            problems.add(CSVPreview.diagnostic(error, file: file))
            return false
        }
    }

    /// Checks a field against its column and binds it; returns what is wrong, or `nil`.
    private func bind(
        _ stream: CSVStream, _ field: CSVStream.Field, column: DatasetDefinition.Column, enumeration: [[UInt8]],
        format: DatasetDefinition.FileFormat, to handle: OpaquePointer, slot: Int32
    ) -> String? {
        if field.start == field.end {
            guard column.optional else { return "is empty; column '\(column.name)' requires a value" }
            sqlite3_bind_null(handle, slot)
            return nil
        }
        switch stream.withBytes(field, { Self.utf8Text($0, hasEscapes: field.hasEscapes, encoding: format.encoding) }) {
        case .failure(let problem): return problem.message
        case .success(let converted?):
            return converted.withUnsafeBufferPointer {
                bindText($0, column: column, enumeration: enumeration, format: format, handle, slot)
            }
        case .success(nil):
            return stream.withBytes(field) {
                bindText($0, column: column, enumeration: enumeration, format: format, handle, slot)
            }
        }
    }

    struct TextProblem: Error { var message: String }

    /// A field's bytes as UTF-8 when they need converting (doubled quotes undone, another
    /// encoding decoded); `nil` when the bytes in the file are already the text.
    static func utf8Text(
        _ bytes: UnsafeBufferPointer<UInt8>, hasEscapes: Bool, encoding: DatasetDefinition.TextEncoding
    ) -> Result<[UInt8]?, TextProblem> {
        var converted: [UInt8]?
        if encoding == .windows1252, bytes.contains(where: { $0 >= 0x80 }) {
            if let nul = bytes.firstIndex(of: 0) {
                return .failure(TextProblem(message: "holds a NUL byte at byte \(nul + 1) of the field"))
            }
            guard let text = FieldParsing.utf8(fromWindows1252: bytes) else {
                let bad = bytes.first { [0x81, 0x8D, 0x8F, 0x90, 0x9D].contains($0) }!
                return .failure(
                    TextProblem(
                        message:
                            "holds byte 0x\(String(bad, radix: 16, uppercase: true)), which Windows-1252 does not define; check the file's encoding"
                    ))
            }
            converted = text
        } else if let problem = FieldParsing.textProblem(bytes) {
            return .failure(TextProblem(message: problem))
        }
        if hasEscapes {
            var undone: [UInt8] = []
            let source = converted ?? Array(bytes)
            var index = 0
            while index < source.count {
                undone.append(source[index])
                index +=
                    source[index] == UInt8(ascii: "\"") && index + 1 < source.count
                        && source[index + 1] == UInt8(ascii: "\"") ? 2 : 1
            }
            converted = undone
        }
        return .success(converted)
    }

    private func bindText(
        _ bytes: UnsafeBufferPointer<UInt8>, column: DatasetDefinition.Column, enumeration: [[UInt8]],
        format: DatasetDefinition.FileFormat, _ handle: OpaquePointer, _ slot: Int32
    ) -> String? {
        func bindBytes(_ bytes: UnsafeBufferPointer<UInt8>) {
            sqlite3_bind_text(
                handle, slot, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(bytes.count), Self.transient)
        }
        switch column.type {
        case .text:
            bindBytes(bytes)
        case .integer:
            guard let value = FieldParsing.integer(bytes) else { return "is not a whole number" }
            sqlite3_bind_int64(handle, slot, value)
        case .decimal:
            guard let value = format.decimalComma ? FieldParsing.decimalWithComma(bytes) : FieldParsing.decimal(bytes)
            else { return "is not a decimal number" + (format.decimalComma ? " written with a decimal comma" : "") }
            sqlite3_bind_double(handle, slot, value)
        case .date:
            guard let iso = FieldParsing.isoDate(bytes, format: format.dateFormat) else {
                return FieldParsing.dateProblem(String(decoding: bytes, as: UTF8.self), format: format.dateFormat)
            }
            iso.withUnsafeBufferPointer(bindBytes)
        case .enumeration:
            guard enumeration.contains(where: { FieldParsing.equals(bytes, $0) }) else {
                // `Yes` for `yes`: the one slip worth naming, since a spreadsheet capitalises for you.
                let text = String(decoding: bytes, as: UTF8.self)
                if case .enumeration(let values) = column.type,
                    let close = values.first(where: { $0.lowercased() == text.lowercased() })
                {
                    return
                        "is not one of the values of enumeration '\(column.name)'; did you mean '\(close)'? Values are matched exactly"
                }
                return "is not one of the values of enumeration '\(column.name)'"
            }
            bindBytes(bytes)
        }
        return nil
    }

    /// What a column accepts, in the file's declared format.
    private func allowed(_ column: DatasetDefinition.Column, _ format: DatasetDefinition.FileFormat) -> String {
        switch column.type {
        case .date: return "a date written \(format.dateFormat.rawValue)"
        case .decimal where format.decimalComma: return "a decimal number written with a decimal comma"
        default: return column.type.description
        }
    }

    /// The separator the header line shows: a comma when the header read with commas names
    /// only columns of the dataset, otherwise the first other separator that does.
    static func detectSeparator(file: String, definition: DatasetDefinition) -> DatasetDefinition.Separator {
        guard let line = try? CSVStream.firstLine(of: file) else { return .comma }
        let known = Set(definition.columns.map(\.heading))
        for candidate in DatasetDefinition.Separator.allCases {
            let names = line.split(separator: candidate.byte, omittingEmptySubsequences: false).map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
            }
            if names.count > 1 || known.count == 1, names.allSatisfy(known.contains) { return candidate }
        }
        return .comma
    }

    /// A hint when a header field holds another separator.
    static func separatorHint(_ name: String, declared: DatasetDefinition.Separator?) -> String {
        for other in DatasetDefinition.Separator.allCases where other != (declared ?? .comma) {
            if name.utf8.contains(other.byte) {
                return
                    "; the header holds '\(other.written)': if fields are separated by it, declare file: {separator: \"\(other.written)\"} in the dataset definition"
            }
        }
        return ""
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func firstOccurrence(
        of values: [String], definition: DatasetDefinition, keyPositions: [Int], db: Database
    ) throws -> String? {
        let table = RecordStore.table(definition.name)
        let condition = definition.key.map { "t.\"\($0)\" = ?" }.joined(separator: " AND ")
        let arguments = zip(keyPositions, values).map { position, text -> DatabaseValue in
            switch definition.columns[position].type {
            case .integer: return Int64(text)?.databaseValue ?? text.databaseValue
            case .decimal: return Double(text)?.databaseValue ?? text.databaseValue
            default: return text.databaseValue
            }
        }
        guard
            let row = try Row.fetchOne(
                db,
                sql:
                    "SELECT i.file_name AS file, t._line AS line FROM \"\(table)\" t JOIN dataset_import i ON i.id = t._import WHERE \(condition) LIMIT 1",
                arguments: StatementArguments(arguments))
        else { return nil }
        return "\(row["file"] as String):\(row["line"] as Int)"
    }

    static func createDataset(_ definition: DatasetDefinition, db: Database) throws {
        let table = RecordStore.table(definition.name)
        var columns = [
            "_import INTEGER NOT NULL REFERENCES dataset_import(id)",
            "_line INTEGER NOT NULL",
        ]
        for column in definition.columns {
            let name = "\"\(column.name)\""
            let null = column.optional ? "" : " NOT NULL"
            switch column.type {
            case .text: columns.append("\(name) TEXT\(null)")
            case .integer: columns.append("\(name) INTEGER\(null)")
            case .decimal: columns.append("\(name) REAL\(null)")
            case .date:
                columns.append("\(name) TEXT\(null) CHECK (\(name) IS NULL OR date(\(name)) = \(name))")
            case .enumeration(let values):
                let list = values.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }.joined(
                    separator: ", ")
                columns.append("\(name) TEXT\(null) CHECK (\(name) IS NULL OR \(name) IN (\(list)))")
            }
        }
        if !definition.key.isEmpty {
            columns.append("UNIQUE (\(definition.key.map { "\"\($0)\"" }.joined(separator: ", ")))")
        }
        try db.execute(sql: "CREATE TABLE \"\(table)\" (\n  \(columns.joined(separator: ",\n  "))\n) STRICT")
        try db.execute(sql: "CREATE INDEX \"\(table)_by_import\" ON \"\(table)\"(_import)")
        try RecordStore.protect(table: table, in: db)
        try db.execute(
            sql: "INSERT INTO dataset (name, definition, created_at) VALUES (?, ?, ?)",
            arguments: [definition.name, definition.document, Self.timestamp()])
    }

    /// SHA-256 of a regular file's bytes, read in chunks.
    static func sha256(ofFile path: String) -> Result<String, InputFiles.ReadError> {
        let opened: (descriptor: Int32, size: Int)
        do {
            opened = try InputFiles.openRegular(path)
        } catch {
            return .failure(error)
        }
        let handle = FileHandle(fileDescriptor: opened.descriptor, closeOnDealloc: true)
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return .success(hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}
