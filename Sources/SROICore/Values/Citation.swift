/// A published source for a figure: what to read, where in it, and on what terms.
public struct Citation: Hashable, Sendable {
    /// The publication, e.g. "PSSRU Unit Costs of Health and Social Care 2024".
    public var publication: String
    /// Where in the publication: a table, page or section.
    public var locator: String?
    /// Who published it.
    public var publisher: String?
    /// Where it can be read.
    public var url: String?
    /// The terms under which the figure may be reused.
    public var licence: String?

    public init(
        publication: String, locator: String? = nil, publisher: String? = nil, url: String? = nil,
        licence: String? = nil
    ) {
        self.publication = publication
        self.locator = locator
        self.publisher = publisher
        self.url = url
        self.licence = licence
    }

    /// Text left from the starter project ("Replace with the study your value comes from"):
    /// it cites nothing, so it never counts as a source.
    public var isPlaceholder: Bool {
        publication.trimmingPrefix(while: \.isWhitespace).lowercased().hasPrefix("replace with")
    }

    /// One line for people: "Publication, locator (publisher) <url>".
    public var summary: String {
        var text = publication
        if let locator { text += ", \(locator)" }
        if let publisher { text += " (\(publisher))" }
        if let url { text += " <\(url)>" }
        return text
    }
}

/// A judgement or figure typed by the analyst, with the reasoning and evidence behind it.
///
/// Deadweight, attribution and the like are judgements; the SROI Guide asks that each be
/// explained. The rationale and source travel with the value into the trace and the report.
public struct Assumption<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation?
    /// Why this value was chosen.
    public var rationale: String?
    /// Evidence for it.
    public var source: Citation?
    /// The range and distribution it may take, for sensitivity analysis and simulation.
    public var uncertainty: Uncertainty?

    public init(
        _ value: Value, at location: SourceLocation? = nil, rationale: String? = nil, source: Citation? = nil
    ) {
        self.value = value
        self.location = location
        self.rationale = rationale
        self.source = source
    }
}

extension Assumption: Equatable where Value: Equatable {}
