import FuzzSupport
import SROICore

// A formula of any text: parsed, and when it parses, written out, read back the same, and evaluated.
fuzz { bytes in
    let text = String(decoding: bytes, as: UTF8.self)
    guard let expression = try? FormulaParser.parse(text) else { return }
    let canonical = NamedValue.canonical(expression)
    guard let again = try? FormulaParser.parse(canonical) else {
        fatalError("the canonical text of a formula does not parse: \(canonical)")
    }
    precondition(NamedValue.canonical(again) == canonical, "the canonical text is not stable: \(canonical)")
    _ = expression.evaluate { _ in 1.5 }
}
