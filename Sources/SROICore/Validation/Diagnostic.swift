/// One problem found in a scenario or model: where, which field, what was found, what is allowed.
///
/// Diagnostics are values so that a check can report every problem at once, and so that tests
/// can compare them. Printed, one reads
/// `file:line:col: error: outcomes[0].deadweight: must be a share from 0 to 1 (found 1.2)`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable {
        case warning
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .error }
    }

    public var severity: Severity
    /// The kind of problem, stable across versions.
    public var code: DiagnosticCode
    public var location: SourceLocation?
    /// The field's path in the document, e.g. `outcomes[2].deadweight`.
    public var field: String
    public var message: String
    /// The offending value as written, when there is one.
    public var found: String?
    /// What the field accepts.
    public var allowed: String?

    public init(
        _ severity: Severity = .error, code: DiagnosticCode = .invalid, at location: SourceLocation?, field: String,
        message: String, found: String? = nil, allowed: String? = nil
    ) {
        self.code = code
        // Text that came from a user's file is shown, never replayed: at most 200 characters of
        // what was found, and no control characters (terminal escapes) anywhere.
        self.severity = severity
        self.location = location
        self.field = UserText.clip(field)
        self.message = UserText.clip(message, limit: 2000, keepingLines: true)
        self.found = found.map { UserText.clip($0) }
        self.allowed = allowed.map { UserText.clip($0, limit: 2000) }
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += "\(severity.rawValue): \(field): \(message)"
        var details: [String] = []
        if let found { details.append("found \(found)") }
        if let allowed { details.append("allowed: \(allowed)") }
        if !details.isEmpty { text += " (\(details.joined(separator: "; ")))" }
        return text + " [\(code.text)]"
    }
}

/// The error thrown when a scenario has problems: every diagnostic, in file order.
public struct ValidationFailure: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted(by: Self.fileOrder)
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String {
        let count = errors.count
        let lines = diagnostics.map(\.description)
        return (lines + ["\(count) error\(count == 1 ? "" : "s"); nothing was calculated."]).joined(separator: "\n")
    }

    /// Diagnostics sorted by file, line, column; those without a location last, in their order.
    static func fileOrder(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case let (l?, r?) where l != r: return l < r
        case (.some, nil): return true
        case (nil, .some): return false
        default: return (a.field, a.message) < (b.field, b.message)
        }
    }
}

extension Array where Element == Diagnostic {
    /// Whether any of these diagnostics is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }
}
