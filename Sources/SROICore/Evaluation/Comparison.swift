/// Two scenarios side by side: the assumptions that differ, and how much of the difference in
/// value each one accounts for.
///
/// The difference is attributed step by step: starting from the baseline, each differing
/// assumption in turn takes the other scenario's value, and the change in total present value
/// (and in the ratio) at that step is attributed to it. Whatever cannot be changed one value at
/// a time (an outcome present in only one scenario, another discount schedule) is attributed
/// together at the end, so the steps always add up to the whole difference. With interacting
/// assumptions the split depends on the order, which is the order of the scenario file.
public struct ScenarioComparison: Sendable {
    public struct Difference: Sendable {
        public enum Change: Sendable {
            case parameter(UncertainParameter.Kind, Double)
            case input(id: String, Double)
            case value(name: String, Double)
            /// Not changeable on its own: attributed with the remainder.
            case other
        }

        /// What differs, named as scenario files name it.
        public var name: String
        public var baseline: String
        public var other: String
        public var baselineLocation: SourceLocation?
        public var otherLocation: SourceLocation?
        var change: Change
        /// Whether this difference was applied, and its effect measured, on its own.
        public var isAttributedAlone: Bool {
            if case .other = change { return false }
            return true
        }

        /// The change in total present value attributed to this difference.
        public var presentValueEffect: Double = 0
        /// The change in the SROI ratio attributed to this difference, when both ratios are defined.
        public var ratioEffect: Double?
    }

    public var baseline: Evaluation
    public var other: Evaluation
    /// Differences in file order; those attributed one by one first, then the rest.
    public var differences: [Difference]
    /// The part of the difference in present value not attributed one assumption at a time.
    public var remainder: Double

    public init(baseline a: Scenario, other b: Scenario) throws(ValidationFailure) {
        baseline = try Evaluator().evaluate(a)
        other = try Evaluator().evaluate(b)
        var found = Self.differences(a, b)
        var current = a
        var currentResults = baseline.results
        for index in found.indices {
            let next: Scenario
            switch found[index].change {
            case .parameter(let kind, let value): next = current.setting(kind, to: value)
            case .input(let id, let value): next = current.settingInput(id, to: value)
            case .value(let name, let value): next = current.settingValue(name, to: value)
            case .other: continue
            }
            let results = try Evaluator().evaluate(next).results
            found[index].presentValueEffect =
                (results.totalPresentValue.value.number ?? 0) - (currentResults.totalPresentValue.value.number ?? 0)
            if let before = currentResults.sroiRatio.value.number, let after = results.sroiRatio.value.number {
                found[index].ratioEffect = after - before
            }
            current = next
            currentResults = results
        }
        remainder =
            (other.results.totalPresentValue.value.number ?? 0) - (currentResults.totalPresentValue.value.number ?? 0)
        differences =
            found.filter { if case .other = $0.change { return false } else { return true } }
            + found.filter { if case .other = $0.change { return true } else { return false } }
    }

    static func differences(_ a: Scenario, _ b: Scenario) -> [Difference] {
        var found: [Difference] = []
        var noted: Set<String> = []
        func text(_ value: Double) -> String { NumberFormat.shortest(value) }
        // Cohorts of one outcome share its assumptions: each difference is noted once.
        func note(
            _ name: String, _ x: String, _ y: String, _ lx: SourceLocation?, _ ly: SourceLocation?,
            _ change: Difference.Change = .other
        ) {
            guard x != y, noted.insert(name).inserted else { return }
            found.append(
                Difference(name: name, baseline: x, other: y, baselineLocation: lx, otherLocation: ly, change: change))
        }
        // Conventions.
        let ca = a.conventions
        let cb = b.conventions
        note(
            "conventions.discount_from", ca.discountFrom.value.rawValue, cb.discountFrom.value.rawValue,
            ca.discountFrom.location, cb.discountFrom.location)
        if ca.discounting.bands.count == 1, cb.discounting.bands.count == 1, ca.discounting.name == cb.discounting.name
        {
            note(
                "conventions.discount_rate", text(ca.discounting.bands[0].rate), text(cb.discounting.bands[0].rate),
                ca.discounting.location, cb.discounting.location,
                .parameter(.discountRate, cb.discounting.bands[0].rate))
        } else {
            func describe(_ schedule: DiscountSchedule) -> String {
                schedule.name ?? schedule.bands.map { "\($0.fromYear): \(text($0.rate))" }.joined(separator: ", ")
            }
            note(
                "conventions.discount_rate", describe(ca.discounting), describe(cb.discounting),
                ca.discounting.location, cb.discounting.location)
        }
        note(
            "conventions.discount_inputs", String(ca.discountInputs.value), String(cb.discountInputs.value),
            ca.discountInputs.location,
            cb.discountInputs.location)
        note(
            "price_base_year", a.priceBaseYear?.value.label ?? "none", b.priceBaseYear?.value.label ?? "none",
            a.priceBaseYear?.location,
            b.priceBaseYear?.location)
        note(
            "report_currency", a.reportCurrency.value.code, b.reportCurrency.value.code, a.reportCurrency.location,
            b.reportCurrency.location)
        note(
            "analysis_period.years", String(a.analysisYears.value), String(b.analysisYears.value),
            a.analysisYears.location, b.analysisYears.location)

        // Named values, by name.
        for value in a.values {
            let name = "values.\(value.name)"
            guard let match = b.values.first(where: { $0.name == value.name }) else {
                note(name, "declared", "absent", value.location, nil)
                continue
            }
            switch (value.definition, match.definition) {
            case (.given(let x), .given(let y)) where value.unit == match.unit:
                note(name, text(x), text(y), value.location, match.location, .value(name: value.name, y))
            case (.formula(_, let x), .formula(_, let y)):
                note(name, x, y, value.formulaLocation, match.formulaLocation)
            case (.records(let x), .records(let y)):
                note(name, x.summary, y.summary, value.location, match.location)
            default:
                note(name, "one definition", "another definition", value.location, match.location)
            }
            note(
                "\(name).unit", value.unit?.description ?? "", match.unit?.description ?? "", value.location,
                match.location)
        }
        for value in b.values where !a.values.contains(where: { $0.name == value.name }) {
            note("values.\(value.name)", "absent", "declared", nil, value.location)
        }

        // Inputs, by id.
        for input in a.inputs {
            guard let match = b.inputs.first(where: { $0.id == input.id }) else {
                note("inputs[\(input.id)]", "declared", "absent", input.location, nil)
                continue
            }
            switch (input.valuation, match.valuation) {
            case (.money(let x), .money(let y)):
                note(
                    "inputs[\(input.id)].amount", text(x.value), text(y.value), x.location, y.location,
                    .input(id: input.id, y.value))
            case (.inKindTime(let hx, let rx), .inKindTime(let hy, let ry)):
                note("inputs[\(input.id)].in_kind.hours", text(hx.value), text(hy.value), hx.location, hy.location)
                note(
                    "inputs[\(input.id)].in_kind.rate_per_hour", text(rx.value), text(ry.value), rx.location,
                    ry.location)
            default:
                note("inputs[\(input.id)]", "one valuation", "another valuation", input.location, match.location)
            }
            note(
                "inputs[\(input.id)].year", String(input.year.value), String(match.year.value), input.year.location,
                match.year.location)
        }
        for input in b.inputs where !a.inputs.contains(where: { $0.id == input.id }) {
            note("inputs[\(input.id)]", "absent", "declared", nil, input.location)
        }

        // Outcomes, by id.
        for outcome in a.outcomes {
            guard let match = b.outcomes.first(where: { $0.id == outcome.id }) else {
                note("outcomes[\(outcome.id)]", "declared", "absent", outcome.location, nil)
                continue
            }
            let id = outcome.declaredID
            let name = "outcomes[\(id)]"
            if outcome.recorded == nil, match.recorded == nil {
                note(
                    "\(name).quantity", text(outcome.quantity.value), text(match.quantity.value),
                    outcome.quantity.location,
                    match.quantity.location, .parameter(.quantity(outcome: id), match.quantity.value))
            } else {
                note(
                    "outcomes[\(outcome.id)].quantity", text(outcome.quantity.value), text(match.quantity.value),
                    outcome.quantity.location, match.quantity.location)
            }
            let pa = outcome.proxy
            let pb = match.proxy
            if pa.currency == pb.currency, pa.priceYear == pb.priceYear {
                note(
                    "\(name).proxy", text(pa.value), text(pb.value), pa.model?.location ?? pa.location,
                    pb.model?.location ?? pb.location,
                    .parameter(.proxy(outcome: id), pb.value))
            } else {
                note(
                    "\(name).proxy", "\(text(pa.value)) \(pa.currency) \(pa.priceYear?.label ?? "")",
                    "\(text(pb.value)) \(pb.currency) \(pb.priceYear?.label ?? "")", pa.location, pb.location)
            }
            note(
                "\(name).proxy.source", pa.model?.reference ?? pa.citation?.summary ?? "",
                pb.model?.reference ?? pb.citation?.summary ?? "", pa.location, pb.location)
            for kind in DeductionKind.allCases {
                let x = outcome.deduction(kind)
                let y = match.deduction(kind)
                let xs = x?.value.shares.map(text).joined(separator: ", ") ?? "0"
                let ys = y?.value.shares.map(text).joined(separator: ", ") ?? "0"
                if case .constant(let value)? = y?.value, x?.value.isByYear != true {
                    note(
                        "\(name).\(kind.rawValue)", xs, ys, x?.location, y?.location,
                        x == nil ? .other : .parameter(.deduction(outcome: id, kind), value))
                } else {
                    note("\(name).\(kind.rawValue)", xs, ys, x?.location, y?.location)
                }
            }
            let da = outcome.dropOff?.value ?? 0
            let db = match.dropOff?.value ?? 0
            note(
                "\(name).drop_off", text(da), text(db), outcome.dropOff?.location, match.dropOff?.location,
                outcome.dropOff == nil ? .other : .parameter(.dropOff(outcome: id), db))
            note(
                "\(name).duration", String(outcome.duration.value), String(match.duration.value),
                outcome.duration.location,
                match.duration.location, .parameter(.duration(outcome: id), Double(match.duration.value)))
            note(
                "\(name).start_year", String(outcome.startYear.value), String(match.startYear.value),
                outcome.startYear.location, match.startYear.location)
            note(
                "\(name).value_type", outcome.valueType.value.rawValue, match.valueType.value.rawValue,
                outcome.valueType.location, match.valueType.location)
            note(
                "\(name).stakeholder", outcome.stakeholder.value, match.stakeholder.value, outcome.stakeholder.location,
                match.stakeholder.location)
            note(
                "\(name).confidence", outcome.confidence?.value ?? "none", match.confidence?.value ?? "none",
                outcome.confidence?.location, match.confidence?.location)
        }
        for outcome in b.outcomes where !a.outcomes.contains(where: { $0.id == outcome.id }) {
            note("outcomes[\(outcome.id)]", "absent", "declared", nil, outcome.location)
        }
        return found
    }
}

extension Scenario {
    /// The scenario with one given named value set to another number.
    public func settingValue(_ name: String, to number: Double) -> Scenario {
        var changed = self
        for index in changed.values.indices where changed.values[index].name == name {
            changed.values[index].definition = .given(number)
        }
        return changed
    }

    /// The scenario with one money input set to another amount.
    public func settingInput(_ id: String, to amount: Double) -> Scenario {
        var changed = self
        for index in changed.inputs.indices where changed.inputs[index].id == id {
            if case .money(var assumption) = changed.inputs[index].valuation {
                assumption.value = amount
                changed.inputs[index].valuation = .money(assumption)
            }
        }
        return changed
    }
}
