/// The stable code of a kind of problem, printed with every diagnostic (`SROI-E004`) so that a
/// user can look it up, and a tool can act on it, whatever the wording of the message.
/// Codes are never reused or renumbered; `docs/diagnostics.md` lists them.
public enum DiagnosticCode: Int, Sendable, CaseIterable, Comparable {
    case syntax = 1
    case notUTF8 = 2
    case unknownKey = 3
    case outOfRange = 4
    case missing = 5
    case wrongType = 6
    case duplicate = 7
    case unknownReference = 8
    case formulaSyntax = 9
    case units = 10
    case formulaLimit = 11
    case file = 12
    case recordsNotRead = 13
    case records = 14
    case store = 15
    case csvSyntax = 16
    case csvValue = 17
    case csvHeader = 18
    case importRepeated = 19
    case notFinite = 20
    case simulation = 21
    case comparison = 22
    case integrity = 23
    case invalid = 24
    case noEffect = 25
    case unsupportedVersion = 26
    case commandLineSetting = 27

    /// `SROI-E004`.
    public var text: String { "SROI-E" + String(repeating: "0", count: 3 - String(rawValue).count) + String(rawValue) }

    /// The kind of problem, in a word or two.
    public var category: String {
        switch self {
        case .syntax: return "syntax"
        case .notUTF8: return "encoding"
        case .unknownKey: return "unknown key"
        case .outOfRange: return "out of range"
        case .missing: return "missing"
        case .wrongType: return "wrong type"
        case .duplicate: return "duplicate"
        case .unknownReference: return "unknown reference"
        case .formulaSyntax: return "formula syntax"
        case .units: return "units"
        case .formulaLimit: return "formula limit"
        case .file: return "file"
        case .recordsNotRead: return "records not read"
        case .records: return "records"
        case .store: return "record store"
        case .csvSyntax: return "CSV syntax"
        case .csvValue: return "CSV value"
        case .csvHeader: return "CSV header"
        case .importRepeated: return "import repeated"
        case .notFinite: return "not a finite figure"
        case .simulation: return "simulation"
        case .comparison: return "comparison"
        case .integrity: return "integrity"
        case .invalid: return "invalid"
        case .noEffect: return "no effect"
        case .unsupportedVersion: return "format version"
        case .commandLineSetting: return "what-if setting"
        }
    }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue < rhs.rawValue }
}
