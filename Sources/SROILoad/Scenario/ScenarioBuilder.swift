import SROICore
import Yams

/// Builds a ``Scenario`` from the nodes of a scenario file, reporting every problem through
/// its ``DocumentReader``.
struct ScenarioBuilder {
    let reader: DocumentReader
    /// Reads a chapter file the scenario names, relative to it.
    var chapterFile: (String) -> Result<String, InputFiles.ReadError> = { name in
        .failure(InputFiles.ReadError(path: name, reason: "files are not read here"))
    }

    static let topKeys = [
        "schema", "title", "organisation", "description", "illustrative", "analysis_period", "report_currency",
        "price_base_year", "conventions", "uses", "stakeholders", "inputs", "outcomes", "integrity", "sensitivity",
        "values", "conversions", "report", "business_case",
    ]

    /// A model file the scenario uses; one the user supplies names its model id and where to get it.
    struct ModelUse {
        var path: Located<String>
        var suppliedModel: String?
        var note: String?
    }

    struct Header {
        var fields: Fields
        var uses: [ModelUse]
    }

    /// The schema check and the model files used; `nil` when the file cannot be read further.
    func readHeader(_ root: Node) -> Header? {
        guard let fields = reader.mapping(root, "", allowed: Self.topKeys) else { return nil }
        guard let schemaNode = fields.required("schema", allowed: scenarioSchema),
            let schema = reader.string(schemaNode, "schema")
        else { return nil }
        guard schema == scenarioSchema else {
            reader.error(
                code: .unsupportedVersion, reader.location(schemaNode), "schema",
                schemaRefusal(schema, expected: scenarioSchema), found: schema,
                allowed: scenarioSchema)
            return nil
        }
        var uses: [ModelUse] = []
        if let node = fields.optional("uses"), let items = reader.sequence(node, "uses") {
            for (index, item) in items.enumerated() {
                let path = "uses[\(index)]"
                if case .mapping = item {
                    guard let use = reader.mapping(item, path, allowed: ["path", "model", "supplied_by_user"]),
                        let file = use.required("path").flatMap({ reader.string($0, use.path("path")) }),
                        let model = use.required("model").flatMap({ reader.identifier($0, use.path("model")) }),
                        let note = use.required(
                            "supplied_by_user", allowed: "where to obtain the model and on what terms"
                        )
                        .flatMap({ reader.string($0, use.path("supplied_by_user")) })
                    else { continue }
                    uses.append(
                        ModelUse(path: Located(file, at: reader.location(item)), suppliedModel: model, note: note))
                } else if let file = reader.string(item, path) {
                    uses.append(ModelUse(path: Located(file, at: reader.location(item))))
                }
            }
        }
        return Header(fields: fields, uses: uses)
    }

    func readBody(_ header: Header, library: ModelLibrary) -> Scenario? {
        let library = withDeclaredSeries(library)
        let fields = header.fields
        let title = fields.requiredString("title")
        let period = fields.required("analysis_period").flatMap {
            reader.mapping($0, "analysis_period", allowed: ["years", "first_year", "year_type"])
        }
        let years = period?.required("years").flatMap { node in
            reader.integer(node, "analysis_period.years", allowed: "a whole number ≥ 1").map {
                Located($0, at: reader.location(node))
            }
        }
        let firstYear = period?.optional("first_year").flatMap { node -> Int? in
            // A financial year written as a label (2024-25) is how the NHS writes it: say how it is declared.
            if case .scalar(let scalar) = node, PriceYear(scalar.string)?.isFinancial == true {
                reader.error(
                    code: .wrongType, reader.location(node), "analysis_period.first_year",
                    "a first year is the calendar year it starts in; financial years are declared with year_type",
                    found: scalar.string,
                    allowed:
                        "first_year: \(scalar.string.prefix(4)) with year_type: financial (labelled \(scalar.string))")
                return nil
            }
            return reader.integer(node, "analysis_period.first_year")
        }
        let currency = fields.required("report_currency", allowed: "an ISO 4217 code such as GBP").flatMap { node in
            reader.currency(node, "report_currency").map { Located($0, at: reader.location(node)) }
        }
        // One price base, or one per kind of year: [2024, 2024-25].
        var baseYears: [Located<PriceYear>] = []
        if let node = fields.optional("price_base_year") {
            if case .sequence = node, let items = reader.sequence(node, "price_base_year") {
                for (index, item) in items.enumerated() {
                    if let year = reader.priceYear(item, "price_base_year[\(index)]") {
                        baseYears.append(Located(year, at: reader.location(item)))
                    }
                }
            } else if let year = reader.priceYear(node, "price_base_year") {
                baseYears.append(Located(year, at: reader.location(node)))
            }
        }
        let baseYear = baseYears.first
        let financialYears = period?.optional("year_type").flatMap { node -> Bool? in
            guard let text = reader.string(node, "analysis_period.year_type") else { return nil }
            guard text == "calendar" || text == "financial" else {
                reader.error(
                    code: .wrongType, reader.location(node), "analysis_period.year_type", "is not a kind of year",
                    found: "'\(text)'", allowed: "calendar, financial")
                return nil
            }
            return text == "financial"
        }
        let conventions = readConventions(fields.required("conventions"), library: library)
        let stakeholders = readList(fields.optional("stakeholders"), "stakeholders", read: readStakeholder)
        let inputs = readList(fields.optional("inputs"), "inputs") { node, path in
            readInput(node, path, currency: currency?.value)
        }
        let outcomes = readList(fields.required("outcomes"), "outcomes") { node, path in
            readOutcome(node, path, library: library, currency: currency?.value)
        }
        let rules = readList(fields.optional("integrity"), "integrity", read: readIntegrityRule)
        guard let title, let years, let currency, let conventions else { return nil }
        var scenario = Scenario(
            title: title, organisation: fields.string("organisation"), summary: fields.string("description"),
            illustrativeNote: fields.string("illustrative"), analysisYears: years, firstCalendarYear: firstYear,
            reportCurrency: currency, priceBaseYear: baseYear, conventions: conventions.conventions,
            priceIndex: conventions.priceIndex, optimismBias: conventions.optimismBias, stakeholders: stakeholders,
            inputs: inputs, outcomes: outcomes)
        scenario.integrityRules = rules
        scenario.otherPriceBaseYears = Array(baseYears.dropFirst())
        scenario.financialYears = financialYears ?? false
        if let node = fields.optional("report") { scenario.report = readReportSettings(node) }
        if let node = fields.optional("business_case") { scenario.businessCase = readBusinessCase(node, years: years) }
        scenario.modelValues = library.values
        scenario.missingModels = library.missing
        if let node = fields.optional("values"), let entries = reader.dictionary(node, "values") {
            for entry in entries {
                let path = "values.\(entry.key)"
                let isOverride = entry.key.contains("/")
                guard isOverride || DocumentReader.isFormulaName(entry.key) else {
                    reader.error(
                        code: .wrongType, reader.location(entry.keyNode), path, "is not a valid value name",
                        found: "'\(entry.key)'",
                        allowed:
                            "letters, digits and '_', starting with a letter; or model-id/entry to replace a model's value"
                    )
                    continue
                }
                if isOverride, library.values[entry.key] == nil {
                    reader.error(
                        code: .unknownReference, reader.location(entry.keyNode), path,
                        "replaces a model entry that no model under uses: declares",
                        found: entry.key,
                        allowed: library.values.keys.sorted().joined(separator: ", ").isEmpty
                            ? "a model-id/entry" : library.values.keys.sorted().joined(separator: ", "))
                    continue
                }
                if var value = reader.namedValue(entry.value, name: entry.key, path: path, readRecords: readRecords) {
                    if case .mapping(let mapping) = entry.value, let node = mapping["price_index"] {
                        value.priceIndex = resolve(
                            node, "\(path).price_index", in: library.priceIndices, kind: .priceIndices,
                            library: library)
                    } else if isOverride {
                        // A replacement is priced like the entry it replaces unless it says otherwise.
                        value.priceIndex = library.values[entry.key]?.priceIndex
                    }
                    scenario.values.append(value)
                }
            }
        }
        scenario.conversions = readList(fields.optional("conversions"), "conversions") { node, path in
            reader.conversion(node, path)
        }
        if let node = fields.optional("sensitivity"),
            let settings = reader.mapping(node, "sensitivity", allowed: ["target_ratio", "tolerance"])
        {
            if let target = settings.optional("target_ratio").flatMap({
                reader.number($0, settings.path("target_ratio"))
            }) {
                scenario.sensitivity.targetRatio = target
            }
            if let tolerance = settings.optional("tolerance").flatMap({
                reader.number($0, settings.path("tolerance"), allowed: "a relative tolerance > 0")
            }) {
                scenario.sensitivity.tolerance = tolerance
            }
        }
        return scenario
    }

    /// `report:`: author, date, a second currency, and chapters as Markdown (inline, or `{file}`).
    private func readReportSettings(_ node: Node) -> ReportSettings {
        var settings = ReportSettings()
        guard
            let fields = reader.mapping(
                node, "report",
                allowed: [
                    "author", "date", "currency", "chapters", "engagement", "materiality", "assurance", "small_numbers",
                ])
        else {
            return settings
        }
        if let node = fields.optional("small_numbers"),
            let threshold = reader.integer(
                node, "report.small_numbers", allowed: "the smallest count of people shown without a flag, from 1")
        {
            if threshold >= 1 {
                settings.smallNumberThreshold = threshold
            } else {
                reader.error(
                    code: .outOfRange, reader.location(node), "report.small_numbers", "is out of range",
                    found: String(threshold), allowed: "a whole number from 1")
            }
        }
        settings.engagement = readList(fields.optional("engagement"), "report.engagement") { node, path in
            guard let entry = reader.mapping(node, path, allowed: ["stakeholder", "people", "method", "when"]),
                let stakeholderNode = entry.required("stakeholder"),
                let stakeholder = reader.identifier(stakeholderNode, entry.path("stakeholder")),
                let peopleNode = entry.required("people"),
                let people = reader.integer(
                    peopleNode, entry.path("people"), allowed: "how many people took part, a whole number from 1"),
                let method = entry.required("method").flatMap({ reader.string($0, entry.path("method")) }),
                let when = entry.required("when").flatMap({ reader.string($0, entry.path("when")) })
            else { return nil }
            guard people >= 1 else {
                reader.error(
                    code: .outOfRange, reader.location(peopleNode), entry.path("people"),
                    "an engagement involves at least one person", found: String(people),
                    allowed: "a whole number from 1")
                return nil
            }
            return Engagement(
                stakeholder: Located(stakeholder, at: reader.location(stakeholderNode)), people: people,
                method: method, when: when)
        }
        settings.materiality = readList(fields.optional("materiality"), "report.materiality") { node, path in
            guard let entry = reader.mapping(node, path, allowed: ["outcome", "decision", "reason"]),
                let outcomeNode = entry.required("outcome"),
                let outcome = reader.string(outcomeNode, entry.path("outcome")),
                let decisionNode = entry.required("decision"),
                let decision = reader.string(decisionNode, entry.path("decision")),
                let reason = entry.required("reason").flatMap({ reader.string($0, entry.path("reason")) })
            else { return nil }
            guard decision == "included" || decision == "excluded" else {
                reader.error(
                    code: .outOfRange, reader.location(decisionNode), entry.path("decision"),
                    "is not a materiality decision", found: decision, allowed: "included or excluded")
                return nil
            }
            return MaterialityDecision(
                outcome: Located(outcome, at: reader.location(outcomeNode)), included: decision == "included",
                reason: reason)
        }
        if let node = fields.optional("assurance"),
            let entry = reader.mapping(node, "report.assurance", allowed: ["by", "date", "statement"]),
            let by = entry.required("by").flatMap({ reader.string($0, entry.path("by")) }),
            let date = entry.required("date").flatMap({ reader.string($0, entry.path("date")) }),
            let statement = entry.required("statement").flatMap({ reader.string($0, entry.path("statement")) })
        {
            settings.assurance = Assurance(by: by, date: date, statement: statement)
        }
        settings.author = fields.string("author")
        settings.date = fields.string("date")
        if let date = settings.date, let node = fields.optional("date"),
            !CalendarDate.isValid(date)
        {
            reader.error(
                code: .wrongType, reader.location(node), "report.date", "is not a date written YYYY-MM-DD",
                found: date, allowed: "a date such as 2026-11-25, so that no reader takes 02/12 for 12 February")
        }
        settings.secondCurrency = fields.optional("currency").flatMap { node in
            reader.currency(node, "report.currency").map { Located($0, at: reader.location(node)) }
        }
        if let chaptersNode = fields.optional("chapters"),
            let chapters = reader.mapping(
                chaptersNode, "report.chapters", allowed: Chapter.Kind.allCases.map(\.rawValue))
        {
            for kind in Chapter.Kind.allCases {
                guard let node = chapters.optional(kind.rawValue) else { continue }
                let path = "report.chapters.\(kind.rawValue)"
                if case .mapping = node {
                    guard let file = reader.mapping(node, path, allowed: ["file"]),
                        let name = file.required("file").flatMap({ reader.string($0, "\(path).file") })
                    else { continue }
                    switch chapterFile(name) {
                    case .success(let text):
                        settings.chapters.append(Chapter(kind: kind, markdown: text, file: name))
                    case .failure(let error):
                        reader.error(
                            code: .file, reader.location(node), "\(path).file", "cannot be read: \(error.reason)",
                            found: UserText.clip(name), allowed: "a Markdown file, relative to the scenario file")
                    }
                } else if let text = reader.string(node, path) {
                    settings.chapters.append(Chapter(kind: kind, markdown: text))
                }
            }
        }
        return settings
    }

    private func readList<T>(_ node: Node?, _ path: String, read: (Node, String) -> T?) -> [T] {
        guard let node, let items = reader.sequence(node, path) else { return [] }
        return items.enumerated().compactMap { index, item in read(item, reader.itemPath(item, path, index)) }
    }

    // MARK: Conventions

    struct DeclaredConventions {
        var conventions: Conventions
        var priceIndex: PriceIndex?
        var optimismBias: OptimismBiasTable?
    }

    private func readConventions(_ node: Node?, library: ModelLibrary) -> DeclaredConventions? {
        guard let node,
            let fields = reader.mapping(
                node, "conventions",
                allowed: [
                    "discount_from", "discount_rate", "discount_schedule", "discount_inputs", "price_index",
                    "optimism_bias", "optimism_bias_on_costs",
                ])
        else { return nil }
        let from = fields.required(
            "discount_from", allowed: DiscountFrom.allCases.map(\.rawValue).joined(separator: ", ")
        ).flatMap { node in
            reader.choice(node, "conventions.discount_from", DiscountFrom.self).map {
                Located($0, at: reader.location(node))
            }
        }
        var schedule: DiscountSchedule?
        var rateUncertainty: Uncertainty?
        switch (fields.optional("discount_rate"), fields.optional("discount_schedule")) {
        case (let rate?, nil):
            if case .mapping = rate {
                let assumption = reader.assumption(
                    rate, "conventions.discount_rate", uncertain: true,
                    read: { reader.number($0, $1, allowed: "a rate ≥ 0, e.g. 0.035") })
                schedule = assumption.map { DiscountSchedule.constant($0.value, at: $0.location) }
                rateUncertainty = assumption?.uncertainty
            } else {
                schedule = readRate(rate)
            }
        case (nil, let named?):
            schedule = resolve(
                named, "conventions.discount_schedule", in: library.schedules, kind: .discountSchedules,
                library: library)
        case (.some, .some):
            reader.error(
                code: .missing, fields.keyLocation("discount_schedule"), "conventions.discount_schedule",
                "give either discount_rate or discount_schedule, not both")
        case (nil, nil):
            reader.error(
                code: .missing, fields.location, "conventions.discount_rate", "is required but missing",
                allowed: "discount_rate (a rate or bands) or discount_schedule (a model entry)")
        }
        let discountInputs =
            fields.optional("discount_inputs").flatMap { node in
                reader.bool(node, "conventions.discount_inputs").map { Located($0, at: reader.location(node)) }
            } ?? Located(false)
        var index: PriceIndex?
        if let node = fields.optional("price_index") {
            if case .mapping = node {
                let points = ModelFileReader(reader: reader).readIndexPoints(node, "conventions.price_index")
                index = points.map { PriceIndex(points: $0, location: reader.location(node)) }
            } else {
                index = resolve(
                    node, "conventions.price_index", in: library.priceIndices, kind: .priceIndices, library: library)
            }
        }
        var optimism: OptimismBiasTable?
        if let node = fields.optional("optimism_bias") {
            if case .mapping = node {
                let grades = ModelFileReader(reader: reader).readGrades(node, "conventions.optimism_bias")
                optimism = grades.map { OptimismBiasTable(reductions: $0, location: reader.location(node)) }
            } else {
                optimism = resolve(
                    node, "conventions.optimism_bias", in: library.optimismTables, kind: .optimismBias, library: library
                )
            }
        }
        let costBias = fields.optional("optimism_bias_on_costs").flatMap { node in
            reader.assumption(
                node, "conventions.optimism_bias_on_costs",
                read: { reader.number($0, $1, allowed: "a share ≥ 0 that costs are raised by, e.g. 0.2") })
        }
        guard let from, let schedule else { return nil }
        var conventions = Conventions(discountFrom: from, discounting: schedule, discountInputs: discountInputs)
        conventions.rateUncertainty = rateUncertainty
        conventions.costOptimismBias = costBias
        return DeclaredConventions(conventions: conventions, priceIndex: index, optimismBias: optimism)
    }

    private func readRate(_ node: Node) -> DiscountSchedule? {
        let path = "conventions.discount_rate"
        if case .sequence = node {
            return ModelFileReader(reader: reader).readBands(node, path).map {
                DiscountSchedule(bands: $0, location: reader.location(node))
            }
        }
        return reader.number(node, path, allowed: "a rate ≥ 0, e.g. 0.035, or bands [{from_year, rate}]").map {
            DiscountSchedule.constant($0, at: reader.location(node))
        }
    }

    /// The library with each model's declared price series given to its proxies and values.
    private func withDeclaredSeries(_ library: ModelLibrary) -> ModelLibrary {
        var library = library
        for (model, declared) in library.series.sorted(by: { $0.key < $1.key }) {
            guard let index = library.priceIndices[declared.reference] else {
                reader.error(
                    code: .unknownReference, declared.location, "price_index",
                    "model '\(model)' prices its entries in series '\(declared.reference)', which no model under uses: declares",
                    found: declared.reference,
                    allowed: library.priceIndices.keys.sorted().joined(separator: ", ").isEmpty
                        ? "add the price index's model to uses:"
                        : library.priceIndices.keys.sorted().joined(separator: ", "))
                continue
            }
            for key in library.proxies.keys where key.hasPrefix("\(model)/") {
                library.proxies[key]?.price?.index = index
            }
            for key in library.values.keys where key.hasPrefix("\(model)/") {
                library.values[key]?.priceIndex = index
            }
        }
        return library
    }

    /// Looks up `model/entry` in one kind of model, naming what is loaded when it is missing.
    private func resolve<T>(_ node: Node, _ path: String, in table: [String: T], kind: ModelKind, library: ModelLibrary)
        -> T?
    {
        guard let reference = reader.string(node, path) else { return nil }
        if let found = table[reference] { return found }
        let model = reference.split(separator: "/").first.map(String.init) ?? reference
        if let missing = library.missing[model] {
            reader.error(
                code: .unknownReference, reader.location(node), path,
                missing.explanation(entry: String(reference.dropFirst(model.count + 1))),
                found: "'\(reference)'", allowed: "a model file with id \(model) at \(missing.path)")
            return nil
        }
        let known = table.keys.sorted()
        let message: String
        if library.models[model] == nil {
            message = "refers to model '\(model)', which no file under 'uses:' declares"
        } else if library.models[model]?.kind != kind {
            message =
                "refers to model '\(model)', which holds \(library.models[model]!.kind.rawValue), not \(kind.rawValue)"
        } else {
            message = "refers to an entry that model '\(model)' does not have"
        }
        reader.error(
            code: .unknownReference, reader.location(node), path, message, found: "'\(reference)'",
            allowed: known.isEmpty
                ? "a model-id/entry-id of a \(kind.rawValue) model listed under uses:" : known.joined(separator: ", "))
        return nil
    }

    // MARK: Stakeholders and inputs

    private func readStakeholder(_ node: Node, _ path: String) -> Stakeholder? {
        guard let fields = reader.mapping(node, path, allowed: ["id", "name", "description"]) else { return nil }
        guard let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) }) else { return nil }
        return Stakeholder(
            id: id, name: fields.string("name"), summary: fields.string("description"), location: reader.location(node))
    }

    private func readInput(_ node: Node, _ path: String, currency: Currency?) -> Input? {
        guard
            let fields = reader.mapping(
                node, path, allowed: ["id", "stakeholder", "description", "amount", "in_kind", "currency", "year"])
        else { return nil }
        guard let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) }) else { return nil }
        let path = "inputs[\(id)]"
        let stakeholder = located(fields.optional("stakeholder"), "\(path).stakeholder", reader.identifier)
        let year =
            located(fields.optional("year"), "\(path).year") { reader.integer($0, $1, allowed: "an analysis year ≥ 1") }
            ?? Located(1)
        let declaredCurrency = located(fields.optional("currency"), "\(path).currency", reader.currency)
        var valuation: Input.Valuation?
        switch (fields.optional("amount"), fields.optional("in_kind")) {
        case (let amount?, nil):
            valuation = reader.assumption(
                amount, "\(path).amount", read: { reader.number($0, $1, allowed: "an amount ≥ 0") }
            ).map { .money(StatedValue($0)) }
        case (nil, let inKind?):
            if let kind = reader.mapping(inKind, "\(path).in_kind", allowed: ["hours", "rate_per_hour"]) {
                let hours = kind.required("hours").flatMap {
                    reader.assumption($0, kind.path("hours"), read: { reader.number($0, $1, allowed: "hours ≥ 0") })
                }
                let rate = kind.required("rate_per_hour").flatMap {
                    reader.assumption(
                        $0, kind.path("rate_per_hour"), read: { reader.number($0, $1, allowed: "a rate ≥ 0") })
                }
                if let hours, let rate {
                    valuation = .inKindTime(hours: StatedValue(hours), ratePerHour: StatedValue(rate))
                }
            }
        case (.some, .some):
            reader.error(
                code: .missing, fields.keyLocation("in_kind"), "\(path).in_kind",
                "give either amount or in_kind, not both")
        case (nil, nil):
            reader.error(
                code: .missing, fields.location, "\(path).amount", "is required but missing",
                allowed: "amount (money) or in_kind (hours and rate_per_hour)")
        }
        guard let valuation, let currency = declaredCurrency ?? currency.map({ Located($0) }) else { return nil }
        return Input(
            id: id, stakeholder: stakeholder, summary: fields.string("description"), valuation: valuation,
            currency: currency, year: year, location: reader.location(node))
    }

    // MARK: Business case

    /// `business_case: {costs: [...], cash_deductions: [...], inflation: ...}`: the option's own
    /// costs by year, and how its cash view is counted.
    private func readBusinessCase(_ node: Node, years: Located<Int>?) -> BusinessCase? {
        guard let fields = reader.mapping(node, "business_case", allowed: ["costs", "cash_deductions", "inflation"])
        else { return nil }
        let inflation = fields.optional("inflation").flatMap { node in
            reader.assumption(
                node, "business_case.inflation",
                read: { reader.number($0, $1, allowed: "a rate a year above −1, e.g. 0.02") })
        }
        let costs = readList(fields.optional("costs"), "business_case.costs") { node, path in
            readCost(node, path, years: years?.value)
        }
        var deductions = Located(BusinessCase.defaultCashDeductions)
        if let node = fields.optional("cash_deductions"),
            let items = reader.sequence(node, "business_case.cash_deductions")
        {
            var kinds: [DeductionKind] = []
            for (index, item) in items.enumerated() {
                if let kind = reader.choice(item, "business_case.cash_deductions[\(index)]", DeductionKind.self) {
                    kinds.append(kind)
                }
            }
            deductions = Located(DeductionKind.allCases.filter(kinds.contains), at: reader.location(node))
        }
        return BusinessCase(
            costs: costs, cashDeductions: deductions, inflation: inflation, location: reader.location(node))
    }

    private func readCost(_ node: Node, _ path: String, years: Int?) -> BusinessCase.Cost? {
        guard
            let fields = reader.mapping(node, path, allowed: ["id", "description", "stakeholder", "amount", "years"])
        else { return nil }
        guard let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) }) else { return nil }
        let path = "business_case.costs[\(id)]"
        let stakeholder = located(fields.optional("stakeholder"), "\(path).stakeholder", reader.identifier)
        let amount = fields.required("amount").flatMap { node -> StatedValue? in
            if case .mapping(let mapping) = node, mapping["formula"] != nil {
                return readFormulaFigure(node, "\(path).amount")
            }
            return reader.assumption(
                node, "\(path).amount", read: { reader.number($0, $1, allowed: "an amount ≥ 0 a year") }
            ).map(StatedValue.init)
        }
        var spent: Located<[Int]>?
        if let node = fields.optional("years") {
            if let items = reader.sequence(node, "\(path).years") {
                var list: [Int] = []
                for (index, item) in items.enumerated() {
                    guard let year = reader.integer(item, "\(path).years[\(index)]", allowed: "an analysis year ≥ 1")
                    else { continue }
                    if let years, year < 1 || year > years {
                        reader.error(
                            code: .outOfRange, reader.location(item), "\(path).years[\(index)]",
                            "is not a year of the analysis period", found: String(year), allowed: "1 to \(years)")
                    } else if list.contains(year) {
                        reader.error(
                            code: .duplicate, reader.location(item), "\(path).years[\(index)]",
                            "lists a year twice", found: String(year))
                    } else {
                        list.append(year)
                    }
                }
                spent = Located(list.sorted(), at: reader.location(node))
            }
        } else if let years {
            // A period the validator refuses (0 years, or past the bound) spends in no year.
            spent = Located(years >= 1 && years <= Scenario.maximumAnalysisYears ? Array(1...years) : [])
        }
        guard let amount, let spent else { return nil }
        return BusinessCase.Cost(
            id: id, summary: fields.string("description"), stakeholder: stakeholder, amount: amount, years: spent,
            location: reader.location(node))
    }

    private func located<T>(_ node: Node?, _ path: String, _ read: (Node, String) -> T?) -> Located<T>? {
        guard let node, let value = read(node, path) else { return nil }
        return Located(value, at: reader.location(node))
    }

    // MARK: Outcomes

    static let outcomeKeys = [
        "id", "stakeholder", "description", "indicator", "quantity", "proxy", "deadweight", "displacement",
        "attribution", "drop_off", "duration", "start_year", "value_type", "confidence",
    ]

    private func readOutcome(_ node: Node, _ path: String, library: ModelLibrary, currency: Currency?) -> Outcome? {
        guard let fields = reader.mapping(node, path, allowed: Self.outcomeKeys) else { return nil }
        guard let id = fields.required("id").flatMap({ reader.identifier($0, fields.path("id")) }) else { return nil }
        let path = "outcomes[\(id)]"
        let stakeholder = located(fields.required("stakeholder"), "\(path).stakeholder", reader.identifier)
        var quantityUnit: Located<String>?
        let quantity = fields.required("quantity").flatMap { node -> StatedValue? in
            if case .mapping(let mapping) = node, mapping["records"] != nil {
                guard
                    let quantityFields = reader.mapping(
                        node, "\(path).quantity", allowed: ["records", "unit", "rationale", "source"])
                else { return nil }
                quantityUnit = located(quantityFields.optional("unit"), "\(path).quantity.unit", reader.identifier)
                guard let recordsNode = quantityFields.optional("records"),
                    let recorded = readRecords(recordsNode, "\(path).quantity.records")
                else { return nil }
                return StatedValue(
                    .records(recorded, reading: nil), at: reader.location(recordsNode),
                    rationale: quantityFields.string("rationale"),
                    source: quantityFields.optional("source").flatMap {
                        reader.citation($0, quantityFields.path("source"))
                    })
            }
            if case .mapping(let mapping) = node, mapping["formula"] != nil {
                return readFormulaFigure(node, "\(path).quantity")
            }
            return reader.assumption(
                node, "\(path).quantity", extraKeys: ["unit"], uncertain: true,
                read: { reader.number($0, $1, allowed: "a quantity ≥ 0") },
                extra: { quantityFields in
                    quantityUnit = located(quantityFields.optional("unit"), "\(path).quantity.unit", reader.identifier)
                }
            ).map(StatedValue.init)
        }
        let proxy = fields.required("proxy").flatMap { node -> FinancialProxy? in
            if case .mapping(let mapping) = node, mapping["formula"] != nil {
                return readFormulaFigure(node, "\(path).proxy").map { FinancialProxy(amount: $0, price: nil) }
            }
            return readProxy(node, "\(path).proxy", library: library)
        }
        var deductions: [DeductionKind: Assumption<YearlyShares>] = [:]
        for kind in DeductionKind.allCases {
            if let node = fields.optional(kind.rawValue),
                let deduction = reader.assumption(
                    node, "\(path).\(kind.rawValue)", uncertain: true, read: reader.yearlyShares)
            {
                if deduction.uncertainty != nil, deduction.value.isByYear {
                    reader.error(
                        deduction.uncertainty?.location, "\(path).\(kind.rawValue).range",
                        "a range applies to a single share, not to a list of shares by year")
                }
                deductions[kind] = deduction
            }
        }
        let dropOff = fields.optional("drop_off").flatMap { node in
            reader.assumption(node, "\(path).drop_off", uncertain: true, read: reader.yearlyShares)
        }
        if let dropOff, dropOff.uncertainty != nil, dropOff.value.isByYear {
            reader.error(
                dropOff.uncertainty?.location, "\(path).drop_off.range",
                "a range applies to a single share, not to a list of shares by year")
        }
        var durationUncertainty: Uncertainty?
        let duration = located(fields.required("duration", allowed: "a whole number of years ≥ 1"), "\(path).duration")
        {
            node, field -> Int? in
            guard case .mapping = node else {
                return reader.integer(node, field, allowed: "a whole number of years ≥ 1")
            }
            let assumption = reader.assumption(
                node, field, uncertain: true, read: { reader.integer($0, $1, allowed: "a whole number of years ≥ 1") })
            durationUncertainty = assumption?.uncertainty
            return assumption?.value
        }
        let start =
            located(fields.optional("start_year"), "\(path).start_year") {
                reader.integer($0, $1, allowed: "a whole number ≥ 1")
            } ?? Located(1)
        let valueType = located(
            fields.required("value_type", allowed: ValueType.allCases.map(\.rawValue).joined(separator: ", ")),
            "\(path).value_type"
        ) { reader.choice($0, $1, ValueType.self) }
        let confidence = located(fields.optional("confidence"), "\(path).confidence") { node, path in
            if case .scalar(let scalar) = node { return scalar.string }
            return reader.string(node, path)
        }
        guard let stakeholder, let quantity, let proxy, let duration, let valueType else { return nil }
        var outcome = Outcome(
            id: id, stakeholder: stakeholder, summary: fields.string("description"),
            indicator: fields.string("indicator"),
            quantity: quantity, quantityUnit: quantityUnit, proxy: proxy, deadweight: deductions[.deadweight],
            displacement: deductions[.displacement], attribution: deductions[.attribution], dropOff: dropOff,
            duration: duration, startYear: start, valueType: valueType, confidence: confidence,
            location: reader.location(node))
        outcome.durationUncertainty = durationUncertainty
        return outcome
    }

    /// `{formula, unit, rationale, source}`: a quantity or proxy computed from named values.
    private func readFormulaFigure(_ node: Node, _ path: String) -> StatedValue? {
        guard let fields = reader.mapping(node, path, allowed: ["formula", "unit", "rationale", "source"]) else {
            return nil
        }
        let unit = fields.optional("unit").flatMap { reader.unit($0, fields.path("unit")) }
        guard let parsed = fields.optional("formula").flatMap({ reader.formula($0, fields.path("formula")) }) else {
            return nil
        }
        return StatedValue(
            .formula(parsed.expression), at: parsed.location, unit: unit, rationale: fields.string("rationale"),
            source: fields.optional("source").flatMap { reader.citation($0, fields.path("source")) })
    }

    // MARK: Recorded data

    /// `records: {dataset, aggregate, column, where, by_year}`: a quantity read from recorded data.
    private func readRecords(_ node: Node, _ path: String) -> RecordedQuantity? {
        guard
            let fields = reader.mapping(
                node, path, allowed: ["dataset", "aggregate", "column", "where", "by_year", "in_post"])
        else { return nil }
        let dataset = located(fields.required("dataset"), fields.path("dataset"), reader.identifier)
        let aggregate = located(
            fields.required(
                "aggregate", allowed: RecordedQuantity.Aggregate.allCases.map(\.rawValue).joined(separator: ", ")),
            fields.path("aggregate")
        ) { reader.choice($0, $1, RecordedQuantity.Aggregate.self) }
        let column = located(fields.optional("column"), fields.path("column"), reader.identifier)
        if let aggregate, aggregate.value != .count, column == nil {
            reader.error(
                code: .missing, fields.location, fields.path("column"),
                "\(aggregate.value.rawValue) needs the column it aggregates",
                allowed: "a column of the dataset")
        }
        var filters: [RecordedQuantity.Filter] = []
        if let whereNode = fields.optional("where"), let entries = reader.dictionary(whereNode, fields.path("where")) {
            for entry in entries {
                let filterPath = "\(fields.path("where")).\(entry.key)"
                if let condition = readCondition(entry.value, filterPath) {
                    filters.append(
                        RecordedQuantity.Filter(
                            column: Located(entry.key, at: reader.location(entry.keyNode)), condition: condition,
                            location: reader.location(entry.value)))
                }
            }
        }
        let byYear = located(fields.optional("by_year"), fields.path("by_year"), reader.identifier)
        var inPost: RecordedQuantity.InPost?
        if let node = fields.optional("in_post"),
            let spell = reader.mapping(node, fields.path("in_post"), allowed: ["from", "to"])
        {
            let from = located(
                spell.required("from", allowed: "the date column a spell starts on"), spell.path("from"),
                reader.identifier)
            let to = located(
                spell.required("to", allowed: "the date column a spell ends on, empty while it lasts"),
                spell.path("to"), reader.identifier)
            if let from, let to {
                inPost = RecordedQuantity.InPost(from: from, to: to, location: reader.location(node))
            }
            if byYear != nil {
                reader.error(
                    fields.keyLocation("in_post"), fields.path("in_post"),
                    "give either by_year (records placed in the year of one date) or in_post (spells overlapping each year), not both"
                )
            }
        }
        guard let dataset, let aggregate else { return nil }
        var recorded = RecordedQuantity(
            dataset: dataset, aggregate: aggregate, column: column, filters: filters, byYear: byYear,
            location: reader.location(node))
        recorded.inPost = inPost
        return recorded
    }

    /// `value` (equals), `{in: [..]}`, `{min, max}`, `{from, to}` (dates) or `{recorded: true|false}`.
    private func readCondition(_ node: Node, _ path: String) -> RecordedQuantity.Condition? {
        switch node {
        case .scalar:
            return literal(node, path).map(RecordedQuantity.Condition.equals)
        case .mapping:
            guard let fields = reader.mapping(node, path, allowed: ["in", "min", "max", "from", "to", "recorded"])
            else {
                return nil
            }
            if let set = fields.optional("in") {
                guard fields.entries.count == 1 else {
                    reader.error(fields.location, path, "'in' cannot be combined with other conditions")
                    return nil
                }
                guard let items = reader.sequence(set, fields.path("in")) else { return nil }
                let values = items.enumerated().compactMap { literal($1, fields.path("in[\($0)]")) }
                if items.isEmpty {
                    reader.error(
                        code: .missing, reader.location(set), fields.path("in"), "is empty, so nothing could match",
                        allowed: "one value or more")
                }
                guard values.count == items.count, !values.isEmpty else { return nil }
                return .oneOf(values)
            }
            if let recorded = fields.optional("recorded") {
                guard fields.entries.count == 1 else {
                    reader.error(fields.location, path, "'recorded' cannot be combined with other conditions")
                    return nil
                }
                return reader.bool(recorded, fields.path("recorded")).map(RecordedQuantity.Condition.present)
            }
            if (fields.has("min") || fields.has("max")) && (fields.has("from") || fields.has("to")) {
                reader.error(fields.location, path, "use min/max for numbers or from/to for dates, not both")
                return nil
            }
            let low = (fields.optional("min") ?? fields.optional("from")).flatMap { literal($0, path) }
            let high = (fields.optional("max") ?? fields.optional("to")).flatMap { literal($0, path) }
            guard low != nil || high != nil else {
                reader.error(
                    code: .missing, fields.location, path, "gives no condition",
                    allowed: "in, min, max, from, to, recorded")
                return nil
            }
            return .range(min: low, max: high)
        default:
            reader.error(
                code: .wrongType, reader.location(node), path, "must be a value or a condition",
                allowed: "a value, {in: [...]}, {min, max}, {from, to}, {recorded: true}")
            return nil
        }
    }

    /// A plain number is a number; anything else (quoted, a date, a word) is text.
    private func literal(_ node: Node, _ path: String) -> RecordedQuantity.Literal? {
        guard case .scalar(let scalar) = node else {
            reader.error(
                code: .wrongType, reader.location(node), path, "must be a single value", found: reader.describe(node))
            return nil
        }
        if scalar.style == .plain, DocumentReader.isDecimal(scalar.string), let number = Double(scalar.string) {
            return .number(number)
        }
        return reader.string(node, path).map(RecordedQuantity.Literal.text)
    }

    private func readIntegrityRule(_ node: Node, _ path: String) -> IntegrityRule? {
        guard
            let fields = reader.mapping(
                node, path,
                allowed: ["name", "rule", "outcome", "outcomes", "key", "date_column", "from", "to", "severity"])
        else { return nil }
        let name = fields.required("name").flatMap { reader.identifier($0, fields.path("name")) }
        let severity = located(fields.required("severity", allowed: "error, warning"), fields.path("severity")) {
            node, path in
            reader.choice(node, path, RuleSeverity.self)
        }
        let kindName = fields.required("rule", allowed: "counted_once, within_window, mutually_exclusive").flatMap {
            reader.choice($0, fields.path("rule"), RuleKind.self)
        }
        var kind: IntegrityRule.Kind?
        switch kindName {
        case .countedOnce:
            if let outcome = fields.required("outcome").flatMap({ reader.identifier($0, fields.path("outcome")) }),
                let key = fields.required("key").flatMap({ reader.identifier($0, fields.path("key")) })
            {
                kind = .countedOnce(outcome: outcome, key: key)
            }
        case .withinWindow:
            if let outcome = fields.required("outcome").flatMap({ reader.identifier($0, fields.path("outcome")) }),
                let column = fields.required("date_column").flatMap({
                    reader.identifier($0, fields.path("date_column"))
                })
            {
                kind = .withinWindow(
                    outcome: outcome, dateColumn: column, from: fields.string("from"), to: fields.string("to"))
            }
        case .mutuallyExclusive:
            if let list = fields.required("outcomes").flatMap({ reader.sequence($0, fields.path("outcomes")) }),
                let key = fields.required("key").flatMap({ reader.identifier($0, fields.path("key")) })
            {
                let outcomes = list.enumerated().compactMap { reader.identifier($1, fields.path("outcomes[\($0)]")) }
                if outcomes.count < 2 {
                    reader.error(
                        code: .missing, fields.location, fields.path("outcomes"), "names fewer than two outcomes",
                        allowed: "two or more outcome ids")
                } else {
                    kind = .mutuallyExclusive(outcomes: outcomes, key: key)
                }
            }
        case nil: break
        }
        guard let name, let severity, let kind else { return nil }
        return IntegrityRule(
            name: name, kind: kind, severity: severity.value == .error ? .error : .warning,
            location: reader.location(node))
    }

    enum RuleSeverity: String, CaseIterable {
        case error, warning
    }

    enum RuleKind: String, CaseIterable {
        case countedOnce = "counted_once"
        case withinWindow = "within_window"
        case mutuallyExclusive = "mutually_exclusive"
    }

    /// A proxy typed in the scenario (`value`, `currency`, `per`, `price_year`, `source`) or a
    /// reference to a model entry (`model: id/entry`).
    private func readProxy(_ node: Node, _ path: String, library: ModelLibrary) -> FinancialProxy? {
        guard
            let fields = reader.mapping(
                node, path,
                allowed: ["model", "value", "currency", "per", "price_year", "price_index", "source", "rationale"]
                    + DocumentReader.uncertaintyKeys)
        else { return nil }
        let uncertainty = reader.uncertainty(fields)
        // The series the proxy's price year belongs to, when it is not the scenario's own.
        let series = fields.optional("price_index").flatMap { node in
            resolve(node, fields.path("price_index"), in: library.priceIndices, kind: .priceIndices, library: library)
        }
        if let modelNode = fields.optional("model") {
            for key in ["value", "currency", "per", "price_year", "source"] where fields.has(key) {
                reader.error(
                    fields.keyLocation(key), fields.path(key), "a proxy taken from a model cannot also set \(key)",
                    allowed: "model, rationale")
            }
            guard
                var proxy = resolve(
                    modelNode, "\(path).model", in: library.proxies, kind: .financialProxies, library: library)
            else { return nil }
            proxy.amount.location = reader.location(modelNode)
            proxy.amount.rationale = fields.string("rationale") ?? proxy.amount.rationale
            proxy.amount.uncertainty = uncertainty
            if let series { proxy.price?.index = series }
            return proxy
        }
        let value = fields.required("value", allowed: "a money value, or model: id/entry").flatMap {
            reader.number($0, fields.path("value"))
        }
        let currency = fields.required("currency").flatMap { reader.currency($0, fields.path("currency")) }
        let per = fields.optional("per").flatMap { reader.identifier($0, fields.path("per")) }
        let priceYear = fields.optional("price_year").flatMap { reader.priceYear($0, fields.path("price_year")) }
        let source = fields.required("source", allowed: "the publication the value comes from").flatMap {
            reader.citation($0, fields.path("source"))
        }
        guard let value, let currency else { return nil }
        var proxy = FinancialProxy(
            value: value, currency: currency, per: per, priceYear: priceYear, citation: source,
            rationale: fields.string("rationale"), location: reader.location(fields.optional("value")!))
        proxy.amount.uncertainty = uncertainty
        if let series { proxy.price?.index = series }
        return proxy
    }
}
