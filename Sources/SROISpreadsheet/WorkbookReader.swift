import Foundation
import SROICore
import XMLCoder
import ZIPFoundation

/// Why a workbook cannot be read.
public struct WorkbookReadError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var reason: String

    public var description: String { "\(file): cannot be read as a workbook: \(reason)" }
}

/// Reads the cells of an Office Open XML workbook (`.xlsx`, as Excel and LibreOffice write it):
/// numbers, text (shared, inline or rich), booleans, and the cached results of formulas.
///
/// The file is untrusted: its parts are read into memory only up to a limit each, a document
/// type declaration (the door to entity expansion) is refused, and nothing is ever extracted
/// to disk.
public enum WorkbookReader {
    /// The most a part of the workbook may hold once decompressed.
    public static let maximumPartBytes = 64 << 20
    /// The most cells a sheet may have.
    public static let maximumCells = 1_000_000

    public static func read(_ data: Data, file: String) throws(WorkbookReadError) -> Workbook {
        // ZIPFoundation's in-memory reader traps on some malformed archives (found by fuzzing);
        // its file reader does not, so the bytes are read from a private temporary file.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sroi-workbook-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("workbook.xlsx")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
            try data.write(to: copy, options: .withoutOverwriting)
        } catch {
            throw WorkbookReadError(
                file: file, reason: "it cannot be staged for reading: \(error.localizedDescription)")
        }
        // ZIPFoundation inflates a deflate stream until it ends, and one cut short never does
        // (found by fuzzing): the archive is read on a thread of its own, and given up on after
        // a deadline. Such a thread spins until the process ends; a file that needs it is hostile.
        let outcome = Shared<Result<Workbook, WorkbookReadError>>()
        let finished = DispatchSemaphore(value: 0)
        let size = data.count
        let thread = Thread {
            do throws(WorkbookReadError) {
                outcome.set(.success(try read(archiveAt: copy, size: size, file: file)))
            } catch {
                outcome.set(.failure(error))
            }
            finished.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        guard finished.wait(timeout: .now() + readingDeadline) == .success, let result = outcome.value else {
            throw WorkbookReadError(
                file: file,
                reason:
                    "a compressed part did not finish within \(Int(readingDeadline)) seconds; the file is damaged (re-save it as an Excel workbook, .xlsx)"
            )
        }
        return try result.get()
    }

    /// How long reading a workbook may take before it is given up as damaged.
    public static let readingDeadline: Double = 5

    private static func read(archiveAt url: URL, size: Int, file: String) throws(WorkbookReadError) -> Workbook {
        func fail(_ reason: String) -> WorkbookReadError { WorkbookReadError(file: file, reason: reason) }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw fail("it is not a ZIP archive (save it as an Excel workbook, .xlsx)")
        }
        func part(_ path: String) throws(WorkbookReadError) -> Data? {
            guard let entry = archive[path] else { return nil }
            guard entry.uncompressedSize <= UInt64(maximumPartBytes) else {
                throw fail("\(path) holds more than \(maximumPartBytes >> 20) MiB")
            }
            // A part cannot hold more compressed bytes than the file has: ZIPFoundation would read
            // on past the end for as many bytes as a forged size claims (found by fuzzing).
            guard entry.compressedSize <= UInt64(size) else {
                throw fail("\(path) claims more bytes than the file holds")
            }
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    bytes.append(chunk)
                    if bytes.count > maximumPartBytes { throw CocoaError(.fileReadTooLarge) }
                }
            } catch {
                throw fail("\(path) cannot be decompressed (\(error))")
            }
            if bytes.range(of: Data("<!DOCTYPE".utf8)) != nil || bytes.range(of: Data("<!ENTITY".utf8)) != nil {
                throw fail("\(path) declares a document type, which a workbook never does")
            }
            // The XML decoder builds its tree by recursion: a part nested thousands deep would
            // exhaust the stack, where a workbook's parts nest fewer than ten.
            if let depth = Self.nestingDepth(bytes, limit: maximumNesting) {
                throw fail("\(path) nests elements more than \(depth) deep, which no workbook does")
            }
            return bytes
        }
        func decode<T: Decodable>(_ type: T.Type, _ path: String) throws(WorkbookReadError) -> T? {
            guard let bytes = try part(path) else { return nil }
            let decoder = XMLDecoder()
            decoder.shouldProcessNamespaces = true
            decoder.trimValueWhitespaces = false
            do {
                return try decoder.decode(T.self, from: bytes)
            } catch {
                throw fail("\(path) is not a workbook part this reader understands (\(error))")
            }
        }

        guard let book = try decode(WorkbookPart.self, "xl/workbook.xml") else {
            throw fail("it has no xl/workbook.xml (is it an .xlsx workbook?)")
        }
        let relationships = try decode(Relationships.self, "xl/_rels/workbook.xml.rels")?.relationship ?? []
        let shared = try decode(SharedStrings.self, "xl/sharedStrings.xml")?.si?.map(\.text) ?? []
        var sheets: [Sheet] = []
        for entry in book.sheets.sheet ?? [] {
            guard let relationship = relationships.first(where: { $0.id == entry.id }) else {
                throw fail("sheet '\(entry.name)' has no part")
            }
            var target = relationship.target
            if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
            guard let part = try decode(WorksheetPart.self, target) else {
                throw fail("sheet '\(entry.name)' names a part that is missing (\(target))")
            }
            var sheet = Sheet(name: entry.name)
            var count = 0
            var nextRow = 1
            for row in part.sheetData.row ?? [] {
                let rowNumber = row.r ?? nextRow
                guard (1...CellAddress.maximumRow).contains(rowNumber) else {
                    throw fail(
                        "sheet '\(entry.name)' has a row numbered \(rowNumber), outside 1 to \(CellAddress.maximumRow)")
                }
                nextRow = rowNumber + 1
                var nextColumn = 1
                for cell in row.c ?? [] {
                    count += 1
                    guard count <= maximumCells else {
                        throw fail("sheet '\(entry.name)' has more than \(maximumCells) cells")
                    }
                    guard nextColumn <= CellAddress.maximumColumn else {
                        throw fail(
                            "sheet '\(entry.name)' row \(rowNumber) has more than \(CellAddress.maximumColumn) columns")
                    }
                    let address = cell.r.flatMap(CellAddress.init) ?? CellAddress(row: rowNumber, column: nextColumn)
                    nextColumn = address.column + 1
                    if let value = try cellValue(cell, shared: shared, at: address, sheet: entry.name, fail: fail) {
                        sheet.cells[address] = Cell(value)
                    }
                }
            }
            sheets.append(sheet)
        }
        return Workbook(sheets: sheets)
    }

    /// The deepest a part may nest its elements.
    static let maximumNesting = 100

    /// `limit` when the elements of `xml` nest deeper than it, else `nil`: a scan of the bytes
    /// that skips comments, CDATA, processing instructions and quoted attribute values.
    public static func nestingDepth(_ xml: Data, limit: Int) -> Int? {
        xml.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int? in
            let bytes = buffer.bindMemory(to: UInt8.self)
            let count = bytes.count
            var depth = 0
            var index = 0
            func skip(past terminator: [UInt8], from start: Int) -> Int {
                var position = start
                while position + terminator.count <= count {
                    if bytes[position] == terminator[0],
                        (0..<terminator.count).allSatisfy({ bytes[position + $0] == terminator[$0] })
                    {
                        return position + terminator.count
                    }
                    position += 1
                }
                return count
            }
            while index < count {
                guard bytes[index] == UInt8(ascii: "<"), index + 1 < count else {
                    index += 1
                    continue
                }
                let next = bytes[index + 1]
                if next == UInt8(ascii: "?") {
                    index = skip(past: Array("?>".utf8), from: index + 2)
                } else if next == UInt8(ascii: "!") {
                    let isCDATA = index + 9 <= count && Array(bytes[(index + 2)..<(index + 9)]) == Array("[CDATA[".utf8)
                    index = skip(past: Array((isCDATA ? "]]>" : "-->").utf8), from: index + 2)
                } else if next == UInt8(ascii: "/") {
                    depth -= 1
                    index = skip(past: [UInt8(ascii: ">")], from: index + 2)
                } else {
                    // An opening tag: to its end, past quoted attribute values; `/>` closes it too.
                    var position = index + 1
                    var quote: UInt8?
                    while position < count {
                        let byte = bytes[position]
                        if let open = quote {
                            if byte == open { quote = nil }
                        } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                            quote = byte
                        } else if byte == UInt8(ascii: ">") {
                            break
                        }
                        position += 1
                    }
                    let selfClosing = position > 0 && position < count && bytes[position - 1] == UInt8(ascii: "/")
                    if !selfClosing {
                        depth += 1
                        if depth > limit { return limit }
                    }
                    index = position + 1
                }
            }
            return nil
        }
    }

    private static func cellValue(
        _ cell: CellPart, shared: [String], at address: CellAddress, sheet: String,
        fail: (String) -> WorkbookReadError
    ) throws(WorkbookReadError) -> CellValue? {
        let raw = cell.v?.value
        switch cell.t ?? "n" {
        case "s":
            guard let raw, let index = Int(raw), shared.indices.contains(index) else {
                throw fail("\(sheet)!\(address) refers to a shared string that does not exist")
            }
            return .text(shared[index])
        case "inlineStr":
            return cell.is.map { .text($0.text) }
        case "str":
            return raw.map { .text($0) }
        case "b":
            return raw.map { .boolean($0 == "1") }
        case "e":
            return raw.map { .text($0) }
        default:
            guard let raw, !raw.isEmpty else { return nil }
            guard let number = Double(raw), number.isFinite else {
                throw fail("\(sheet)!\(address) holds '\(UserText.clip(raw))', which is not a number")
            }
            return .number(number)
        }
    }
}

// MARK: The parts, as XMLCoder decodes them

/// Element text, whatever attributes the element has.
private struct TextContent: Decodable {
    var value: String?
    enum CodingKeys: String, CodingKey { case value = "" }
}

/// A string that may be plain (`<t>`) or rich (runs of `<r><t>`).
private struct RichText: Decodable {
    var t: TextContent?
    var r: [Run]?
    struct Run: Decodable { var t: TextContent? }

    var text: String {
        if let r { return r.map { $0.t?.value ?? "" }.joined() }
        return t?.value ?? ""
    }
}

private struct SharedStrings: Decodable { var si: [RichText]? }

private struct WorkbookPart: Decodable {
    var sheets: Sheets
    struct Sheets: Decodable { var sheet: [Entry]? }
    struct Entry: Decodable {
        var name: String
        var id: String
        enum CodingKeys: String, CodingKey {
            case name
            case prefixedID = "r:id"
            case id
        }
        // The relationship attribute keeps its prefix whether or not namespaces are processed.
        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            id =
                try container.decodeIfPresent(String.self, forKey: .prefixedID)
                ?? container.decode(String.self, forKey: .id)
        }
    }
}

private struct Relationships: Decodable {
    var relationship: [Relationship]?
    enum CodingKeys: String, CodingKey { case relationship = "Relationship" }
    struct Relationship: Decodable {
        var id: String
        var target: String
        enum CodingKeys: String, CodingKey {
            case id = "Id"
            case target = "Target"
        }
    }
}

private struct WorksheetPart: Decodable {
    var sheetData: SheetData
    struct SheetData: Decodable { var row: [RowPart]? }
}

private struct RowPart: Decodable {
    var r: Int?
    var c: [CellPart]?
}

private struct CellPart: Decodable {
    var r: String?
    var t: String?
    var v: TextContent?
    var `is`: RichText?
}
