/// Checks the formulas of a scenario before anything is calculated: every reference exists,
/// no value depends on itself, and units agree. Adding pounds to hours, or pounds to euros
/// without a declared rate, is refused with both units named.
struct FormulaChecker {
    /// The longest chain of formulas that refer to one another.
    static let maximumChain = 100

    let scenario: Scenario
    var report: ScenarioValidator.Report
    private var units: [String: Unit] = [:]
    /// How many formulas each named value's figure passes through (1 for a formula over givens).
    private var depths: [String: Int] = [:]
    private var reportedChain = false
    private var visiting: [String] = []
    private var failed: Set<String> = []

    init(scenario: Scenario, report: ScenarioValidator.Report) {
        self.scenario = scenario
        self.report = report
    }

    /// The value a reference names: a scenario value, a replacement of a model entry, or the entry.
    static func named(_ reference: Expression.Reference, in scenario: Scenario) -> NamedValue? {
        switch reference {
        case .value(let name): return scenario.values.first { $0.name == name }
        case .model(let entry): return scenario.values.first { $0.name == entry } ?? scenario.modelValues[entry]
        case .rate: return nil
        }
    }

    /// A location `offset` characters into a formula whose text starts at `start`.
    static func at(_ start: SourceLocation?, _ offset: Int) -> SourceLocation? {
        start.map { SourceLocation(file: $0.file, line: $0.line, column: $0.column + offset) }
    }

    mutating func checkAll() {
        for value in scenario.values { _ = unit(of: value) }
        let money = Unit.currency(scenario.reportCurrency.value)
        for outcome in scenario.outcomes where outcome.quantity.isFormula || outcome.proxy.amount.isFormula {
            checkOutcome(outcome, money: money)
        }
        for cost in scenario.businessCase?.costs ?? [] {
            guard case .formula(let expression, _) = cost.amount.definition else { continue }
            let field = "business_case.costs[\(cost.id)].amount"
            let location = cost.amount.location
            guard let inferred = infer(expression, start: location, field: "\(field).formula") else { continue }
            if inferred != money {
                report.error(
                    code: .units, location, field, "a cost is money a year, but the formula comes out in \(inferred)",
                    found: inferred.description, allowed: money.description)
            }
        }
    }

    /// An outcome with a formula quantity or proxy: each formula's unit, and quantity × proxy in money.
    private mutating func checkOutcome(_ outcome: Outcome, money: Unit) {
        let path = "outcomes[\(outcome.declaredID)]"
        var quantityUnit: Unit? = outcome.quantityUnit.flatMap { Unit(parsing: $0.value) } ?? .number
        var formulaLocation: SourceLocation?
        if case .formula(let expression, _) = outcome.quantity.definition {
            let location = outcome.quantity.location
            formulaLocation = location
            quantityUnit = infer(expression, start: location, field: "\(path).quantity.formula")
            check(declared: outcome.quantity.unit, inferred: quantityUnit, at: location, field: "\(path).quantity.unit")
        }
        var proxyUnit: Unit? = outcome.proxy.unit
        if case .formula(let expression, _) = outcome.proxy.amount.definition {
            let location = outcome.proxy.amount.location
            formulaLocation = location
            proxyUnit = infer(expression, start: location, field: "\(path).proxy.formula")
            check(declared: outcome.proxy.amount.unit, inferred: proxyUnit, at: location, field: "\(path).proxy.unit")
        }
        if let quantityUnit, let proxyUnit {
            let value = quantityUnit * proxyUnit
            if value != money {
                report.error(
                    code: .units, formulaLocation, "\(path).proxy",
                    "quantity × proxy comes out in \(value) (\(quantityUnit) × \(proxyUnit)), not in \(money)",
                    found: value.description, allowed: money.description)
            }
        }
    }

    private mutating func check(declared: Unit?, inferred: Unit?, at location: SourceLocation?, field: String) {
        guard let declared, let inferred, declared != inferred else { return }
        report.error(
            code: .units, location, field, "the formula comes out in \(inferred), but \(declared) is declared",
            found: inferred.description,
            allowed: declared.description)
    }

    /// The unit of a named value, checking its formula on the way; `nil` when it has errors.
    mutating func unit(of value: NamedValue) -> Unit? {
        if let known = units[value.name] { return known }
        if failed.contains(value.name) { return nil }
        let field = value.model == nil ? "values.\(value.name)" : "model \(value.name)"
        switch value.definition {
        case .given, .records:
            guard let unit = value.unit else {
                report.error(
                    code: .missing, value.location, "\(field).unit", "a value needs its unit",
                    allowed: "e.g. GBP/hour, hour, person, 1"
                )
                failed.insert(value.name)
                return nil
            }
            units[value.name] = unit
            return unit
        case .formula(let expression, _):
            if let cycleStart = visiting.firstIndex(of: value.name) {
                let members = visiting[cycleStart...] + [value.name]
                report.error(
                    code: .formulaLimit, value.formulaLocation ?? value.location, field,
                    "refers to itself through a cycle: \(members.joined(separator: " → "))",
                    allowed: "formulas whose references end in given values")
                failed.formUnion(members)
                return nil
            }
            if visiting.count >= Self.maximumChain {
                reportChain(at: value, field: field)
                failed.formUnion(visiting)
                return nil
            }
            visiting.append(value.name)
            defer { visiting.removeLast() }
            guard let inferred = infer(expression, start: value.formulaLocation, field: "\(field).formula") else {
                failed.insert(value.name)
                return nil
            }
            check(declared: value.unit, inferred: inferred, at: value.formulaLocation, field: "\(field).unit")
            // However the values are visited, a figure may pass through at most so many formulas.
            let depth =
                1
                + (expression.references.compactMap { reference -> Int? in
                    Self.named(reference, in: scenario).flatMap { depths[$0.name] }
                }.max() ?? 0)
            depths[value.name] = depth
            if depth > Self.maximumChain {
                reportChain(at: value, field: field)
                failed.insert(value.name)
                return nil
            }
            units[value.name] = inferred
            return inferred
        }
    }

    /// A chain of formulas too long to follow: reported once, however many values it reaches.
    private mutating func reportChain(at value: NamedValue, field: String) {
        guard !reportedChain else { return }
        reportedChain = true
        report.error(
            code: .formulaLimit, value.formulaLocation ?? value.location, field,
            "is reached through a chain of more than \(Self.maximumChain) formulas",
            allowed: "at most \(Self.maximumChain) formulas, each referring to the next")
    }

    private mutating func unit(
        of reference: Expression.Reference, at offset: Int, start: SourceLocation?, field: String
    ) -> Unit? {
        let location = Self.at(start, offset)
        switch reference {
        case .rate(let from, let to):
            guard let a = Currency(code: from), let b = Currency(code: to), scenario.conversion(from: a, to: b) != nil
            else {
                report.error(
                    code: .unknownReference, location, field, "no rate from \(from) to \(to) is declared",
                    found: "rate(\(from), \(to))",
                    allowed: "declare it under conversions: {from: \(from), to: \(to), rate, date, source}")
                return nil
            }
            return Unit.base(to) / Unit.base(from)
        case .value(let name):
            guard let value = Self.named(reference, in: scenario) else {
                report.error(
                    code: .unknownReference, location, field, "refers to a value that is not declared", found: name,
                    allowed: scenario.values.map(\.name).filter { !$0.contains("/") }.sorted().joined(separator: ", ")
                        .nonEmpty
                        ?? "a name under values:")
                return nil
            }
            return unit(of: value)
        case .model(let entry):
            if let value = Self.named(reference, in: scenario) { return unit(of: value) }
            let modelID = entry.split(separator: "/").first.map(String.init) ?? entry
            if let missing = scenario.missingModels[modelID] {
                report.error(
                    code: .unknownReference, location, field,
                    missing.explanation(entry: String(entry.dropFirst(modelID.count + 1))),
                    found: "model(\"\(entry)\")", allowed: "a model file with id \(modelID) at \(missing.path)")
                return nil
            }
            report.error(
                code: .unknownReference, location, field, "refers to a model entry that no model under uses: declares",
                found: "model(\"\(entry)\")",
                allowed: "a model-id/entry of a values or financial_proxies model")
            return nil
        }
    }

    /// The unit of an expression, reporting the first disagreement with both units.
    mutating func infer(_ expression: Expression, start: SourceLocation?, field: String) -> Unit? {
        switch expression {
        case .number: return .number
        case .value(let name, let at): return unit(of: .value(name), at: at, start: start, field: field)
        case .model(let entry, let at): return unit(of: .model(entry), at: at, start: start, field: field)
        case .rate(let from, let to, let at):
            return unit(of: .rate(from: from, to: to), at: at, start: start, field: field)
        case .negate(let inner, _): return infer(inner, start: start, field: field)
        case .binary(let op, let a, let b, let at):
            let left = infer(a, start: start, field: field)
            let right = infer(b, start: start, field: field)
            guard let left, let right else { return nil }
            switch op {
            case .multiply: return left * right
            case .divide: return left / right
            case .add, .subtract:
                guard left == right else {
                    let verb = op == .add ? "add" : "subtract"
                    report.error(
                        code: .units, Self.at(start, at), field,
                        "cannot \(verb) \(right) \(op == .add ? "to" : "from") \(left)"
                            + (left.currencies != right.currencies && !left.currencies.isEmpty
                                && !right.currencies.isEmpty
                                ? "; convert with rate(\(right.currencies.first!), \(left.currencies.first!))" : ""),
                        found: "\(left) \(op.rawValue) \(right)", allowed: "the same unit on both sides")
                    return nil
                }
                return left
            }
        case .minimum(let items, let at), .maximum(let items, let at):
            let found = items.map { infer($0, start: start, field: field) }
            guard let first = found.first ?? nil, found.allSatisfy({ $0 != nil }) else { return nil }
            if let other = found.first(where: { $0 != first }) ?? nil {
                report.error(
                    code: .units, Self.at(start, at), field, "min and max compare values of one unit",
                    found: "\(first) and \(other)",
                    allowed: "the same unit for every value")
                return nil
            }
            return first
        case .round(let inner, _, _): return infer(inner, start: start, field: field)
        case .choose(_, let a, let b, let then, let otherwise, let at):
            let units = [a, b, then, otherwise].map { infer($0, start: start, field: field) }
            guard units.allSatisfy({ $0 != nil }) else { return nil }
            if units[0] != units[1] {
                report.error(
                    code: .units, Self.at(start, at), field, "if compares values of one unit",
                    found: "\(units[0]!) and \(units[1]!)",
                    allowed: "the same unit on both sides of the comparison")
                return nil
            }
            if units[2] != units[3] {
                report.error(
                    code: .units, Self.at(start, at), field, "if gives one unit either way",
                    found: "\(units[2]!) and \(units[3]!)",
                    allowed: "the same unit for both results")
                return nil
            }
            return units[2]
        }
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
