import Foundation
import SROICore

/// `sroi explain`: how one figure was computed, as an indented tree down to its sources.
///
/// Each node shows its formula with symbols and with numbers; each leaf shows where it was
/// written, or the model entry with its cited publication. A figure reached again by another
/// path is shown once and then referred to, so that shared discount factors do not repeat.
public struct Explanation {
    public var trace: Trace
    /// Levels below the root to expand; deeper nodes are named but not opened.
    public var maximumDepth: Int
    /// Every digit (the shortest form that reads back to the same binary64, as trace.json
    /// holds it), or figures rounded for reading.
    public var fullPrecision: Bool

    public init(trace: Trace, maximumDepth: Int = .max, fullPrecision: Bool = true) {
        self.trace = trace
        self.maximumDepth = maximumDepth
        self.fullPrecision = fullPrecision
    }

    /// A figure as the explanation writes it: every digit, or money to the penny and other
    /// figures to six significant digits.
    public func number(_ value: Double, unit: String) -> String {
        guard !fullPrecision, value.isFinite, value != value.rounded() || abs(value) >= 1e15 else {
            return NumberFormat.shortest(value)
        }
        let isMoney = unit.count == 3 && unit.allSatisfy { $0.isUppercase }
        if isMoney { return String(format: "%.2f", value) }
        let magnitude = abs(value)
        guard magnitude >= 1e-4, magnitude < 1e15 else { return String(format: "%.6g", value) }
        let integerDigits = magnitude >= 1 ? Int(log10(magnitude).rounded(.down)) + 1 : 0
        let decimals =
            magnitude >= 1 ? max(0, 6 - integerDigits) : 5 - Int(log10(magnitude).rounded(.down))
        var text = String(format: "%.*f", decimals, value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// The figure ids a user may ask for by a short name.
    public static let aliases: [String: String] = [
        "ratio": FigureID.sroiRatio, "sroi": FigureID.sroiRatio, "npv": FigureID.netPresentValue,
        "pv": FigureID.totalPresentValue, "inputs": FigureID.totalInputs, "payback": FigureID.paybackMonths,
        "net_ratio": FigureID.netSROIRatio,
    ]

    /// The node id for a name given on the command line: an id, or an alias.
    public func resolve(_ name: String) -> String? {
        if trace[name] != nil { return name }
        if let alias = Self.aliases[name.lowercased()] { return alias }
        return nil
    }

    /// Ids to suggest when a name is not found: for an outcome figure whose outcome does not
    /// exist, the same figure of each outcome there is; otherwise ids that contain the text.
    public func suggestions(for name: String, limit: Int = 12) -> [String] {
        if let (_, figure) = FigureID.parseOutcome(name) {
            var outcomes: [String] = []
            for node in trace.nodes {
                guard let (outcome, _) = FigureID.parseOutcome(node.id), !outcomes.contains(outcome.description) else {
                    continue
                }
                outcomes.append(outcome.description)
            }
            let same = outcomes.map { FigureID.outcome($0, figure) }.filter { trace[$0] != nil }
            if !same.isEmpty { return Array(same.prefix(limit)) }
        }
        let matches = trace.nodes.map(\.id).filter { $0.hasPrefix(name) || $0.contains(name) }
        return Array(matches.prefix(limit))
    }

    public func render(_ id: String) -> String {
        var out: [String] = []
        var shown: Set<String> = []
        walk(id, prefix: "", childPrefix: "", depth: 0, shown: &shown, out: &out)
        return out.joined(separator: "\n") + "\n"
    }

    private func walk(
        _ id: String, prefix: String, childPrefix: String, depth: Int, shown: inout Set<String>, out: inout [String]
    ) {
        guard let node = trace[id] else {
            out.append(prefix + "\(id): missing from the trace")
            return
        }
        out.append(prefix + "\(node.label)  [\(node.id)]")
        let detail = childPrefix + (node.inputs.isEmpty ? "    " : "│   ")
        out.append(detail + "\(node.symbol) = \(valueText(node))")
        if shown.contains(id) {
            out.append(detail + (node.inputs.isEmpty ? "(source shown above)" : "(worked out above)"))
            return
        }
        shown.insert(id)
        if node.arithmetic != .given {
            out.append(detail + "\(node.step.rawValue): \(trace.symbolicFormula(of: node))")
            out.append(detail + "  = \(trace.substitutedFormula(of: node) { number($0, unit: $1) })")
        }
        if let convention = node.convention { out.append(detail + "convention: \(convention)") }
        if let origin = node.origin { out.append(detail + "from: " + Self.describe(origin)) }
        if let rationale = node.rationale { out.append(detail + "why: \(rationale)") }
        if let source = node.source { out.append(detail + "source: \(source.summary)") }
        guard !node.inputs.isEmpty else { return }
        if depth >= maximumDepth {
            out.append(
                childPrefix
                    + "└── … \(node.inputs.count) input\(node.inputs.count == 1 ? "" : "s") (raise --depth to open)")
            return
        }
        for (index, input) in node.inputs.enumerated() {
            let last = index == node.inputs.count - 1
            walk(
                input, prefix: childPrefix + (last ? "└── " : "├── "),
                childPrefix: childPrefix + (last ? "    " : "│   "),
                depth: depth + 1, shown: &shown, out: &out)
        }
    }

    private func valueText(_ node: TraceNode) -> String {
        switch node.value {
        case .number(let value): return "\(number(value, unit: node.unit)) \(node.unit)"
        case .undefined(let reason): return "undefined: \(reason)"
        }
    }

    static func describe(_ origin: Origin) -> String {
        switch origin {
        case .written(let location): return location.map { "written at \($0)" } ?? "given"
        case .model(let entry):
            var text = "model entry \(entry.reference)"
            if let location = entry.location { text += " (\(location))" }
            if let citation = entry.citation { text += "; cites \(citation.summary)" }
            if let licence = entry.citation?.licence { text += "; licence: \(licence)" }
            return text
        case .methodDefault(let note): return "method default: \(note)"
        case .commandLine(let setting): return "set on the command line: --set \(setting)"
        case .records(let records):
            var text = "recorded data: \(records.declaration) (\(records.rowsMatched) rows matched)"
            if let location = records.location { text += ", declared at \(location)" }
            text += "; SQL: \(records.sql)"
            if !records.parameters.isEmpty { text += " with [\(records.parameters.joined(separator: ", "))]" }
            text += "; data fingerprint \(records.fingerprint.prefix(16))"
            return text
        }
    }
}
