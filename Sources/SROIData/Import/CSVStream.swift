import Crypto
import Foundation
import SROILoad

/// Reads RFC 4180 CSV from a file in fixed-size chunks: quoted fields with embedded separators,
/// newlines and doubled quotes; LF, CRLF or CR line ends; a UTF-8 byte-order mark skipped; any
/// one-byte separator. Memory stays bounded whatever the file's size, and every field knows the
/// line and column it starts at, for diagnostics.
///
/// Written over raw bytes rather than with a general CSV library because imports must report
/// the physical line and column of each bad field and must keep pace with SQLite's own importer.
final class CSVStream {
    struct Field {
        /// Byte range in ``CSVStream/buffer``.
        var start: Int
        var end: Int
        /// Whether the field was quoted and holds doubled quotes to be undone.
        var hasEscapes: Bool
        var line: Int
        var column: Int
    }

    enum Problem: Error {
        case unterminatedQuote(line: Int, column: Int)
        case textAfterClosingQuote(line: Int, column: Int)
        case quoteInUnquotedField(line: Int, column: Int)
        case recordTooLong(line: Int)
        case tooManyFields(line: Int)
        case unreadable(String)
    }

    /// The longest record, in bytes: a longer one is refused rather than read on and on.
    static let maximumRecordBytes = 1 << 20
    /// The most fields a record may have.
    static let maximumFields = 1000

    private let file: UnsafeMutablePointer<FILE>
    private let chunkSize: Int
    private(set) var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var hasher = SHA256()
    /// The physical line of the next record.
    private(set) var line = 1
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0
    let totalBytes: Int
    /// The fields of the record last returned.
    private(set) var fields: [Field] = []
    /// The line the record last returned starts on.
    private(set) var recordLine = 1

    /// The byte between fields.
    private let separator: UInt8
    /// Whether the file began with a UTF-8 byte-order mark (skipped).
    private(set) var hadByteOrderMark = false

    init(path: String, separator: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 20) throws(Problem) {
        let opened: (descriptor: Int32, size: Int)
        do {
            opened = try InputFiles.openRegular(path)
        } catch {
            throw .unreadable(error.reason)
        }
        guard let file = fdopen(opened.descriptor, "rb") else {
            close(opened.descriptor)
            throw .unreadable(String(cString: strerror(errno)))
        }
        self.file = file
        self.chunkSize = chunkSize
        self.separator = separator
        self.buffer = [UInt8](repeating: 0, count: chunkSize * 2)
        totalBytes = opened.size
        refill()
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            start = 3
            hadByteOrderMark = true
        }
    }

    deinit { fclose(file) }

    /// The bytes of a file's first line (within its first 64 KiB), without a byte-order mark: what
    /// a separator is told from before the file is read as CSV.
    static func firstLine(of path: String) throws(InputFiles.ReadError) -> [UInt8] {
        let opened = try InputFiles.openRegular(path)
        let handle = FileHandle(fileDescriptor: opened.descriptor, closeOnDealloc: true)
        var head = Array((try? handle.read(upToCount: 1 << 16)) ?? Data())
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { head.removeFirst(3) }
        return Array(head.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") })
    }

    /// The SHA-256 of every byte read; call after the last record.
    func digest() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Reads more of the file, keeping the unread bytes from `start` at the front of the buffer.
    private func refill() {
        if start > 0 {
            let remaining = end - start
            if remaining > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, remaining)
                }
            }
            end = remaining
            start = 0
        }
        if buffer.count - end < chunkSize { buffer.append(contentsOf: repeatElement(0, count: chunkSize)) }
        let read = buffer.withUnsafeMutableBytes { raw in fread(raw.baseAddress! + end, 1, chunkSize, file) }
        if read > 0 {
            buffer.withUnsafeBytes { raw in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: raw[end..<(end + read)]))
            }
        }
        end += read
        bytesRead += read
        if read < chunkSize { atEndOfFile = true }
    }

    /// Advances to the next record; `false` at the end of the file.
    func next() throws(Problem) -> Bool {
        while true {
            if start >= end {
                if atEndOfFile { return false }
                refill()
                continue
            }
            switch scan() {
            case .record(let next, let lines):
                recordLine = line
                line += lines
                start = next
                return true
            case .needMore:
                if end - start > Self.maximumRecordBytes { throw .recordTooLong(line: line) }
                if atEndOfFile {
                    // The last record has no line end: scan it as if it had one.
                    if case .record(let next, let lines) = scan(final: true) {
                        recordLine = line
                        line += lines
                        start = next
                        return true
                    }
                    if let problem = pendingProblem { throw problem }
                    return false
                }
                refill()
            case .problem(let problem):
                throw problem
            }
        }
    }

    private enum Scan {
        case record(next: Int, lines: Int)
        case needMore
        case problem(Problem)
    }

    private var pendingProblem: Problem?

    /// Scans one record from `start`. At the end of the file (`final`), the end of the buffer
    /// ends the record.
    private func scan(final: Bool = false) -> Scan {
        fields.removeAll(keepingCapacity: true)
        pendingProblem = nil
        return buffer.withUnsafeBufferPointer { bytes -> Scan in
            var i = start
            var lines = 0
            var lineStart = start
            let quote = UInt8(ascii: "\""), comma = separator, lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
            while true {
                if fields.count >= Self.maximumFields { return .problem(.tooManyFields(line: line)) }
                let fieldLine = line + lines
                let fieldColumn = i - lineStart + 1
                if i < end, bytes[i] == quote {
                    // Quoted field: runs to the next lone quote.
                    var j = i + 1
                    var escapes = false
                    while true {
                        if j >= end {
                            if final {
                                pendingProblem = .unterminatedQuote(line: fieldLine, column: fieldColumn)
                                return .needMore
                            }
                            return .needMore
                        }
                        let byte = bytes[j]
                        if byte == quote {
                            if j + 1 < end, bytes[j + 1] == quote {
                                escapes = true
                                j += 2
                                continue
                            }
                            if j + 1 >= end, !final { return .needMore }
                            break
                        }
                        if byte == lf || (byte == cr && (j + 1 >= end || bytes[j + 1] != lf)) {
                            lines += 1
                            lineStart = j + 1
                        }
                        j += 1
                    }
                    fields.append(
                        Field(start: i + 1, end: j, hasEscapes: escapes, line: fieldLine, column: fieldColumn))
                    i = j + 1
                    if i >= end {
                        return final ? .record(next: i, lines: lines) : .needMore
                    }
                    switch bytes[i] {
                    case comma: i += 1
                    case lf: return .record(next: i + 1, lines: lines + 1)
                    case cr where i + 1 < end && bytes[i + 1] == lf: return .record(next: i + 2, lines: lines + 1)
                    case cr where i + 1 >= end && !final: return .needMore
                    case cr: return .record(next: i + 1, lines: lines + 1)
                    default:
                        return .problem(.textAfterClosingQuote(line: line + lines, column: i - lineStart + 1))
                    }
                } else {
                    var j = i
                    while j < end {
                        let byte = bytes[j]
                        if byte == comma || byte == lf || byte == cr { break }
                        if byte == quote {
                            return .problem(.quoteInUnquotedField(line: fieldLine, column: j - lineStart + 1))
                        }
                        j += 1
                    }
                    if j >= end {
                        if !final { return .needMore }
                        fields.append(Field(start: i, end: j, hasEscapes: false, line: fieldLine, column: fieldColumn))
                        return .record(next: j, lines: lines)
                    }
                    fields.append(Field(start: i, end: j, hasEscapes: false, line: fieldLine, column: fieldColumn))
                    switch bytes[j] {
                    case comma: i = j + 1
                    case lf: return .record(next: j + 1, lines: lines + 1)
                    default:  // CR
                        if j + 1 < end, bytes[j + 1] == lf { return .record(next: j + 2, lines: lines + 1) }
                        if j + 1 >= end, !final { return .needMore }
                        return .record(next: j + 1, lines: lines + 1)
                    }
                }
            }
        }
    }

    /// The text of a field, with doubled quotes undone.
    func text(_ field: Field) -> String {
        let text = buffer.withUnsafeBufferPointer { bytes in
            String(decoding: UnsafeBufferPointer(rebasing: bytes[field.start..<field.end]), as: UTF8.self)
        }
        return field.hasEscapes ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
    }

    /// The field's bytes, valid until the next call to ``next()``.
    func withBytes<T>(_ field: Field, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        buffer.withUnsafeBufferPointer { bytes in body(UnsafeBufferPointer(rebasing: bytes[field.start..<field.end])) }
    }
}
