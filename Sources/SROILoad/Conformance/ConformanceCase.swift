import Foundation
import SROICore
import Yams

/// One case of the method's conformance suite: a scenario given in the suite's own JSON
/// format, and either the figures it must produce or the refusal it must meet.
public struct ConformanceCase: Sendable {
    public enum Expectation: Sendable {
        /// Figures by result path (`total_present_value`, `outcomes.jobs.values_by_year[2]`);
        /// `nil` means the figure must be undefined.
        case figures([(path: String, value: Double?)], tolerance: Double)
        /// The scenario must be refused with an error whose text contains this word.
        case refusal(mentioning: String)
    }

    public var id: String
    public var file: String
    public var description: String?
    /// The scenario, or the problems that stopped it from being built.
    public var scenario: Result<Scenario, ValidationFailure>
    public var expectation: Expectation
}

/// Reads conformance case files (format: `shared/method/conformance/README.md`).
public struct ConformanceCaseReader: Sendable {
    public init() {}

    static let givenKeys = [
        "discount_rate", "discount_from", "discount_inputs", "price_base_year", "price_index", "optimism_bias",
        "inputs",
        "outcomes",
    ]
    static let outcomeKeys = [
        "id", "stakeholder", "quantity", "proxy", "duration_years", "deadweight", "displacement", "attribution",
        "drop_off", "start_year", "proxy_price_year", "confidence", "value_type",
    ]
    static let expectKeys = [
        "total_present_value", "total_inputs", "net_present_value", "sroi_ratio", "net_sroi_ratio", "payback_months",
        "discounted_payback_years", "by_stakeholder", "by_value_type", "by_year", "outcomes",
    ]
    /// The currency code for "no currency": the cases carry none.
    static let noCurrency = Currency(code: "XXX")!

    /// Reads one case file. A file whose case part cannot be read at all throws.
    public func read(path: String) throws(ValidationFailure) -> ConformanceCase {
        let data: String
        do {
            data = try InputFiles.text(InputFiles.read(path), path: path)
        } catch {
            throw ValidationFailure([
                Diagnostic(
                    code: .file, at: SourceLocation(file: path, line: 1, column: 1), field: "(file)",
                    message: error.reason)
            ])
        }
        let reader = DocumentReader(file: path)
        guard let root = reader.parse(data),
            let top = reader.dictionary(root, "")
        else { throw ValidationFailure(reader.diagnostics) }
        let entries = Dictionary(top.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        let id = entries["id"].flatMap { reader.string($0, "id") } ?? (path as NSString).lastPathComponent
        let description = entries["description"].flatMap { reader.string($0, "description") }

        let expectation: ConformanceCase.Expectation
        if let word = entries["expect_error_mentioning"] {
            guard let text = reader.string(word, "expect_error_mentioning") else {
                throw ValidationFailure(reader.diagnostics)
            }
            expectation = .refusal(mentioning: text)
        } else if let expect = entries["expect"] {
            let tolerance = entries["relative_tolerance"].flatMap { reader.number($0, "relative_tolerance") } ?? 1e-9
            expectation = .figures(readExpectations(expect, reader: reader), tolerance: tolerance)
        } else {
            reader.error(
                code: .missing, reader.location(root), "expect", "a case needs expect or expect_error_mentioning")
            throw ValidationFailure(reader.diagnostics)
        }
        if reader.hasErrors { throw ValidationFailure(reader.diagnostics) }

        // Problems in `given` are the scenario's own: a refusal case expects them.
        let scenarioReader = DocumentReader(file: path)
        let scenario: Result<Scenario, ValidationFailure>
        if let given = entries["given"], let built = buildScenario(given, id: id, reader: scenarioReader),
            !scenarioReader.hasErrors
        {
            let diagnostics = ScenarioValidator().diagnose(built)
            scenario = diagnostics.containsErrors ? .failure(ValidationFailure(diagnostics)) : .success(built)
        } else {
            if entries["given"] == nil {
                scenarioReader.error(reader.location(root), "given", "is required but missing")
            }
            scenario = .failure(ValidationFailure(scenarioReader.diagnostics))
        }
        return ConformanceCase(
            id: id, file: path, description: description, scenario: scenario, expectation: expectation)
    }

    private func readExpectations(_ node: Node, reader: DocumentReader) -> [(path: String, value: Double?)] {
        guard let fields = reader.mapping(node, "expect", allowed: Self.expectKeys) else { return [] }
        var expected: [(path: String, value: Double?)] = []
        func figure(_ node: Node, _ path: String) {
            if case .scalar(let scalar) = node, scalar.style == .plain, scalar.string == "null" {
                expected.append((path, nil))
            } else if let value = reader.number(node, path) {
                expected.append((path, value))
            }
        }
        for key in fields.order {
            let node = fields.entries[key]!.value
            switch key {
            case "by_stakeholder", "by_value_type", "by_year":
                for entry in reader.dictionary(node, key) ?? [] { figure(entry.value, "\(key).\(entry.key)") }
            case "outcomes":
                for entry in reader.dictionary(node, key) ?? [] {
                    let path = "outcomes.\(entry.key)"
                    guard
                        let outcome = reader.mapping(
                            entry.value, path, allowed: ["impact_year1", "values_by_year", "present_value"])
                    else { continue }
                    for field in outcome.order {
                        let value = outcome.entries[field]!.value
                        if field == "values_by_year" {
                            for (index, item) in (reader.sequence(value, "\(path).\(field)") ?? []).enumerated() {
                                figure(item, "\(path).values_by_year[\(index)]")
                            }
                            expected.append(
                                (
                                    "\(path).values_by_year.count",
                                    Double(reader.sequence(value, "\(path).\(field)")?.count ?? 0)
                                ))
                        } else {
                            figure(value, "\(path).\(field)")
                        }
                    }
                }
            default:
                figure(node, key)
            }
        }
        return expected
    }

    private func buildScenario(_ node: Node, id: String, reader: DocumentReader) -> Scenario? {
        guard let given = reader.mapping(node, "given", allowed: Self.givenKeys) else { return nil }
        let location = given.location
        var schedule: DiscountSchedule?
        if let rate = given.required("discount_rate") {
            if case .sequence = rate {
                schedule = ModelFileReader(reader: reader).readBands(rate, "given.discount_rate").map {
                    DiscountSchedule(bands: $0, location: reader.location(rate))
                }
            } else {
                schedule = reader.number(rate, "given.discount_rate").map {
                    DiscountSchedule.constant($0, at: reader.location(rate))
                }
            }
        }
        let from =
            given.optional("discount_from").flatMap { node in
                reader.choice(node, "given.discount_from", DiscountFrom.self).map {
                    Located($0, at: reader.location(node))
                }
            } ?? Located(DiscountFrom.year1)
        let discountInputs =
            given.optional("discount_inputs").flatMap { node in
                reader.bool(node, "given.discount_inputs").map { Located($0, at: reader.location(node)) }
            } ?? Located(false)
        let baseYear = given.optional("price_base_year").flatMap { node in
            reader.priceYear(node, "given.price_base_year").map { Located($0, at: reader.location(node)) }
        }
        let index = given.optional("price_index").flatMap { node in
            ModelFileReader(reader: reader).readIndexPoints(node, "given.price_index").map {
                PriceIndex(name: "price_index", points: $0, location: reader.location(node))
            }
        }
        let optimism = given.optional("optimism_bias").flatMap { node in
            ModelFileReader(reader: reader).readGrades(node, "given.optimism_bias").map {
                OptimismBiasTable(name: "optimism_bias", reductions: $0, location: reader.location(node))
            }
        }
        let inputs = (given.required("inputs").flatMap { reader.sequence($0, "given.inputs") } ?? []).enumerated()
            .compactMap {
                index, node -> Input? in
                guard let fields = reader.mapping(node, "given.inputs[\(index)]", allowed: ["id", "amount", "year"]),
                    let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) }),
                    let amountNode = fields.required("amount"),
                    let amount = reader.number(amountNode, fields.path("amount"))
                else { return nil }
                let year =
                    fields.optional("year").flatMap { node in
                        reader.integer(node, fields.path("year")).map { Located($0, at: reader.location(node)) }
                    } ?? Located(1)
                return Input(
                    id: id, valuation: .money(StatedValue(.given(amount), at: reader.location(amountNode))),
                    currency: Located(Self.noCurrency),
                    year: year, location: reader.location(node))
            }
        let outcomes = (given.required("outcomes").flatMap { reader.sequence($0, "given.outcomes") } ?? []).enumerated()
            .compactMap {
                index, node in readOutcome(node, "given.outcomes[\(index)]", reader: reader)
            }
        var stakeholders: [Stakeholder] = []
        for outcome in outcomes where !stakeholders.contains(where: { $0.id == outcome.stakeholder.value }) {
            stakeholders.append(Stakeholder(id: outcome.stakeholder.value, location: outcome.stakeholder.location))
        }
        let years = outcomes.map { min($0.startYear.value, 10_000) + min($0.duration.value, 10_000) - 1 }.max() ?? 1
        guard let schedule else { return nil }
        return Scenario(
            title: id, analysisYears: Located(max(years, 1), at: location), reportCurrency: Located(Self.noCurrency),
            priceBaseYear: baseYear,
            conventions: Conventions(discountFrom: from, discounting: schedule, discountInputs: discountInputs),
            priceIndex: index, optimismBias: optimism, stakeholders: stakeholders, inputs: inputs, outcomes: outcomes)
    }

    private func readOutcome(_ node: Node, _ path: String, reader: DocumentReader) -> Outcome? {
        guard let fields = reader.mapping(node, path, allowed: Self.outcomeKeys),
            let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) })
        else { return nil }
        let path = "outcomes[\(id)]"
        func located<T>(_ key: String, _ read: (Node, String) -> T?) -> Located<T>? {
            guard let node = fields.optional(key), let value = read(node, "\(path).\(key)") else { return nil }
            return Located(value, at: reader.location(node))
        }
        func share(_ key: String) -> Assumption<Double>? {
            located(key) { reader.number($0, $1) }.map { Assumption($0.value, at: $0.location) }
        }
        func deduction(_ key: String) -> Assumption<YearlyShares>? {
            located(key, reader.yearlyShares).map { Assumption($0.value, at: $0.location) }
        }
        let stakeholder = fields.required("stakeholder").flatMap { node in
            reader.identifier(node, "\(path).stakeholder").map { Located($0, at: reader.location(node)) }
        }
        let quantity = share("quantity").map(StatedValue.init)
        let proxyNode = fields.required("proxy")
        let proxyValue = proxyNode.flatMap { reader.number($0, "\(path).proxy") }
        let priceYear = located("proxy_price_year") { reader.priceYear($0, $1) }
        let duration = fields.required("duration_years").flatMap { node in
            reader.integer(node, "\(path).duration_years").map { Located($0, at: reader.location(node)) }
        }
        let start = located("start_year") { reader.integer($0, $1) } ?? Located(1)
        let confidence = located("confidence") { node, _ -> String? in
            if case .scalar(let scalar) = node { return scalar.string }
            return nil
        }
        let valueType = located("value_type") { reader.choice($0, $1, ValueType.self) } ?? Located(.social)
        _ = fields.required("quantity")
        guard let stakeholder, let quantity, let proxyValue, let duration else { return nil }
        let proxy = FinancialProxy(
            value: proxyValue, currency: Self.noCurrency, priceYear: priceYear?.value,
            location: priceYear?.location ?? proxyNode.map { reader.location($0) })
        return Outcome(
            id: id, stakeholder: stakeholder, quantity: quantity, proxy: proxy, deadweight: deduction("deadweight"),
            displacement: deduction("displacement"), attribution: deduction("attribution"),
            dropOff: deduction("drop_off"),
            duration: duration, startYear: start, valueType: valueType, confidence: confidence,
            location: reader.location(node))
    }
}
