import SROICore

/// The first records of a CSV file as text, read by the importer's own reader: for looking at
/// a file before importing it, and for drafting its dataset definition.
public struct CSVPreview: Sendable, Equatable {
    /// The header's fields.
    public var header: [String]
    /// Up to the requested number of records after the header, each a list of fields.
    public var records: [[String]]
    /// The physical line each record starts on.
    public var lines: [Int]

    /// Reads the header and up to `maximumRecords` records; a problem of the file's CSV structure
    /// is refused with its line and column.
    public static func read(path: String, maximumRecords: Int = 1000) throws(ValidationFailure) -> CSVPreview {
        let stream: CSVStream
        do {
            stream = try CSVStream(path: path)
        } catch {
            throw ValidationFailure([Self.diagnostic(error, file: path)])
        }
        var preview = CSVPreview(header: [], records: [], lines: [])
        do {
            guard try stream.next() else { return preview }
            preview.header = stream.fields.map(stream.text)
            while preview.records.count < maximumRecords, try stream.next() {
                preview.records.append(stream.fields.map(stream.text))
                preview.lines.append(stream.recordLine)
            }
        } catch {
            throw ValidationFailure([Self.diagnostic(error, file: path)])
        }
        return preview
    }

    static func diagnostic(_ problem: CSVStream.Problem, file: String) -> Diagnostic {
        let (line, column, message) = problem.explanation
        return Diagnostic(
            code: line == 0 ? .file : .csvSyntax, at: SourceLocation(file: file, line: max(line, 1), column: column),
            field: "(csv)", message: message)
    }
}

extension CSVStream.Problem {
    /// Where the problem is and what it is, for people; line 0 when it is the file itself.
    var explanation: (line: Int, column: Int, message: String) {
        switch self {
        case .unterminatedQuote(let line, let column): return (line, column, "a quoted field is never closed")
        case .textAfterClosingQuote(let line, let column): return (line, column, "text follows a closing quote")
        case .quoteInUnquotedField(let line, let column):
            return (line, column, "a quote inside an unquoted field (quote the whole field and double the quote)")
        case .recordTooLong(let line):
            return (
                line, 1,
                "the record is longer than \(CSVStream.maximumRecordBytes) bytes (a quote never closed, or not a CSV file)"
            )
        case .tooManyFields(let line): return (line, 1, "the record has more than \(CSVStream.maximumFields) fields")
        case .unreadable(let reason): return (0, 1, "cannot be read: \(reason)")
        }
    }
}
