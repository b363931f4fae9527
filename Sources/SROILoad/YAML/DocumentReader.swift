import Foundation
import SROICore
import Yams

/// Reads one YAML (or JSON) document strictly, collecting a diagnostic for every problem.
///
/// Codable would ignore unknown keys and lose positions; this reader walks Yams' node tree so
/// that every error names the file, line and column, the field, what was found and what is
/// allowed. Keys that begin with `_` are left to users for their own notes.
final class DocumentReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// Parses the text; a syntax error or duplicate key becomes a diagnostic and `nil`.
    func parse(_ text: String) -> Node? {
        // YAML admits no control characters but tab and line ends: find the first one ourselves,
        // so that its line and column are told (the parser says only that it met one).
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                line += 1
                column = 1
                continue
            }
            if scalar != "\t", scalar != "\r", scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                error(
                    code: .syntax, SourceLocation(file: file, line: line, column: column), "(syntax)",
                    "holds a control character, which YAML does not allow",
                    found: "U+\(String(format: "%04X", scalar.value))")
                return nil
            }
            column += 1
        }
        do {
            guard let root = try Yams.compose(yaml: text) else {
                error(code: .missing, SourceLocation(file: file, line: 1, column: 1), "(document)", "the file is empty")
                return nil
            }
            return root
        } catch let yamlError as YamlError {
            report(yamlError)
            return nil
        } catch {
            self.error(
                code: .syntax, SourceLocation(file: file, line: 1, column: 1), "(document)", "cannot be read: \(error)")
            return nil
        }
    }

    private func report(_ yamlError: YamlError) {
        switch yamlError {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text.trimmingCharacters(in: .whitespacesAndNewlines)) " } ?? ""
            error(
                code: .syntax, location(mark), "(syntax)",
                "is not valid YAML: \(detail)\(problem)" + (Self.explanation(of: problem).map { "; \($0)" } ?? ""))
        case let .duplicatedKeysInMapping(duplicates, context):
            error(
                code: .duplicate, location(context.mark), duplicates.joined(separator: ", "),
                "is given more than once in the same mapping; each key may appear once",
                found: duplicates.map { "'\($0)'" }.joined(separator: ", "))
        default:
            error(
                code: .syntax, SourceLocation(file: file, line: 1, column: 1), "(document)",
                "cannot be read: \(yamlError)")
        }
    }

    /// What the YAML parser's words mean for someone who has not read the YAML specification.
    static func explanation(of problem: String) -> String? {
        if problem.contains("expected '-' indicator") {
            return
                "a list item's '-' is not lined up with the items above it: indent this line as the other '- ' lines of the list"
        }
        if problem.contains("mapping values are not allowed") {
            return
                "a second ':' on one line, or a line indented deeper than the key above it: put text that holds ': ' in quotes, or line the key up with its neighbours"
        }
        if problem.contains("did not find expected key") {
            return
                "this line is indented differently from the keys or list items of its block: line it up with them, using spaces"
        }
        if problem.contains("expected <block end>") {
            return "a line is indented less or more than the keys beside it: line up keys of one level with spaces"
        }
        if problem.contains("found character that cannot start any token") {
            return
                "a tab or another character YAML does not allow here: indent with spaces, and quote text that starts with @ or `"
        }
        if problem.contains("could not find expected ':'") {
            return "a key without its ':' or text that runs over a line: end the key with ': ', or quote the text"
        }
        return nil
    }

    // MARK: Diagnostics

    func location(_ mark: Mark?) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    func location(_ node: Node) -> SourceLocation { location(node.mark) }

    func error(
        code: DiagnosticCode = .invalid, _ location: SourceLocation?, _ field: String, _ message: String,
        found: String? = nil, allowed: String? = nil
    ) {
        diagnostics.append(
            Diagnostic(.error, code: code, at: location, field: field, message: message, found: found, allowed: allowed)
        )
    }

    func warning(_ location: SourceLocation?, _ field: String, _ message: String) {
        diagnostics.append(Diagnostic(.warning, code: .invalid, at: location, field: field, message: message))
    }

    var hasErrors: Bool { diagnostics.containsErrors }

    // MARK: Shapes

    /// A mapping whose keys must be among `allowed`; unknown keys are errors with a suggestion.
    func mapping(_ node: Node, _ path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            error(
                code: .wrongType, location(node), path.isEmpty ? "(document)" : path,
                "must be a mapping of keys to values", found: describe(node),
                allowed: "keys: \(allowed.joined(separator: ", "))")
            return nil
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        var order: [String] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                error(code: .wrongType, location(keyNode), path, "keys must be plain names", found: describe(keyNode))
                continue
            }
            let key = scalar.string
            if key.hasPrefix("_") { continue }
            guard allowed.contains(key) else {
                let hint = Self.closest(to: key, in: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error(
                    code: .unknownKey, location(keyNode), join(path, key), "is not a known key\(hint)",
                    found: "'\(key)'",
                    allowed: allowed.joined(separator: ", "))
                continue
            }
            entries[key] = (keyNode, valueNode)
            order.append(key)
        }
        return Fields(reader: self, node: node, path: path, entries: entries, order: order)
    }

    /// A mapping with arbitrary keys (ids, years, grades), in document order.
    func dictionary(_ node: Node, _ path: String) -> [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            error(code: .wrongType, location(node), path, "must be a mapping", found: describe(node))
            return nil
        }
        return mapping.compactMap { keyNode, value in
            guard case .scalar(let scalar) = keyNode else {
                error(code: .wrongType, location(keyNode), path, "keys must be plain names", found: describe(keyNode))
                return nil
            }
            return (scalar.string, keyNode, value)
        }
    }

    func sequence(_ node: Node, _ path: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error(code: .wrongType, location(node), path, "must be a list", found: describe(node))
            return nil
        }
        return Array(sequence)
    }

    /// The path of a list item: `list[id]` when the item has a plain id, else `list[index]`,
    /// so that every diagnostic about an entry names it the way its author does.
    func itemPath(_ node: Node, _ list: String, _ index: Int) -> String {
        if case .mapping(let mapping) = node, let id = mapping["id"], case .scalar(let scalar) = id,
            Self.isIdentifier(scalar.string)
        {
            return "\(list)[\(scalar.string)]"
        }
        return "\(list)[\(index)]"
    }

    // MARK: Scalars

    func string(_ node: Node, _ path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            error(code: .wrongType, location(node), path, "must be text", found: describe(node))
            return nil
        }
        if scalar.style == .plain, Self.isNull(scalar.string) {
            error(code: .missing, location(node), path, "is empty", allowed: "text")
            return nil
        }
        // Folded and literal blocks end with a newline that is layout, not content.
        return scalar.style == .folded || scalar.style == .literal
            ? String(scalar.string.reversed().drop(while: \.isNewline).reversed()) : scalar.string
    }

    /// An identifier: letters, digits, `-` and `_`, starting with a letter or digit.
    func identifier(_ node: Node, _ path: String) -> String? {
        guard let text = string(node, path) else { return nil }
        guard Self.isIdentifier(text) else {
            error(
                code: .wrongType, location(node), path, "is not a valid id", found: "'\(text)'",
                allowed: "letters, digits, '-' and '_', starting with a letter or digit")
            return nil
        }
        return text
    }

    /// A finite number written as a plain scalar: `12`, `0.035`, `-300`, `1e-9`.
    func number(_ node: Node, _ path: String, allowed: String = "a number") -> Double? {
        guard case .scalar(let scalar) = node else {
            error(code: .wrongType, location(node), path, "must be a number", found: describe(node), allowed: allowed)
            return nil
        }
        let text = scalar.string
        if scalar.tag.rawValue == Tag.Name.str.rawValue, scalar.style == .plain {
            error(
                code: .wrongType, location(node), path, "is tagged as text (!!str), not a number", found: text,
                allowed: allowed)
            return nil
        }
        let lowered = text.lowercased()
        if scalar.style == .plain,
            [".nan", "nan", ".inf", "+.inf", "-.inf", "inf", "-inf", "+inf", "infinity", "-infinity"].contains(lowered)
        {
            error(
                code: .notFinite, location(node), path, "NaN and infinity cannot enter a calculation", found: text,
                allowed: allowed)
            return nil
        }
        guard scalar.style == .plain, Self.isDecimal(text), let value = Double(text), value.isFinite else {
            let shape = scalar.style == .plain ? text : "\"\(text)\" (quoted text)"
            // "20%" is how a spreadsheet user writes a share: say how it is written here.
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast().trimmingCharacters(in: .whitespaces)),
                percent.isFinite
            {
                error(
                    code: .wrongType, location(node), path,
                    "a percentage is written as a number: write \(trimmed) as \(NumberFormat.shortest(percent / 100))",
                    found: shape, allowed: allowed)
                return nil
            }
            error(code: .wrongType, location(node), path, "must be a number", found: shape, allowed: allowed)
            return nil
        }
        return value
    }

    /// A whole number; `3` and `3.0` are accepted, `2.5` is not.
    func integer(_ node: Node, _ path: String, allowed: String = "a whole number") -> Int? {
        guard let value = number(node, path, allowed: allowed) else { return nil }
        guard value.rounded() == value, abs(value) < 1e9 else {
            error(
                code: .wrongType, location(node), path, "must be a whole number", found: NumberFormat.shortest(value),
                allowed: allowed)
            return nil
        }
        return Int(value)
    }

    func bool(_ node: Node, _ path: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            if scalar.string == "true" { return true }
            if scalar.string == "false" { return false }
        }
        error(
            code: .wrongType, location(node), path, "must be true or false", found: describe(node),
            allowed: "true, false")
        return nil
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, _ type: T.Type) -> T?
    where T.RawValue == String {
        guard let text = string(node, path) else { return nil }
        guard let value = T(rawValue: text) else {
            error(
                code: .outOfRange, location(node), path, "is not one of the allowed values", found: "'\(text)'",
                allowed: T.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return value
    }

    func currency(_ node: Node, _ path: String) -> Currency? {
        guard let text = string(node, path) else { return nil }
        guard let currency = Currency(code: text) else {
            error(
                code: .units, location(node), path, "is not a currency code", found: "'\(text)'",
                allowed: "an ISO 4217 code such as GBP or EUR")
            return nil
        }
        return currency
    }

    func priceYear(_ node: Node, _ path: String) -> PriceYear? {
        guard case .scalar(let scalar) = node, let year = PriceYear(scalar.string) else {
            error(
                code: .wrongType, location(node), path, "is not a price year", found: describe(node),
                allowed: "a year such as 2019, or a financial year such as 2023-24")
            return nil
        }
        return year
    }

    // MARK: Helpers

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// What a node is, for a diagnostic: a short value as written; a long or many-line text only
    /// by its size, so that a file that is not YAML at all (a password file) is never replayed.
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string
            if text.count > 60 || text.contains("\n") {
                return "text of \(text.count) characters"
            }
            return scalar.style == .plain ? text : "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Names a formula can use: a letter, then letters, digits and '_'.
    static func isFormulaName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func isNull(_ text: String) -> Bool { ["", "~", "null", "Null", "NULL"].contains(text) }

    static func isDecimal(_ text: String) -> Bool {
        var chars = Substring(text)
        if chars.first == "-" || chars.first == "+" { chars = chars.dropFirst() }
        let mantissaEnd = chars.firstIndex { $0 == "e" || $0 == "E" } ?? chars.endIndex
        let mantissa = chars[..<mantissaEnd]
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !mantissa.isEmpty, mantissa != ".",
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return false }
        if mantissaEnd == chars.endIndex { return true }
        var exponent = chars[chars.index(after: mantissaEnd)...]
        if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The allowed key nearest to a misspelt one, when it is close enough to be a likely typo.
    static func closest(to key: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(key, $0)) }.min { $0.1 < $1.1 }
        guard let (best, distance) = scored, distance <= max(2, key.count / 3) else { return nil }
        return best
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}

/// The entries of a checked mapping, with the path used in diagnostics.
struct Fields {
    let reader: DocumentReader
    let node: Node
    let path: String
    let entries: [String: (key: Node, value: Node)]
    let order: [String]

    var location: SourceLocation { reader.location(node) }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func path(_ key: String) -> String { reader.join(path, key) }

    func optional(_ key: String) -> Node? { entries[key]?.value }

    /// The value of a key that must be present; its absence is an error at the mapping.
    func required(_ key: String, allowed: String? = nil) -> Node? {
        if let value = entries[key]?.value { return value }
        reader.error(code: .missing, location, path(key), "is required but missing", allowed: allowed)
        return nil
    }

    func string(_ key: String) -> String? { optional(key).flatMap { reader.string($0, path(key)) } }

    func requiredString(_ key: String) -> String? { required(key).flatMap { reader.string($0, path(key)) } }

    func keyLocation(_ key: String) -> SourceLocation? { entries[key].map { reader.location($0.key) } }
}
