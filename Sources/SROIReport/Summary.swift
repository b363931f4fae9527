import SROICore

/// Fixed-point text for people: money and ratios to two decimals with thousands separators.
/// Only rendering rounds; the figures themselves are never rounded.
public enum Display {
    public static func fixed(_ value: Double, decimals: Int = 2) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e17 else { return NumberFormat.shortest(value) }
        let whole = UInt64(scaled) / UInt64(scale)
        let fraction = UInt64(scaled) % UInt64(scale)
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = "," + digits.suffix(3) + grouped
            digits = String(digits.dropLast(3))
        }
        grouped = digits + grouped
        if decimals > 0 {
            let fractionText = String(fraction)
            grouped += "." + String(repeating: "0", count: decimals - fractionText.count) + fractionText
        }
        return (negative && scaled != 0 ? "-" : "") + grouped
    }

    /// The SROI Guide's payback as a person reads it: months, and when it lies beyond the
    /// analysis period, that said beside it (the discounted payback is the figure to act on).
    public static func payback(_ figure: Figure, scenario: Scenario, currency: Currency) -> String {
        let shown = Self.figure(figure, currency: currency)
        let years = scenario.analysisYears.value
        guard let months = figure.value.number, months > Double(years * 12) else { return shown }
        return "\(shown), beyond the \(years)-year analysis period"
    }

    /// A count or amount as a person reads it: at most two decimals, none when whole.
    public static func quantity(_ value: Double) -> String {
        let text = fixed(value)
        return text.hasSuffix(".00") ? String(text.dropLast(3)) : text
    }

    /// A figure as a person reads it: money with its currency, ratios as `1.52 : 1`.
    public static func figure(_ figure: Figure, currency: Currency) -> String {
        switch figure.value {
        case .undefined(let reason): return "undefined (\(reason))"
        case .number(let value):
            if figure.unit == currency.code { return "\(currency.code) \(fixed(value))" }
            if figure.unit == "\(currency.code)/\(currency.code)" { return "\(fixed(value)) : 1" }
            if figure.unit == "month" { return "\(fixed(value, decimals: 1)) months" }
            if figure.unit == "year" { return "\(fixed(value, decimals: 1)) years" }
            return "\(fixed(value)) \(figure.unit)"
        }
    }
}

extension Display {
    /// The what-ifs set on the command line, in words; `nil` when there are none.
    public static func commandLineSettings(_ scenario: Scenario) -> String? {
        guard !scenario.commandLineSettings.isEmpty else { return nil }
        let list = scenario.commandLineSettings.map { "--set \($0.text)" }.joined(separator: ", ")
        return "figures evaluated with \(list) on the command line, not as the scenario file states them."
    }

    /// An assumption as people call it: `Attribution: Hours worked by directly employed staff`,
    /// a named value by its label.
    public static func parameterName(
        _ parameter: UncertainParameter, in scenario: Scenario, outcomes: OutcomeIndex? = nil
    ) -> String {
        let index = outcomes ?? OutcomeIndex(scenario)
        return parameterName(
            parameter,
            outcome: { id in
                let outcome = index.outcome(declared: id, in: scenario)
                return outcome.flatMap { $0.summary ?? $0.indicator } ?? id
            },
            value: { valueName($0, in: scenario) })
    }

    /// A named value as people call it: its label, the label (or description) of the model entry
    /// it is or replaces, its own short reason, or its name.
    public static func valueName(_ name: String, in scenario: Scenario) -> String {
        let own = scenario.values.first { $0.name == name }
        // A scenario's replacement of a model entry keeps the entry's label.
        return own?.label ?? scenario.modelValues[name].flatMap { $0.label ?? $0.rationale }
            ?? own?.rationale.flatMap { $0.count <= 80 ? $0 : nil } ?? name
    }

    /// An assumption's name from the names of its outcome and of its named value.
    static func parameterName(
        _ parameter: UncertainParameter, outcome: (String) -> String, value: (String) -> String
    ) -> String {
        switch parameter.kind {
        case .quantity(let id): return "Quantity: \(outcome(id))"
        case .proxy(let id): return "Financial proxy: \(outcome(id))"
        case .deduction(let id, let kind): return "\(kind.title): \(outcome(id))"
        case .dropOff(let id): return "Drop-off: \(outcome(id))"
        case .duration(let id): return "Duration: \(outcome(id))"
        case .discountRate: return "Discount rate"
        case .value(let name): return value(name)
        }
    }

    /// The unit a named value or proxy is stated in, for switching values in words.
    public static func unit(
        of parameter: UncertainParameter, in scenario: Scenario, outcomes: OutcomeIndex? = nil
    ) -> String? {
        switch parameter.kind {
        case .value(let name):
            return (scenario.values.first { $0.name == name } ?? scenario.modelValues[name])?.unit?.description
        case .proxy(let id):
            let index = outcomes ?? OutcomeIndex(scenario)
            guard let price = index.outcome(declared: id, in: scenario)?.proxy.price else { return nil }
            return price.per.map { "\(price.currency.code)/\($0)" } ?? price.currency.code
        case .quantity(let id):
            return (outcomes ?? OutcomeIndex(scenario)).outcome(declared: id, in: scenario)?.quantityUnit?.value
        case .duration: return "year"
        default: return nil
        }
    }

    /// A count with its noun, singular or plural as the count needs: "1 input", "3 inputs".
    public static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// Names joined as prose: "a", "a and b", "a, b and c".
    public static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// Prose broken into lines of at most `width` characters at spaces, each after `indent`.
    public static func wrap(_ text: String, width: Int = 100, indent: String = "") -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && indent.count + line.count + 1 + word.count > width {
                lines.append(indent + line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines
    }

    /// A value in its unit: `GBP 49.28 an hour`, `12.5 hours`, `25.0%` for a share.
    static func amount(_ value: Double, unit: String?, share: Bool) -> String {
        if share { return fixed(value * 100, decimals: 1) + "%" }
        guard let unit, unit != "1" else { return fixed(value) }
        if unit == "year" { return "\(NumberFormat.shortest(value)) year\(value == 1 ? "" : "s")" }
        let parts = unit.split(separator: "/", maxSplits: 1).map(String.init)
        if let currency = Currency(code: parts[0]) {
            let money = "\(currency.code) \(fixed(value))"
            guard parts.count == 2 else { return money }
            let per = parts[1]
            let article = ("aeiou".contains(per.first ?? "x") && !per.hasPrefix("u")) || per == "hour" ? "an" : "a"
            return "\(money) \(article) \(per)"
        }
        return "\(fixed(value)) \(unit)"
    }

    /// A switching value in words: the value at which the ratio crosses the target, which way
    /// the assumption has to move, how far that is from its base, and whether it lies within the
    /// declared range.
    public static func switching(_ entry: SensitivityAnalysis.Entry, target: Double, unit: String? = nil) -> String {
        let parameter = entry.parameter
        func show(_ value: Double) -> String { amount(value, unit: unit, share: parameter.isShare) }
        func change(_ value: Double) -> String {
            let base = parameter.base
            guard base != 0 else { return "from a base of 0" }
            let percent = (value - base) / abs(base) * 100
            let size = fixed(abs(percent), decimals: 1)
            if size == "0.0" { return "at its base of \(show(base))" }
            return "\(size)% \(percent < 0 ? "below" : "above") its base of \(show(base))"
        }
        // Which side of the switching value the ratio lies under the target.
        func crossing(_ value: Double) -> String {
            let target = "\(NumberFormat.shortest(target)) : 1"
            guard let low = entry.ratioAtLow.number, let high = entry.ratioAtHigh.number, low != high else {
                return "the ratio is \(target) at \(show(value))"
            }
            return
                "the ratio falls below \(target) when it \(low < high ? "falls below" : "rises above") \(show(value))"
        }
        let range = "\(show(entry.low)) to \(show(entry.high))"
        let switching = entry.switchingValue
        if let value = switching.value {
            return "\(crossing(value)), \(change(value)); within its range \(range)"
        }
        if let value = switching.outsideRange {
            return "not within its range \(range): \(crossing(value)), \(change(value))"
        }
        if let note = switching.note, note.contains("does not depend") {
            return "never: the ratio does not depend on it"
        }
        return "not at any value it can take (range \(range))"
    }
}

/// The terminal summary of `sroi run`.
public enum Summary {
    public static func text(_ evaluation: Evaluation, scenario: Scenario) -> String {
        let results = evaluation.results
        let currency = results.currency
        func show(_ figure: Figure) -> String { Display.figure(figure, currency: currency) }
        var lines: [String] = []
        lines.append(scenario.title)
        if let organisation = scenario.organisation { lines.append(organisation) }
        if let note = scenario.illustrativeNote { lines.append("ILLUSTRATIVE: \(note)") }
        if let settings = Display.commandLineSettings(scenario) { lines.append("WHAT-IF: \(settings)") }
        lines.append("")
        let headline: [(String, Figure)] = [
            ("Total present value", results.totalPresentValue),
            ("Total inputs", results.totalInputs),
            ("Net present value", results.netPresentValue),
            ("SROI ratio", results.sroiRatio),
            ("Net SROI ratio", results.netSROIRatio),
            ("Payback", results.paybackMonths),
            ("Discounted payback", results.discountedPaybackYears),
        ]
        lines += table(
            headline.map { label, figure in
                (
                    label,
                    label == "Payback" ? Display.payback(figure, scenario: scenario, currency: currency) : show(figure)
                )
            })
        let names = Dictionary(uniqueKeysWithValues: scenario.stakeholders.map { ($0.id, $0.name ?? $0.id) })
        lines.append("")
        lines.append("Present value by stakeholder")
        lines += table(
            results.byStakeholder.map { (names[$0.stakeholder] ?? $0.stakeholder, show($0.figure)) }, indent: "  ")
        lines.append("")
        lines.append("Present value by value type")
        lines += table(results.byValueType.map { ($0.valueType.rawValue, show($0.figure)) }, indent: "  ")
        lines.append("")
        lines.append("Present value by year")
        lines += table(
            results.byYear.map { entry in
                let label = scenario.firstCalendarYear == nil ? "" : " (\(scenario.yearLabel(entry.year)))"
                return ("Year \(entry.year)\(label)", show(entry.figure))
            }, indent: "  ")
        lines.append("")
        if let source = scenario.recordSource {
            lines.append("Recorded data: \(source.database) (fingerprint \(source.fingerprint.prefix(16))…)")
        }
        lines.append(
            "Conventions: discount_from \(scenario.conventions.discountFrom.value.rawValue); " + discounting(scenario))
        var integrity: [String: [Diagnostic]] = [:]
        for warning in evaluation.warnings {
            if warning.field.hasPrefix("integrity[") {
                integrity[warning.field, default: []].append(warning)
            } else {
                lines.append("warning: \(warning)")
            }
        }
        for (rule, findings) in integrity.sorted(by: { $0.key < $1.key }) {
            let shown = findings.prefix(3).map { "  \($0.message)" }
            lines.append("warning: \(rule): \(findings.count) finding\(findings.count == 1 ? "" : "s"), for example:")
            lines += shown
            if findings.count > shown.count { lines.append("  (all \(findings.count) are listed in results.json)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The discounting in words: the schedule or rate, and the convention.
    public static func discounting(_ scenario: Scenario) -> String {
        let schedule = scenario.conventions.discounting
        if let name = schedule.name { return "discount schedule \(name)" }
        if schedule.bands.count == 1 { return "discount rate \(NumberFormat.shortest(schedule.bands[0].rate))" }
        return "discount rate bands "
            + schedule.bands.map { "from \($0.fromYear): \(NumberFormat.shortest($0.rate))" }.joined(separator: ", ")
    }

    static func table(_ rows: [(String, String)], indent: String = "") -> [String] {
        let width = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        return rows.map { label, value in
            indent + label + String(repeating: " ", count: width - label.count + 2)
                + String(repeating: " ", count: valueWidth - value.count) + value
        }
    }
}

/// Where the first outcome of each declared id sits in a scenario: names and units of thousands
/// of assumptions are looked up without a scan of every outcome for each.
public struct OutcomeIndex: Sendable {
    var positions: [String: Int] = [:]

    public init(_ scenario: Scenario) {
        for (position, outcome) in scenario.outcomes.enumerated() where positions[outcome.declaredID] == nil {
            positions[outcome.declaredID] = position
        }
    }

    public func outcome(declared id: String, in scenario: Scenario) -> Outcome? {
        positions[id].map { scenario.outcomes[$0] }
    }
}
