import SROICore
import Yams

/// Reading named values, formulas and exchange rates from scenario and model files.
extension DocumentReader {
    /// Where a scalar's text starts: after the opening quote of a quoted scalar.
    func textLocation(_ node: Node) -> SourceLocation {
        var location = self.location(node)
        if case .scalar(let scalar) = node, scalar.style == .doubleQuoted || scalar.style == .singleQuoted {
            location.column += 1
        }
        return location
    }

    /// A formula, parsed; a syntax error is reported at its column within the formula.
    func formula(_ node: Node, _ path: String) -> (expression: Expression, location: SourceLocation)? {
        guard let text = string(node, path) else { return nil }
        let start = textLocation(node)
        guard text.count <= FormulaParser.maximumLength else {
            self.error(
                code: .formulaLimit, start, path,
                "the formula is longer than \(FormulaParser.maximumLength) characters",
                found: "\(text.count) characters",
                allowed: "at most \(FormulaParser.maximumLength); split it into named values")
            return nil
        }
        do {
            return (try FormulaParser.parse(text), start)
        } catch {
            self.error(
                code: .syntax, SourceLocation(file: start.file, line: start.line, column: start.column + error.offset),
                path,
                "the formula cannot be read: \(error.message)", found: text)
            return nil
        }
    }

    func unit(_ node: Node, _ path: String) -> Unit? {
        guard let text = string(node, path) else { return nil }
        guard let unit = Unit(parsing: text) else {
            error(
                code: .wrongType, location(node), path, "is not a unit", found: "'\(text)'",
                allowed:
                    "units joined by * and /, with powers up to ^12, e.g. GBP/hour, hour, person, GBP/(person*year), 1")
            return nil
        }
        return unit
    }

    static let valueKeys =
        [
            "value", "formula", "records", "unit", "price_year", "price_index", "rationale", "source", "label",
            "note",
        ] + uncertaintyKeys

    /// One named value: `{value, unit}`, `{formula}` or `{records, unit}`, with its reasons.
    /// `readRecords` reads a records declaration (scenario values only).
    func namedValue(
        _ node: Node, name: String, path: String, model: ModelEntryOrigin? = nil, inherited: Citation? = nil,
        readRecords: ((Node, String) -> RecordedQuantity?)? = nil
    ) -> NamedValue? {
        guard let fields = mapping(node, path, allowed: Self.valueKeys) else { return nil }
        let unit = fields.optional("unit").flatMap { self.unit($0, fields.path("unit")) }
        let year = fields.optional("price_year").flatMap { self.priceYear($0, fields.path("price_year")) }
        var source = fields.optional("source").flatMap { citation($0, fields.path("source"), inherited: inherited) }
        if source == nil, model != nil { source = inherited }
        let rationale = fields.string("rationale") ?? fields.string("label")
        let given = ["value", "formula", "records"].filter(fields.has)
        guard given.count == 1 else {
            error(
                code: .missing, fields.location, path,
                given.isEmpty ? "needs a value, a formula or records" : "give one of value, formula and records",
                found: given.joined(separator: ", "), allowed: "value, formula or records")
            return nil
        }
        var definition: NamedValue.Definition?
        var formulaLocation: SourceLocation?
        switch given[0] {
        case "value":
            definition = fields.optional("value").flatMap { number($0, fields.path("value")) }.map {
                NamedValue.Definition.given($0)
            }
            if unit == nil {
                error(
                    code: .missing, fields.location, fields.path("unit"), "a value needs its unit",
                    allowed: "e.g. GBP/hour, hour, person, 1")
            }
        case "formula":
            if let parsed = fields.optional("formula").flatMap({ formula($0, fields.path("formula")) }) {
                definition = .formula(parsed.expression, text: NamedValue.canonical(parsed.expression))
                formulaLocation = parsed.location
            }
        default:
            if let readRecords {
                definition = fields.optional("records").flatMap { readRecords($0, fields.path("records")) }.map {
                    NamedValue.Definition.records($0, reading: nil)
                }
            } else {
                error(
                    fields.keyLocation("records"), fields.path("records"),
                    "a model cannot read recorded data; declare it in the scenario")
            }
            if unit == nil {
                error(
                    code: .missing, fields.location, fields.path("unit"), "a value from records needs its unit",
                    allowed: "e.g. hour, person")
            }
        }
        guard let definition else { return nil }
        let uncertainty = uncertainty(fields)
        if let uncertainty, given[0] != "value" {
            error(
                uncertainty.location, fields.path("range"),
                "a range applies to a value given as a number, not to a \(given[0] == "formula" ? "formula" : "value read from records")",
                allowed: "value: with range: {low, high}")
        }
        if model != nil, source == nil {
            error(
                code: .missing, fields.location, fields.path("source"), "every model figure must cite its source",
                allowed: "a source on the entry or the model")
        }
        var value = NamedValue(
            name: name, definition: definition, unit: unit, priceYear: year, rationale: rationale, source: source,
            location: location(node), formulaLocation: formulaLocation, model: model)
        value.uncertainty = given[0] == "value" ? uncertainty : nil
        value.label = fields.string("label")
        return value
    }

    /// `{from, to, rate, date, source}`: one exchange rate.
    func conversion(_ node: Node, _ path: String) -> CurrencyConversion? {
        guard let fields = mapping(node, path, allowed: ["from", "to", "rate", "date", "source"]) else { return nil }
        let from = fields.required("from").flatMap { currency($0, fields.path("from")) }
        let to = fields.required("to").flatMap { currency($0, fields.path("to")) }
        let rate = fields.required("rate").flatMap { number($0, fields.path("rate"), allowed: "a rate > 0") }
        let date = fields.required("date", allowed: "the date of the rate, YYYY-MM-DD").flatMap {
            string($0, fields.path("date"))
        }
        let source = fields.required("source", allowed: "where the rate is published").flatMap {
            citation($0, fields.path("source"))
        }
        if let rate, !(rate > 0) {
            error(
                code: .outOfRange, fields.location, fields.path("rate"), "an exchange rate is above 0",
                found: NumberFormat.shortest(rate))
        }
        guard let from, let to, let rate, let date, rate > 0 else { return nil }
        return CurrencyConversion(from: from, to: to, rate: rate, date: date, source: source, location: location(node))
    }
}

extension Expression {
    /// Within a model, a bare name refers to another entry of the same model.
    func qualified(by model: String) -> Expression {
        switch self {
        case .value(let name, let at): return .model("\(model)/\(name)", at: at)
        case .number, .model, .rate: return self
        case .negate(let inner, let at): return .negate(inner.qualified(by: model), at: at)
        case .binary(let op, let a, let b, let at):
            return .binary(op, a.qualified(by: model), b.qualified(by: model), at: at)
        case .minimum(let items, let at): return .minimum(items.map { $0.qualified(by: model) }, at: at)
        case .maximum(let items, let at): return .maximum(items.map { $0.qualified(by: model) }, at: at)
        case .round(let inner, let digits, let at): return .round(inner.qualified(by: model), digits: digits, at: at)
        case .choose(let comparison, let a, let b, let then, let otherwise, let at):
            return .choose(
                comparison, a.qualified(by: model), b.qualified(by: model), then: then.qualified(by: model),
                otherwise: otherwise.qualified(by: model), at: at)
        }
    }
}
