import SROICore
import Yams

/// The kinds of value model a file can hold.
public enum ModelKind: String, Sendable, CaseIterable {
    case financialProxies = "financial_proxies"
    case discountSchedules = "discount_schedules"
    case priceIndices = "price_indices"
    case optimismBias = "optimism_bias"
    /// Named values and formulas, such as a reusable calculation a trust fills in with its own rates.
    case values
}

/// Value models loaded from `Models/` files, addressable as `model-id/entry-id`.
public struct ModelLibrary: Sendable {
    public struct Model: Sendable {
        public var id: String
        public var title: String
        public var kind: ModelKind
        public var file: String
        public var citation: Citation?
        public var licence: String?
    }

    public internal(set) var models: [String: Model] = [:]
    public internal(set) var proxies: [String: FinancialProxy] = [:]
    public internal(set) var schedules: [String: DiscountSchedule] = [:]
    public internal(set) var priceIndices: [String: PriceIndex] = [:]
    public internal(set) var optimismTables: [String: OptimismBiasTable] = [:]
    /// Values formulas can use, by `model-id/entry`: the entries of values models, and every
    /// financial proxy as a value in its currency per its unit.
    public internal(set) var values: [String: NamedValue] = [:]
    /// Models the user supplies that were not found, by model id.
    public internal(set) var missing: [String: MissingModel] = [:]
    /// The price series a model of financial proxies says its price years belong to
    /// (`price_index: nhs-cost-inflation/pay-and-prices`), by model id, with where it says so.
    public internal(set) var series: [String: (reference: String, location: SourceLocation?)] = [:]

    public init() {}
}

/// The version of the model file format this engine reads.
public let modelSchema = "sroi-model/1"

/// Reads one model file into a library.
struct ModelFileReader {
    let reader: DocumentReader

    func read(_ root: Node, into library: inout ModelLibrary) {
        guard
            let fields = reader.mapping(
                root, "",
                allowed: [
                    "schema", "id", "title", "kind", "description", "source", "licence", "price_index", "entries",
                ])
        else { return }
        guard let schemaNode = fields.required("schema", allowed: modelSchema),
            let schema = reader.string(schemaNode, "schema")
        else { return }
        guard schema == modelSchema else {
            reader.error(
                code: .unsupportedVersion, reader.location(schemaNode), "schema",
                schemaRefusal(schema, expected: modelSchema), found: schema,
                allowed: modelSchema)
            return
        }
        guard let id = fields.required("id").flatMap({ reader.identifier($0, "id") }),
            let kind = fields.required("kind").flatMap({ reader.choice($0, "kind", ModelKind.self) })
        else { return }
        let title = fields.requiredString("title") ?? id
        let licence = fields.string("licence")
        var citation = fields.optional("source").flatMap { reader.citation($0, "source") }
        if citation?.licence == nil, let licence { citation?.licence = licence }
        if let existing = library.models[id] {
            reader.error(
                fields.keyLocation("id"), "id", "a model with this id is already loaded from \(existing.file)",
                found: id)
            return
        }
        library.models[id] = ModelLibrary.Model(
            id: id, title: title, kind: kind, file: reader.file, citation: citation, licence: licence)
        if let node = fields.optional("price_index"), let reference = reader.string(node, "price_index") {
            if kind == .financialProxies {
                library.series[id] = (reference, reader.location(node))
            } else {
                reader.error(
                    fields.keyLocation("price_index"), "price_index",
                    "only a model of financial proxies names the price series of its entries",
                    allowed: "kind: financial_proxies")
            }
        }
        guard let entriesNode = fields.required("entries"), let entries = reader.dictionary(entriesNode, "entries")
        else { return }
        for entry in entries {
            let path = "entries.\(entry.key)"
            let origin = ModelEntryOrigin(
                model: id, entry: entry.key, location: reader.location(entry.keyNode), citation: citation)
            switch kind {
            case .financialProxies:
                if let proxy = readProxy(entry.value, path, origin: origin, inherited: citation) {
                    library.proxies[origin.reference] = proxy
                    library.values[origin.reference] = NamedValue(
                        name: origin.reference, definition: proxy.amount.definition, unit: proxy.unit,
                        priceYear: proxy.price?.priceYear, rationale: proxy.amount.rationale,
                        source: proxy.amount.source, location: origin.location, model: proxy.price?.model)
                }
            case .values:
                if let value = reader.namedValue(
                    entry.value, name: origin.reference, path: path, model: origin, inherited: citation)
                {
                    var value = value
                    value.model?.citation = value.source
                    if case .mapping(let mapping) = entry.value, mapping["price_index"] != nil {
                        reader.error(
                            reader.location(mapping["price_index"]!), "\(path).price_index",
                            "a value of a model is priced like the entries its formula uses; a scenario names a series for its own values",
                            allowed: "price_index on a scenario's value, or at the top of a model of financial proxies")
                    }
                    if case .formula(let expression, _) = value.definition {
                        let qualified = expression.qualified(by: id)
                        value.definition = .formula(qualified, text: NamedValue.canonical(qualified))
                    }
                    library.values[origin.reference] = value
                }
            case .discountSchedules:
                if let schedule = readSchedule(entry.value, path, origin: origin, inherited: citation) {
                    library.schedules[origin.reference] = schedule
                }
            case .priceIndices:
                if let index = readIndex(entry.value, path, origin: origin, inherited: citation) {
                    library.priceIndices[origin.reference] = index
                }
            case .optimismBias:
                if let table = readOptimism(entry.value, path, origin: origin, inherited: citation) {
                    library.optimismTables[origin.reference] = table
                }
            }
        }
    }

    private func entryCitation(_ fields: Fields, origin: inout ModelEntryOrigin, inherited: Citation?) {
        if let node = fields.optional("source") {
            origin.citation = reader.citation(node, fields.path("source"), inherited: inherited)
        }
        if origin.citation == nil {
            reader.error(
                code: .missing, fields.location, fields.path("source"), "every model figure must cite its source",
                allowed: "a source on the entry or the model")
        }
    }

    private func readProxy(_ node: Node, _ path: String, origin: ModelEntryOrigin, inherited: Citation?)
        -> FinancialProxy?
    {
        guard
            let fields = reader.mapping(
                node, path, allowed: ["label", "value", "currency", "per", "price_year", "source", "note"])
        else { return nil }
        var origin = origin
        entryCitation(fields, origin: &origin, inherited: inherited)
        let value = fields.required("value").flatMap { reader.number($0, fields.path("value")) }
        let currency = fields.required("currency").flatMap { reader.currency($0, fields.path("currency")) }
        let per = fields.required("per", allowed: "the unit valued, e.g. hour or person").flatMap {
            reader.identifier($0, fields.path("per"))
        }
        let priceYear = fields.required("price_year").flatMap { reader.priceYear($0, fields.path("price_year")) }
        guard let value, let currency, let per, let priceYear else { return nil }
        return FinancialProxy(
            value: value, currency: currency, per: per, priceYear: priceYear, citation: origin.citation,
            rationale: fields.string("label"), location: origin.location, model: origin)
    }

    private func readSchedule(_ node: Node, _ path: String, origin: ModelEntryOrigin, inherited: Citation?)
        -> DiscountSchedule?
    {
        guard let fields = reader.mapping(node, path, allowed: ["label", "bands", "source", "note"]) else { return nil }
        var origin = origin
        entryCitation(fields, origin: &origin, inherited: inherited)
        guard let bandsNode = fields.required("bands"), let bands = readBands(bandsNode, fields.path("bands")) else {
            return nil
        }
        return DiscountSchedule(name: origin.reference, bands: bands, location: origin.location, model: origin)
    }

    func readBands(_ node: Node, _ path: String) -> [DiscountSchedule.Band]? {
        guard let items = reader.sequence(node, path) else { return nil }
        let bands = items.enumerated().map { index, item -> DiscountSchedule.Band? in
            let itemPath = "\(path)[\(index)]"
            guard let fields = reader.mapping(item, itemPath, allowed: ["from_year", "rate"]) else { return nil }
            let from = fields.required("from_year").flatMap { reader.integer($0, fields.path("from_year")) }
            let rate = fields.required("rate").flatMap { reader.number($0, fields.path("rate"), allowed: "a rate ≥ 0") }
            guard let from, let rate else { return nil }
            return DiscountSchedule.Band(fromYear: from, rate: rate, location: reader.location(item))
        }
        guard bands.allSatisfy({ $0 != nil }) else { return nil }
        return bands.map { $0! }
    }

    private func readIndex(_ node: Node, _ path: String, origin: ModelEntryOrigin, inherited: Citation?) -> PriceIndex?
    {
        guard let fields = reader.mapping(node, path, allowed: ["label", "base", "values", "source", "note"]) else {
            return nil
        }
        var origin = origin
        entryCitation(fields, origin: &origin, inherited: inherited)
        guard let valuesNode = fields.required("values"),
            let values = readIndexPoints(valuesNode, fields.path("values"))
        else { return nil }
        return PriceIndex(name: origin.reference, points: values, location: origin.location, model: origin)
    }

    func readIndexPoints(_ node: Node, _ path: String) -> [PriceYear: PriceIndex.Point]? {
        guard let entries = reader.dictionary(node, path) else { return nil }
        var points: [PriceYear: PriceIndex.Point] = [:]
        for entry in entries {
            let year = reader.priceYear(entry.keyNode, "\(path).\(entry.key)")
            let value = reader.number(entry.value, "\(path).\(entry.key)", allowed: "an index value > 0")
            if let year, let value {
                points[year] = PriceIndex.Point(value: value, location: reader.location(entry.value))
            }
        }
        return points
    }

    private func readOptimism(_ node: Node, _ path: String, origin: ModelEntryOrigin, inherited: Citation?)
        -> OptimismBiasTable?
    {
        guard let fields = reader.mapping(node, path, allowed: ["label", "grades", "source", "note"]) else {
            return nil
        }
        var origin = origin
        entryCitation(fields, origin: &origin, inherited: inherited)
        guard let gradesNode = fields.required("grades"), let grades = readGrades(gradesNode, fields.path("grades"))
        else { return nil }
        return OptimismBiasTable(name: origin.reference, reductions: grades, location: origin.location, model: origin)
    }

    func readGrades(_ node: Node, _ path: String) -> [String: Assumption<Double>]? {
        guard let entries = reader.dictionary(node, path) else { return nil }
        var grades: [String: Assumption<Double>] = [:]
        for entry in entries {
            let gradePath = "\(path).\(entry.key)"
            if let reduction = reader.assumption(
                entry.value, gradePath, read: { reader.number($0, $1, allowed: "a share from 0 to 1") })
            {
                grades[entry.key] = reduction
            }
        }
        return grades
    }
}

/// The message for a file whose format version this engine does not read.
func schemaRefusal(_ found: String, expected: String) -> String {
    let family = expected.split(separator: "/").first.map(String.init) ?? expected
    if found.hasPrefix("\(family)/"), let version = Int(found.dropFirst(family.count + 1)),
        let supported = Int(expected.dropFirst(family.count + 1)), version > supported
    {
        return
            "this file is written for a newer version of the format (\(found)); this engine reads \(expected): upgrade sroi"
    }
    return "is not a format this engine reads"
}
