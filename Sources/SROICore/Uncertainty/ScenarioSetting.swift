/// A what-if given on the command line: `--set NAME=VALUE` sets an assumption to a value,
/// `--set NAME=-20%` (a signed percentage) changes it relative to the scenario's own figure.
///
/// A setting changes the scenario before it is evaluated, so every figure still comes from the
/// one evaluation plan; the trace records each setting where it applies (the origin of a leaf,
/// or the convention of a formula) and the results list them all.
public struct ScenarioSetting: Sendable, Equatable, CustomStringConvertible {
    public enum Change: Sendable, Equatable {
        /// Set to this value.
        case to(Double)
        /// Multiplied by `1 + share`: `-20%` is `by(-0.2)`.
        case by(Double)
        /// A share for each year, for a deduction or drop-off listed by year: `[0.5, 0]`.
        case toList([Double])
    }

    /// The assumption as written after `--set`: `values.posts`, `posts`,
    /// `outcomes[jobs].deadweight`, `conventions.discount_rate`.
    public var name: String
    public var change: Change
    /// The setting as given, `NAME=VALUE`.
    public var description: String

    public init(name: String, change: Change) {
        self.name = name
        self.change = change
        switch change {
        case .to(let value): description = "\(name)=\(NumberFormat.shortest(value))"
        case .by(let share):
            let percent = NumberFormat.shortest(share * 100)
            description = "\(name)=\(share < 0 ? "" : "+")\(percent)%"
        case .toList(let shares):
            description = "\(name)=[\(shares.map(NumberFormat.shortest).joined(separator: ", "))]"
        }
    }

    /// Reads `NAME=VALUE`. A value written with a sign and `%` (`-20%`, `+5%`) is a change
    /// relative to the scenario's figure; one without a sign (`20%`) is the share 0.2.
    public init(parsing text: String) throws(ValidationFailure) {
        func refuse(_ message: String) -> ValidationFailure {
            ValidationFailure([
                Diagnostic(
                    code: .commandLineSetting, at: nil, field: "--set", message: message, found: text,
                    allowed: "NAME=VALUE, NAME=20% or NAME=-20%")
            ])
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw refuse("a setting is written NAME=VALUE, for example --set values.posts=12")
        }
        let name = Self.trimmed(text[..<equals])
        var value = Self.trimmed(text[text.index(after: equals)...])
        guard !name.isEmpty else { throw refuse("the setting names no assumption before =") }
        if value.hasPrefix("[") && value.hasSuffix("]") {
            var shares: [Double] = []
            for item in value.dropFirst().dropLast().split(separator: ",") {
                let entry = Self.trimmed(item)
                guard let share = Double(entry), share.isFinite else {
                    throw refuse("'\(entry)' in the list is not a number")
                }
                shares.append(share)
            }
            guard !shares.isEmpty else { throw refuse("the list holds no share") }
            self.init(name: name, change: .toList(shares))
            description = text
            return
        }
        let percent = value.hasSuffix("%")
        if percent { value.removeLast() }
        let signed = value.hasPrefix("-") || value.hasPrefix("+")
        guard let number = Double(value), number.isFinite else {
            throw refuse("\(value.isEmpty ? "nothing" : "'\(value)'") after = is not a number")
        }
        if percent && signed {
            self.init(name: name, change: .by(number / 100))
        } else {
            self.init(name: name, change: .to(percent ? number / 100 : number))
        }
        description = text
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

extension Scenario {
    /// The scenario with the settings applied in order, each recorded so that the trace names it.
    /// Refused, naming the setting and what it may be, when a name is not an assumption of the
    /// scenario or a value lies outside what the assumption may take.
    public func applying(_ settings: [ScenarioSetting]) throws(ValidationFailure) -> Scenario {
        var changed = self
        var problems: [Diagnostic] = []
        for setting in settings {
            do {
                try changed.apply(setting)
            } catch {
                problems += error.errors
            }
        }
        if !problems.isEmpty { throw ValidationFailure(problems) }
        return changed
    }

    /// What each setting applied to, for the trace: by assumption, the setting as given.
    func commandLineSetting(for kind: UncertainParameter.Kind?) -> String? {
        guard let kind else { return nil }
        return commandLineSettings.last { $0.kind == kind }?.text
    }

    private mutating func apply(_ setting: ScenarioSetting) throws(ValidationFailure) {
        func refuse(_ message: String, allowed: String) -> ValidationFailure {
            ValidationFailure([
                Diagnostic(
                    code: .commandLineSetting, at: nil, field: "--set \(setting.name)", message: message,
                    found: setting.description, allowed: allowed)
            ])
        }
        let kind = try settableKind(setting.name, refuse: refuse)
        let parameter = UncertainParameter(kind: kind, base: 0, uncertainty: Uncertainty())
        let domain = parameter.domain
        let range = Self.describe(domain)
        func checked(_ value: Double) throws(ValidationFailure) -> Double {
            guard value.isFinite, domain.contains(value) else {
                throw refuse("\(NumberFormat.shortest(value)) is outside what it may take", allowed: range)
            }
            if parameter.isWholeNumber, value != value.rounded() {
                throw refuse("a duration is a whole number of years", allowed: "whole years, \(range)")
            }
            return value
        }
        func changed(_ base: Double) throws(ValidationFailure) -> Double {
            switch setting.change {
            case .to(let value): return try checked(value)
            case .by(let share): return try checked(base * (1 + share))
            case .toList: throw refuse("a list sets a deduction or drop-off by year", allowed: "one number")
            }
        }
        func changed(_ shares: YearlyShares) throws(ValidationFailure) -> YearlyShares {
            if case .to(let value) = setting.change { return .constant(try checked(value)) }
            if case .toList(let list) = setting.change {
                var result: [Double] = []
                for share in list { result.append(try checked(share)) }
                return .byYear(result)
            }
            switch shares {
            case .constant(let share): return .constant(try changed(share))
            case .byYear(let list):
                var result: [Double] = []
                for share in list { result.append(try changed(share)) }
                return .byYear(result)
            }
        }
        func changed(_ definition: StatedValue.Definition) throws(ValidationFailure) -> StatedValue.Definition {
            switch (definition, setting.change) {
            case (.given(let base), _): return .given(try changed(base))
            case (.records(_, let reading?), _): return .given(try changed(reading.value))
            case (.records(_, reading: nil), _):
                throw refuse("its records have not been read; give --data", allowed: "a quantity read from --data")
            case (.formula, .to(let value)): return .given(try checked(value))
            case (.formula, .toList):
                throw refuse("a list sets a deduction or drop-off by year", allowed: "one number or a change in %")
            case (.formula(let expression, _), .by(let share)):
                let scaled = Expression.binary(.multiply, expression, .number(1 + share, at: 0), at: 0)
                return .formula(scaled, text: NamedValue.canonical(scaled))
            }
        }
        func update(_ id: String, _ body: (inout Outcome) throws(ValidationFailure) -> Void) throws(ValidationFailure) {
            for index in outcomes.indices where outcomes[index].declaredID == id { try body(&outcomes[index]) }
        }
        func deduction(_ assumption: inout Assumption<YearlyShares>?) throws(ValidationFailure) {
            var current = assumption ?? Assumption(.constant(0))
            current.value = try changed(current.value)
            assumption = current
        }
        switch kind {
        case .discountRate:
            conventions.discounting.bands[0].rate = try changed(conventions.discounting.bands[0].rate)
        case .quantity(let id):
            try update(id) { (outcome) throws(ValidationFailure) in
                outcome.quantity.definition = try changed(outcome.quantity.definition)
            }
        case .proxy(let id):
            try update(id) { (outcome) throws(ValidationFailure) in
                outcome.proxy.amount.definition = try changed(outcome.proxy.amount.definition)
            }
        case .deduction(let id, .deadweight):
            try update(id) { (outcome) throws(ValidationFailure) in try deduction(&outcome.deadweight) }
        case .deduction(let id, .displacement):
            try update(id) { (outcome) throws(ValidationFailure) in try deduction(&outcome.displacement) }
        case .deduction(let id, .attribution):
            try update(id) { (outcome) throws(ValidationFailure) in try deduction(&outcome.attribution) }
        case .dropOff(let id):
            try update(id) { (outcome) throws(ValidationFailure) in try deduction(&outcome.dropOff) }
        case .duration(let id):
            try update(id) { (outcome) throws(ValidationFailure) in
                outcome.duration.value = Int(try changed(Double(outcome.duration.value)))
            }
        case .value(let name):
            if let index = values.firstIndex(where: { $0.name == name }) {
                values[index].definition = try changed(values[index].definition)
            } else if var value = modelValues[name] {
                value.definition = try changed(value.definition)
                modelValues[name] = value
            }
        }
        commandLineSettings.append(CommandLineSetting(kind: kind, text: setting.description))
    }

    /// The assumption a setting's name refers to.
    private func settableKind(
        _ name: String, refuse: (String, String) -> ValidationFailure
    ) throws(ValidationFailure) -> UncertainParameter.Kind {
        let fields =
            "values.NAME (or NAME), outcomes[ID].quantity, .proxy, .deadweight, .displacement, .attribution, "
            + ".drop_off, .duration, conventions.discount_rate"
        if name == "conventions.discount_rate" {
            guard conventions.discounting.bands.count == 1 else {
                throw refuse("the scenario declares its discount rate in bands, so no one rate can be set", fields)
            }
            return .discountRate
        }
        if name.hasPrefix("outcomes["), let close = name.firstIndex(of: "]") {
            let id = String(name[name.index(name.startIndex, offsetBy: 9)..<close])
            let field = name[name.index(after: close)...]
            guard outcomes.contains(where: { $0.declaredID == id }) else {
                let known = Array(Set(outcomes.map(\.declaredID))).sorted().joined(separator: ", ")
                throw refuse("the scenario has no outcome '\(id)'", "one of its outcomes: \(known)")
            }
            // An outcome's assumptions go by the names sensitivity analysis gives them.
            let kinds: [UncertainParameter.Kind] =
                [.quantity(outcome: id), .proxy(outcome: id)]
                + DeductionKind.allCases.map { .deduction(outcome: id, $0) }
                + [.dropOff(outcome: id), .duration(outcome: id)]
            guard
                let kind = kinds.first(where: {
                    UncertainParameter(kind: $0, base: 0, uncertainty: Uncertainty()).name == name
                })
            else { throw refuse("an outcome has no field '\(field.dropFirst())' to set", fields) }
            return kind
        }
        let valueName = name.hasPrefix("values.") ? String(name.dropFirst("values.".count)) : name
        if values.contains(where: { $0.name == valueName }) || modelValues[valueName] != nil {
            return .value(name: valueName)
        }
        throw refuse("'\(name)' is not an assumption or named value of the scenario or the models it uses", fields)
    }

    private static func describe(_ domain: ClosedRange<Double>) -> String {
        switch (domain.lowerBound, domain.upperBound) {
        case (-Double.greatestFiniteMagnitude, Double.greatestFiniteMagnitude): return "any finite number"
        case (let low, Double.greatestFiniteMagnitude): return "at least \(NumberFormat.shortest(low))"
        case (let low, let high): return "from \(NumberFormat.shortest(low)) to \(NumberFormat.shortest(high))"
        }
    }
}

/// A setting as applied to a scenario: the assumption it changed and the setting as given.
public struct CommandLineSetting: Sendable, Equatable {
    public var kind: UncertainParameter.Kind
    public var text: String
}
