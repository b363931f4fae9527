import SROICore

/// A JSON value whose objects keep their key order, so that output is byte-identical run
/// after run, and whose numbers are written in shortest round-trip form.
public indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// An object whose members are made one at a time as it is written, so that a large document
    /// (a trace of many nodes) is never held whole as values.
    case generatedObject(count: Int, member: @Sendable (Int) -> (String, JSON))

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a.bitPattern == b.bitPattern
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case (.generatedObject, _), (_, .generatedObject):
            return lhs.materialised == rhs.materialised
        default: return false
        }
    }

    /// A generated object as a plain one.
    private var materialised: JSON {
        if case .generatedObject(let count, let member) = self { return .object((0..<count).map(member)) }
        return self
    }

    /// Pretty-printed with two-space indentation and a final newline.
    public func rendered() -> String {
        String(decoding: renderedBytes(), as: UTF8.self)
    }

    /// The same text as ``rendered()``, as UTF-8 bytes ready to write.
    public func renderedBytes() -> [UInt8] {
        var sink = ByteSink()
        write(into: &sink)
        return sink.bytes
    }

    /// Writes the rendered text into a sink, which may pass it on to a file as it goes.
    public func write(into sink: inout ByteSink) {
        write(into: &sink, indent: 0)
        sink.append(UInt8(ascii: "\n"))
    }

    private static func indentation(_ level: Int, into out: inout ByteSink) {
        for _ in 0..<(level * 2) { out.append(UInt8(ascii: " ")) }
    }

    private func write(into out: inout ByteSink, indent: Int) {
        switch self {
        case .null: out += "null".utf8
        case .bool(let value): out += (value ? "true" : "false").utf8
        case .number(let value): out += (value.isFinite ? NumberFormat.shortest(value) : "null").utf8
        case .string(let value): Self.quote(value, into: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]".utf8
                return
            }
            if items.allSatisfy(\.isScalar) {
                out.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { out += ", ".utf8 }
                    item.write(into: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out += "[\n".utf8
            for (index, item) in items.enumerated() {
                Self.indentation(indent + 1, into: &out)
                item.write(into: &out, indent: indent + 1)
                out += (index < items.count - 1 ? ",\n" : "\n").utf8
            }
            Self.indentation(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            Self.writeObject(count: members.count, member: { members[$0] }, into: &out, indent: indent)
        case .generatedObject(let count, let member):
            Self.writeObject(count: count, member: member, into: &out, indent: indent)
        }
    }

    private static func writeObject(
        count: Int, member: (Int) -> (String, JSON), into out: inout ByteSink, indent: Int
    ) {
        guard count > 0 else {
            out += "{}".utf8
            return
        }
        out += "{\n".utf8
        for index in 0..<count {
            let (key, value) = member(index)
            indentation(indent + 1, into: &out)
            quote(key, into: &out)
            out += ": ".utf8
            value.write(into: &out, indent: indent + 1)
            out += (index < count - 1 ? ",\n" : "\n").utf8
            out.flushIfLarge()
        }
        indentation(indent, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object, .generatedObject: return false
        default: return true
        }
    }

    /// A JSON string: `"`, `\\` and control characters escaped, everything else as its UTF-8 bytes.
    private static func quote(_ text: String, into out: inout ByteSink) {
        out.append(UInt8(ascii: "\""))
        defer { out.append(UInt8(ascii: "\"")) }
        let plain =
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    return false
                }
                return true
            } ?? false
        if plain {
            out.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\"".utf8
            case UInt8(ascii: "\\"): out += "\\\\".utf8
            case UInt8(ascii: "\n"): out += "\\n".utf8
            case UInt8(ascii: "\r"): out += "\\r".utf8
            case UInt8(ascii: "\t"): out += "\\t".utf8
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += "\\u00".utf8
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
    }
}

extension ByteSink {
    @inline(__always)
    static func += (sink: inout ByteSink, text: String.UTF8View) { sink.append(contentsOf: text) }
}

extension JSON {
    /// Builds an object, leaving out members whose value is `nil`.
    public static func members(_ pairs: [(String, JSON?)]) -> JSON {
        .object(pairs.compactMap { key, value in value.map { (key, $0) } })
    }

    public static func text(_ value: String?) -> JSON? { value.map(JSON.string) }
}
