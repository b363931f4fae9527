import SROICore
import Yams

/// Readers for the shapes that scenario and model files share: citations and assumptions.
extension DocumentReader {
    static let citationKeys = ["publication", "locator", "publisher", "url", "licence"]

    /// A citation: a mapping of ``citationKeys``, or plain text naming the publication.
    /// `inherited` fills in what the entry leaves out (a model's own citation).
    func citation(_ node: Node, _ path: String, inherited: Citation? = nil) -> Citation? {
        if case .scalar = node {
            return string(node, path).flatMap { citedPublication($0, at: location(node), path) }.map {
                Citation(publication: $0)
            }
        }
        guard let fields = mapping(node, path, allowed: Self.citationKeys) else { return nil }
        let publication = fields.string("publication") ?? inherited?.publication
        guard let publication else {
            error(
                code: .missing, fields.location, fields.path("publication"), "is required but missing",
                allowed: "the title of the publication cited")
            return nil
        }
        guard let publication = citedPublication(publication, at: fields.location, fields.path("publication"))
        else { return nil }
        return Citation(
            publication: publication, locator: fields.string("locator") ?? inherited?.locator,
            publisher: fields.string("publisher") ?? inherited?.publisher, url: fields.string("url") ?? inherited?.url,
            licence: fields.string("licence") ?? inherited?.licence)
    }

    /// A publication's title: blank text cites nothing and is refused; text left from the
    /// starter project is flagged, and never counts as a citation (`Citation.isPlaceholder`).
    func citedPublication(_ text: String, at place: SourceLocation, _ path: String) -> String? {
        guard !text.allSatisfy({ $0.isWhitespace }) else {
            error(
                code: .missing, place, path, "a source must name the publication it cites; blank text cites nothing",
                found: "\"\(text)\"", allowed: "the title of the publication cited")
            return nil
        }
        if Citation(publication: text).isPlaceholder {
            warning(
                place, path,
                "still holds the starter's placeholder; name the study the figure comes from (it does not count as a citation until then)"
            )
        }
        return text
    }

    static let uncertaintyKeys = ["range", "distribution", "sd"]

    /// A judgement: a bare value, or `{value, rationale, source}`; with `uncertain`, also
    /// `range`, `distribution` and `sd`.
    func assumption<T>(
        _ node: Node, _ path: String, extraKeys: [String] = [], uncertain: Bool = false, read: (Node, String) -> T?,
        extra: ((Fields) -> Void)? = nil
    ) -> Assumption<T>? {
        guard case .mapping = node else {
            return read(node, path).map { Assumption($0, at: location(node)) }
        }
        let allowed = ["value", "rationale", "source"] + extraKeys + (uncertain ? Self.uncertaintyKeys : [])
        guard let fields = mapping(node, path, allowed: allowed) else { return nil }
        extra?(fields)
        guard let valueNode = fields.required("value") else { return nil }
        let value = read(valueNode, fields.path("value"))
        let rationale = fields.string("rationale")
        let source = fields.optional("source").flatMap { citation($0, fields.path("source")) }
        var assumption = value.map { Assumption($0, at: location(valueNode), rationale: rationale, source: source) }
        if uncertain { assumption?.uncertainty = uncertainty(fields) }
        return assumption
    }

    /// `range: {low, high}`, `distribution: uniform|triangular|pert|normal` and `sd`, when any is
    /// given among the fields.
    func uncertainty(_ fields: Fields) -> Uncertainty? {
        guard Self.uncertaintyKeys.contains(where: fields.has) else { return nil }
        var uncertainty = Uncertainty(
            location: fields.keyLocation("range") ?? fields.keyLocation("distribution") ?? fields.location)
        if let rangeNode = fields.optional("range"),
            let range = mapping(rangeNode, fields.path("range"), allowed: ["low", "high"])
        {
            uncertainty.low = range.required("low").flatMap { number($0, range.path("low")) }
            uncertainty.high = range.required("high").flatMap { number($0, range.path("high")) }
        }
        let deviation = fields.optional("sd").flatMap {
            number($0, fields.path("sd"), allowed: "a standard deviation > 0")
        }
        if let node = fields.optional("distribution"), let name = string(node, fields.path("distribution")) {
            switch name {
            case "uniform": uncertainty.distribution = .uniform
            case "triangular": uncertainty.distribution = .triangular
            case "pert": uncertainty.distribution = .pert
            case "normal":
                if let deviation {
                    uncertainty.distribution = .normal(standardDeviation: deviation)
                } else {
                    error(
                        code: .missing, location(node), fields.path("sd"), "a normal distribution needs sd",
                        allowed: "a standard deviation > 0")
                }
            default:
                error(
                    code: .wrongType, location(node), fields.path("distribution"), "is not a distribution",
                    found: "'\(name)'",
                    allowed: "uniform, triangular, pert, normal")
            }
        }
        if deviation != nil, uncertainty.distribution?.name != "normal" {
            error(
                fields.keyLocation("sd"), fields.path("sd"), "sd belongs to a normal distribution",
                allowed: "distribution: normal")
        }
        return uncertainty
    }

    /// A deduction share: one number, or a list of one share per year of the outcome.
    /// A share, or a list of shares by year.
    func yearlyShares(_ node: Node, _ path: String) -> YearlyShares? {
        if case .sequence(let items) = node {
            let shares = items.enumerated().map { index, item in
                number(item, "\(path)[\(index)]", allowed: "a share from 0 to 1")
            }
            guard shares.allSatisfy({ $0 != nil }) else { return nil }
            return .byYear(shares.map { $0! })
        }
        return number(node, path, allowed: "a share from 0 to 1, or a list of shares").map(YearlyShares.constant)
    }
}
