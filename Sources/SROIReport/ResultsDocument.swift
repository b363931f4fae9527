import SROICore

/// Where the figures came from: each file read, with its SHA-256.
public struct Provenance: Sendable {
    public struct File: Sendable {
        public var path: String
        public var role: String
        public var sha256: String

        public init(path: String, role: String, sha256: String) {
            self.path = path
            self.role = role
            self.sha256 = sha256
        }
    }

    public var files: [File]

    public init(files: [File]) {
        self.files = files
    }

    var json: JSON {
        .array(
            files.map {
                .object([("path", .string($0.path)), ("role", .string($0.role)), ("sha256", .string($0.sha256))])
            })
    }
}

/// `results.json` and `trace.json`: the machine-readable output of an evaluation.
public enum ResultsDocument {
    public static let resultsFormat = "sroi-results/1"
    public static let traceFormat = "sroi-trace/1"

    static var engine: JSON { .object([("name", .string(Engine.name)), ("version", .string(Engine.version))]) }

    public static func results(_ evaluation: Evaluation, scenario: Scenario, provenance: Provenance) -> JSON {
        let results = evaluation.results
        return .members([
            ("format", .string(resultsFormat)),
            ("engine", engine),
            ("files", provenance.json),
            ("scenario", scenarioSummary(scenario)),
            ("conventions", conventions(scenario)),
            ("currency", .string(results.currency.code)),
            (
                "figures",
                .object([
                    (FigureID.totalPresentValue, figure(results.totalPresentValue)),
                    (FigureID.totalInputs, figure(results.totalInputs)),
                    (FigureID.netPresentValue, figure(results.netPresentValue)),
                    (FigureID.sroiRatio, figure(results.sroiRatio)),
                    (FigureID.netSROIRatio, figure(results.netSROIRatio)),
                    (FigureID.paybackMonths, figure(results.paybackMonths)),
                    (FigureID.discountedPaybackYears, figure(results.discountedPaybackYears)),
                ])
            ),
            ("by_stakeholder", .object(results.byStakeholder.map { ($0.stakeholder, figure($0.figure)) })),
            ("by_value_type", .object(results.byValueType.map { ($0.valueType.rawValue, figure($0.figure)) })),
            ("by_year", .object(results.byYear.map { (String($0.year), figure($0.figure)) })),
            (
                "outcomes",
                .object(
                    results.outcomes.map { outcome in
                        (
                            outcome.id,
                            .object([
                                ("stakeholder", .string(outcome.stakeholder)),
                                ("value_type", .string(outcome.valueType.rawValue)),
                                ("start_year", .number(Double(outcome.startYear))),
                                ("impact_year1", figure(outcome.impactYear1)),
                                ("values_by_year", .array(outcome.valuesByYear.map(figure))),
                                ("present_value", figure(outcome.presentValue)),
                            ])
                        )
                    })
            ),
            (
                "inputs",
                .object(
                    results.inputs.map { input in
                        (
                            input.id,
                            .object([
                                ("year", .number(Double(input.year))), ("amount", figure(input.amount)),
                                ("counted", figure(input.counted)),
                            ])
                        )
                    })
            ),
            ("business_case", results.businessCase.map { businessCase($0, scenario: scenario) }),
            (
                "data",
                scenario.recordSource.map {
                    .object([("database", .string($0.database)), ("fingerprint", .string($0.fingerprint))])
                }
            ),
            (
                "integrity",
                scenario.integrityRules.isEmpty
                    ? nil
                    : scenario.recordSource?.minimised.isEmpty == false
                        // A minimised copy's findings are counted: a bundle names no record.
                        ? .array(
                            IntegrityFinding.counted(scenario.integrityFindings).map { group in
                                .members(
                                    [
                                        ("rule", .string(group.finding.rule)),
                                        ("severity", .string(group.finding.severity.rawValue)),
                                        ("dataset", .string(group.finding.dataset)),
                                        ("summary", .string(group.finding.summary)),
                                        ("records", .number(Double(group.records))),
                                    ] + location(group.finding.location))
                            })
                        : .array(
                            scenario.integrityFindings.map { finding in
                                .members(
                                    [
                                        ("rule", .string(finding.rule)),
                                        ("severity", .string(finding.severity.rawValue)),
                                        ("dataset", .string(finding.dataset)), ("key", .string(finding.key)),
                                        ("detail", .string(finding.detail)), ("summary", .string(finding.summary)),
                                    ] + location(finding.location))
                            })
            ),
            ("warnings", .array(evaluation.warnings.map { .string($0.description) })),
        ])
    }

    public static func trace(_ evaluation: Evaluation, provenance: Provenance) -> JSON {
        let trace = evaluation.trace
        return .object([
            ("format", .string(traceFormat)),
            ("engine", engine),
            ("files", provenance.json),
            (
                "arithmetic",
                .string(
                    "Each computed node applies its 'arithmetic' to the values of its 'inputs', in order (a, b, c, ...), in IEEE-754 binary64, left to right."
                )
            ),
            (
                "nodes",
                .generatedObject(count: trace.nodes.count) { index in
                    let node = trace.nodes[index]
                    return (
                        node.id,
                        .members([
                            ("label", .string(node.label)),
                            ("step", .string(node.step.rawValue)),
                            ("symbol", .string(node.symbol)),
                            ("value", value(node.value)),
                            ("undefined", undefinedReason(node.value)),
                            ("unit", .string(node.unit)),
                            ("formula", .string(trace.symbolicFormula(of: node))),
                            (
                                "substituted",
                                node.arithmetic == .given ? nil : .string(trace.substitutedFormula(of: node))
                            ),
                            ("arithmetic", .string(node.arithmetic.code)),
                            ("inputs", node.inputs.isEmpty ? nil : .array(node.inputs.map(JSON.string))),
                            ("convention", .text(node.convention)),
                            ("origin", node.origin.map(origin)),
                            ("rationale", .text(node.rationale)),
                            ("source", node.source.map(citation)),
                        ])
                    )
                }
            ),
        ])
    }

    static func figure(_ figure: Figure) -> JSON {
        .members([
            ("value", value(figure.value)), ("undefined", undefinedReason(figure.value)),
            ("unit", .string(figure.unit)),
            ("node", .string(figure.node)),
        ])
    }

    /// The option as a business case: whole cost, net present value and cash by year.
    static func businessCase(_ result: BusinessCaseResult, scenario: Scenario? = nil) -> JSON {
        .members([
            ("cash_view", .string(result.convention)),
            ("nominal_view", .text(result.inflation)),
            ("costs", .object(result.costs.map { ($0.id, figure($0.amount)) })),
            ("costs_present_value", figure(result.costsPresentValue)),
            ("whole_cost", figure(result.wholeCost)),
            ("net_present_value", figure(result.netPresentValue)),
            ("cash_releasing_present_value", figure(result.cashReleasingPresentValue)),
            (
                "by_year",
                .array(
                    result.years.map { year in
                        .members([
                            ("year", .number(Double(year.year))),
                            ("label", scenario.map { .string($0.yearLabel(year.year)) }),
                            ("spending", figure(year.spending)), ("cash_releasing", figure(year.cashReleasing)),
                            ("non_cash_releasing", figure(year.nonCashReleasing)), ("net_cash", figure(year.netCash)),
                            (
                                "nominal",
                                year.nominal.map { nominal in
                                    .members([
                                        ("price_level", figure(nominal.priceLevel)),
                                        ("spending", figure(nominal.spending)),
                                        ("cash_releasing", figure(nominal.cashReleasing)),
                                        ("non_cash_releasing", figure(nominal.nonCashReleasing)),
                                        ("net_cash", figure(nominal.netCash)),
                                    ])
                                }
                            ),
                        ])
                    })
            ),
        ])
    }

    static func value(_ value: FigureValue) -> JSON {
        if case .number(let number) = value { return .number(number) }
        return .null
    }

    static func undefinedReason(_ value: FigureValue) -> JSON? {
        if case .undefined(let reason) = value { return .string(reason) }
        return nil
    }

    static func location(_ location: SourceLocation?) -> [(String, JSON?)] {
        guard let location else { return [] }
        return [
            ("file", .string(location.file)), ("line", .number(Double(location.line))),
            ("column", .number(Double(location.column))),
        ]
    }

    static func origin(_ origin: Origin) -> JSON {
        switch origin {
        case .written(let place):
            return .members([("kind", .string("written"))] + location(place))
        case .model(let entry):
            return .members(
                [("kind", .string("model")), ("model", .string(entry.model)), ("entry", .string(entry.entry))]
                    + location(entry.location) + [("citation", entry.citation.map(citation))])
        case .methodDefault(let note):
            return .object([("kind", .string("method_default")), ("note", .string(note))])
        case .commandLine(let setting):
            return .object([("kind", .string("command_line")), ("setting", .string(setting))])
        case .records(let records):
            return .members(
                [
                    ("kind", .string("records")), ("declaration", .string(records.declaration)),
                    ("dataset", .string(records.dataset)), ("sql", .string(records.sql)),
                    ("parameters", .array(records.parameters.map(JSON.string))),
                    ("rows_matched", .number(Double(records.rowsMatched))),
                    ("fingerprint", .string(records.fingerprint)),
                ] + location(records.location))
        }
    }

    static func citation(_ citation: Citation) -> JSON {
        .members([
            ("publication", .string(citation.publication)), ("locator", .text(citation.locator)),
            ("publisher", .text(citation.publisher)), ("url", .text(citation.url)),
            ("licence", .text(citation.licence)),
        ])
    }

    static func scenarioSummary(_ scenario: Scenario) -> JSON {
        .members([
            ("title", .string(scenario.title)), ("organisation", .text(scenario.organisation)),
            ("illustrative", .text(scenario.illustrativeNote)),
            ("analysis_years", .number(Double(scenario.analysisYears.value))),
            ("first_year", scenario.firstCalendarYear.map { .number(Double($0)) }),
            (
                "set_on_command_line",
                scenario.commandLineSettings.isEmpty
                    ? nil : .array(scenario.commandLineSettings.map { .string($0.text) })
            ),
        ])
    }

    static func conventions(_ scenario: Scenario) -> JSON {
        let conventions = scenario.conventions
        let schedule = conventions.discounting
        return .members([
            ("discount_from", .string(conventions.discountFrom.value.rawValue)),
            ("discount_schedule", .text(schedule.name)),
            (
                "discount_rate",
                .array(
                    schedule.bands.map {
                        .object([("from_year", .number(Double($0.fromYear))), ("rate", .number($0.rate))])
                    })
            ),
            ("discount_inputs", .bool(conventions.discountInputs.value)),
            ("price_base_year", .text(scenario.priceBaseYear?.value.label)),
            ("price_index", .text(scenario.priceIndex?.name)),
            ("optimism_bias", .text(scenario.optimismBias?.name)),
        ])
    }
}
