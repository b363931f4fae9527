import Foundation
import PropertyBased
import SROICore
import SROIData
import SROILoad
import Testing

/// Everything that gives a figure goes through the one evaluation plan: over many generated
/// scenarios, simulation, sensitivity and comparison agree with `run` bit for bit.
@Suite struct OneCalculationTests {
    /// Scenarios that use every part of the chain: formulas over named values, proxies in euros
    /// with a declared rate, price-year uplift, deductions listed by year, late starts, drop-off,
    /// quantities read from records in cohorts, inputs in later years, and each discount convention.
    static let scenarios = Generator<Scenario, Shrink.None<Scenario>>(run: { rng in
        var draw = Draw(rng: &rng)
        return GeneratedScenario.make(&draw)
    })

    @Test func simulationBaseCaseIsRunBitForBit() async {
        await propertyCheck(count: 300, input: Self.scenarios) { scenario in
            let run = try Evaluator().evaluate(scenario).results
            let drawn = scenario.uncertainParameters.filter { $0.uncertainty.distribution != nil }
            var workspace = Workspace(try EvaluationPlan(scenario, varying: drawn))
            #expect(same(workspace.baseHeadline.sroiRatio, run.sroiRatio.value))
            #expect(same(workspace.baseHeadline.netPresentValue, run.netPresentValue.value))
            // Every drawn assumption set, at once, to its stated value: the draw a simulation makes there.
            let atBase = workspace.headline(setting: drawn.map { ($0.kind, $0.base) })
            #expect(same(atBase.sroiRatio, run.sroiRatio.value))
            #expect(same(atBase.netPresentValue, run.netPresentValue.value))
        }
    }

    /// The simulation evaluates 16 draws side by side: each lane gives the ratio that one draw
    /// alone gives through the plan, and that `run` gives of the scenario set to that draw's values.
    @Test func everyLaneOfTheSimulationIsRunOfItsDraw() async {
        let simulated = Counter()
        await propertyCheck(count: 60, input: Self.scenarios, Gen.int(in: 0...1_000_000)) { scenario, seed in
            // 37 draws: two full batches of 16 and a part batch of 5.
            guard
                let simulation = try? Simulation.run(
                    scenario, draws: 37, seed: UInt64(seed), threads: 2, keepingDraws: true)
            else { return }
            let ratios = try #require(simulation.ratioDraws)
            simulated.add()
            let drawn = scenario.uncertainParameters.filter { $0.uncertainty.distribution != nil }
            var workspace = Workspace(try EvaluationPlan(scenario, varying: drawn))
            for draw in [0, 1, 15, 16, 31, 32, 36] {
                let values = Simulation.drawnValues(scenario, seed: UInt64(seed), draw: draw)
                let alone = workspace.headline(setting: values.map { ($0.parameter.kind, $0.value) })
                #expect(same(alone.sroiRatio, .number(ratios[draw])), "draw \(draw): one lane")
                var edited = scenario
                for (parameter, value) in values { edited = edited.setting(parameter.kind, to: value) }
                let run = try Evaluator().evaluate(edited).results
                #expect(same(run.sroiRatio.value, .number(ratios[draw])), "draw \(draw): run of the edited scenario")
            }
        }
        #expect(simulated.value >= 30, "only \(simulated.value) of 60 generated scenarios could be simulated")
    }

    @Test func everySensitivityEndIsRunOfTheEditedScenario() async {
        await propertyCheck(count: 150, input: Self.scenarios) { scenario in
            let analysis = try SensitivityAnalysis.run(scenario)
            for entry in analysis.entries {
                for (end, ratio, npv) in [
                    (entry.low, entry.ratioAtLow, entry.npvAtLow), (entry.high, entry.ratioAtHigh, entry.npvAtHigh),
                ] {
                    let edited = try Evaluator().evaluate(scenario.setting(entry.parameter.kind, to: end)).results
                    #expect(same(ratio, edited.sroiRatio.value), "\(entry.parameter.name) at \(end)")
                    #expect(same(npv, edited.netPresentValue.value), "\(entry.parameter.name) at \(end)")
                }
            }
        }
    }

    @Test func comparingWithACopyDifferingInOneFigureListsExactlyThatFigure() async {
        await propertyCheck(count: 150, input: Self.scenarios, Gen.int(in: 0...1000)) { scenario, pick in
            var changed = scenario
            let name = GeneratedScenario.changeOneFigure(&changed, pick: pick)
            let comparison = try ScenarioComparison(baseline: scenario, other: changed)
            #expect(comparison.differences.map(\.name) == [name])
            let difference = try #require(comparison.differences.first)
            // Applied alone, the one difference carries the whole change, and nothing is left over.
            #expect(difference.presentValueEffect == comparison.presentValueDifference)
            #expect(comparison.remainder == .number(0))
        }
    }

    /// Outcome figure ids have one printer and one parser: every outcome id of every trace reads
    /// back to the same outcome, cohort and figure.
    @Test func outcomeFigureIdsReadBackAsWritten() async {
        await propertyCheck(count: 100, input: Self.scenarios) { scenario in
            let trace = try Evaluator().evaluate(scenario).trace
            for node in trace.nodes where node.id.hasPrefix("outcome.") {
                let parsed = try #require(FigureID.parseOutcome(node.id), "\(node.id)")
                #expect(FigureID.outcome(parsed.outcome.description, parsed.figure) == node.id)
                #expect(scenario.outcomes.contains { $0.id == parsed.outcome.description }, "\(node.id)")
            }
        }
        #expect(OutcomeID(parsing: "jobs@year3") == OutcomeID("jobs", cohortYear: 3))
        #expect(OutcomeID(parsing: "jobs@yearly").cohortYear == nil)
    }

    @Test func everyBundledScenarioSimulatesAroundItsRunRatio() throws {
        let store = try RecordStore.openForReading(path: Support.sampleStore())
        var simulated: [String] = []
        for name in FormulaTests.bundledScenarios {
            let path = Support.packageRoot.appendingPathComponent("Scenarios/use-it/\(name).yaml").path
            let loaded = try ScenarioLoader().load(path: path).scenario
            let scenario = try RecordResolver(store: store, databaseName: "outcomes.sqlite").resolve(loaded)
            #expect(
                scenario.uncertainParameters.contains { $0.uncertainty.distribution != nil },
                "\(name) declares no distribution")
            // The agency-cover option invests nothing, so it has no ratio to simulate: said so, not simulated.
            guard let ratio = try Evaluator().evaluate(scenario).results.sroiRatio.value.number else {
                #expect(name == "trust-agency-cover")
                #expect(throws: ValidationFailure.self) {
                    try Simulation.run(scenario, draws: 100, seed: 7, threads: 1)
                }
                continue
            }
            let simulation = try Simulation.run(scenario, draws: 4000, seed: 7, threads: 2)
            #expect(simulation.ratio.minimum <= ratio && ratio <= simulation.ratio.maximum, "\(name)")
            // The run ratio lies well inside the distribution, not at one of its tails.
            #expect(simulation.ratio.p5 < ratio && ratio < simulation.ratio.p95, "\(name)")
            simulated.append(name)
        }
        #expect(simulated.count == FormulaTests.bundledScenarios.count - 1, "\(simulated)")
    }

    /// The social-enterprise scenario's quantities are read from records and formulas: they are
    /// simulated at their values, not at 0.
    @Test func quantitiesFromRecordsAndFormulasAreSimulatedAtTheirValues() throws {
        let store = try RecordStore.openForReading(path: Support.sampleStore())
        let path = Support.packageRoot.appendingPathComponent("Scenarios/use-it/social-enterprise.yaml").path
        let scenario = try RecordResolver(store: store, databaseName: "o").resolve(
            ScenarioLoader().load(path: path).scenario)
        let run = try #require(try Evaluator().evaluate(scenario).results.sroiRatio.value.number)
        let simulation = try Simulation.run(scenario, draws: 2000, seed: 1, threads: 1)
        #expect(run > 1)
        #expect(abs(simulation.ratio.median - run) < 0.1 * run)
    }

    @Test func aNamedValueFromRecordsIsRefusedWithoutData() throws {
        let yaml = Support.scenario(
            outcome: [
                "quantity: {formula: \"referrals * 2\"}", "proxy: {value: 100, currency: GBP, source: T}",
                "duration: 2", "value_type: social",
            ],
            top: ["values:", "  referrals: {records: {dataset: referrals, aggregate: count}, unit: 1}"])
        #expect(throws: ValidationFailure.self) { try Support.evaluate(yaml) }
        do {
            _ = try Support.evaluate(yaml)
        } catch let failure as ValidationFailure {
            let error = try #require(failure.errors.first)
            #expect(error.field == "values.referrals")
            #expect(error.allowed?.contains("--data") == true)
        }
        let directory = try Support.temporaryDirectory()
        let file = (directory as NSString).appendingPathComponent("referrals.yaml")
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let out = (directory as NSString).appendingPathComponent("out")
        let result = try Support.sroi(["run", file, "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("values.referrals") && result.stderr.contains("--data"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func compareListsADifferenceInAQuantityFormulaWithItsEffect() throws {
        let values = ["values:", "  a: {value: 10, unit: person}", "  b: {value: 3, unit: person}"]
        let base = ["proxy: {value: 1000, currency: GBP, per: person, source: T}", "duration: 2", "value_type: social"]
        let x = try Support.load(
            Support.scenario(outcome: ["quantity: {formula: \"a + b\"}"] + base, top: values)
        ).scenario
        let y = try Support.load(
            Support.scenario(outcome: ["quantity: {formula: \"a - b\"}"] + base, top: values)
        ).scenario
        let comparison = try ScenarioComparison(baseline: x, other: y)
        #expect(comparison.differences.map(\.name) == ["outcomes[jobs].quantity"])
        let effect = try #require(comparison.differences.first?.presentValueEffect?.number)
        // Quantity 13 → 7 people at GBP 1,000 a year for two years at 3.5%: −6,000 × (1/1.035 + 1/1.035²).
        let expected = -6000 * (1 / 1.035) + -6000 * (1 / 1.035 / 1.035)
        #expect(abs(effect - expected) < 1e-9)
    }

    @Test func undefinedFiguresStayUndefinedInAComparison() throws {
        let outcome = Support.outcomeLines
        let x = try Support.load(Support.scenario(inputs: ["- {id: grant, amount: 0}"], outcome: outcome)).scenario
        let y = try Support.load(Support.scenario(inputs: ["- {id: grant, amount: 100}"], outcome: outcome)).scenario
        let comparison = try ScenarioComparison(baseline: x, other: y)
        let difference = try #require(comparison.differences.first)
        #expect(difference.name == "inputs[grant].amount")
        #expect(difference.presentValueEffect == .number(0))
        guard case .undefined = difference.ratioEffect else {
            Issue.record("a ratio effect from an undefined ratio must be undefined")
            return
        }
    }
}

/// Bitwise equality of figure values: the same bits, or both undefined.
func same(_ a: FigureValue, _ b: FigureValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x.bitPattern == y.bitPattern
    case (.undefined, .undefined): return true
    default: return false
    }
}

/// Numbers drawn from the property checker's seeded generator.
struct Draw {
    var values: [UInt64] = []
    private var next = 0

    init(rng: inout any SeededRandomNumberGenerator) {
        values = (0..<512).map { _ in rng.next() }
    }

    mutating func word() -> UInt64 {
        defer { next = (next + 1) % values.count }
        return values[next]
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(word() % UInt64(range.count))
    }

    mutating func double(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * (Double(word() >> 11) * 0x1.0p-53)
    }

    mutating func chance(_ p: Double) -> Bool { double(0, 1) < p }
}

/// Builds scenario values directly, as a loader would, with records already read.
enum GeneratedScenario {
    static func make(_ draw: inout Draw) -> Scenario {
        let years = draw.int(3...12)
        let convention = DiscountFrom.allCases[draw.int(0...2)]
        let bands = draw.chance(0.3)
        let rate = draw.double(0, 0.08)
        var conventions = Conventions(
            discountFrom: Located(convention),
            discounting: bands
                ? DiscountSchedule(bands: [
                    .init(fromYear: 1, rate: rate), .init(fromYear: draw.int(2...years), rate: draw.double(0, 0.05)),
                ]) : .constant(rate),
            discountInputs: Located(draw.chance(0.5)))
        if !bands, draw.chance(0.5) {
            conventions.rateUncertainty = Uncertainty(
                low: rate * 0.5, high: rate + 0.02, distribution: draw.chance(0.5) ? .uniform : .triangular)
        }
        let priceIndex = PriceIndex(
            points: Dictionary(
                uniqueKeysWithValues: (2019...2024).map {
                    (PriceYear(String($0))!, PriceIndex.Point(value: 80 + Double($0 - 2019) * draw.double(2, 6)))
                }))
        let stakeholders = (0..<draw.int(1...3)).map { Stakeholder(id: "s\($0)", name: "Stakeholder \($0)") }
        let inputs = (0..<draw.int(1...3)).map { index in
            Input(
                id: "in\(index)", stakeholder: Located(stakeholders[0].id),
                valuation: .money(StatedValue(.given(draw.double(1000, 50000)))),
                currency: Located(draw.chance(0.3) ? Currency(code: "EUR")! : .gbp),
                year: Located(draw.chance(0.7) ? 1 : draw.int(1...years)))
        }
        var scenario = Scenario(
            title: "Generated", analysisYears: Located(years), firstCalendarYear: 2020,
            reportCurrency: Located(.gbp), priceBaseYear: Located(PriceYear("2024")!), conventions: conventions,
            priceIndex: priceIndex,
            optimismBias: draw.chance(0.3)
                ? OptimismBiasTable(reductions: ["high": Assumption(0.05), "low": Assumption(draw.double(0.1, 0.4))])
                : nil,
            stakeholders: stakeholders, inputs: inputs, outcomes: [])
        scenario.conversions = [
            CurrencyConversion(
                from: Currency(code: "EUR")!, to: .gbp, rate: draw.double(0.8, 0.95), date: "2024-06-30",
                source: Citation(publication: "Test rate"), location: nil)
        ]
        scenario.values = [
            NamedValue(name: "people", definition: .given(draw.double(5, 200)), unit: Unit(parsing: "person")),
            NamedValue(name: "share", definition: .given(draw.double(0.2, 0.9)), unit: .number),
            NamedValue(
                name: "rate_eur", definition: .given(draw.double(10, 400)), unit: Unit(parsing: "EUR/person"),
                priceYear: PriceYear("2022")),
            NamedValue(
                name: "referrals", definition: .records(records, reading: reading(draw.double(10, 300), year: nil)),
                unit: Unit(parsing: "person")),
            NamedValue(name: "reached", definition: .formula(try! FormulaParser.parse("people * share"))),
        ]
        for index in 0..<draw.int(1...5) {
            scenario.outcomes += outcome(index, years: years, stakeholder: stakeholders.last!.id, &draw, scenario)
        }
        return scenario
    }

    static let records = RecordedQuantity(dataset: Located("referrals"), aggregate: Located(.count))
    static let cohortRecords = RecordedQuantity(
        dataset: Located("referrals"), aggregate: Located(.count), byYear: Located("referred_on"))

    static func reading(_ value: Double, year: Int?) -> RecordsReading {
        RecordsReading(
            value: value,
            origin: RecordsOrigin(
                declaration: records.summary + (year.map { " — records of \($0)" } ?? ""), dataset: "referrals",
                sql: "SELECT COUNT(*) FROM records_referrals", parameters: [], rowsMatched: Int(value),
                fingerprint: "0", location: nil))
    }

    /// One outcome, or its cohorts when its quantity is read by year.
    static func outcome(_ index: Int, years: Int, stakeholder: String, _ draw: inout Draw, _ scenario: Scenario)
        -> [Outcome]
    {
        let id = "o\(index)"
        let start = draw.chance(0.6) ? 1 : draw.int(1...years)
        let duration = draw.int(1...(years - start + 1))
        var quantity: StatedValue
        let quantityKind = draw.int(0...2)
        switch quantityKind {
        case 0:
            quantity = StatedValue(.given(draw.double(1, 100)))
            if draw.chance(0.6) {
                let value = quantity.givenValue!
                quantity.uncertainty = Uncertainty(
                    low: value * 0.5, high: value * 1.5, distribution: draw.chance(0.5) ? .triangular : .uniform)
            }
        case 1:
            quantity = StatedValue(.formula(try! FormulaParser.parse(draw.chance(0.5) ? "reached" : "referrals / 2")))
        default:
            quantity = StatedValue(.records(records, reading: reading(draw.double(3, 80), year: nil)))
        }
        var proxy: FinancialProxy
        switch draw.int(0...3) {
        case 0: proxy = FinancialProxy(value: draw.double(50, 5000), currency: .gbp, per: "person")
        case 1:
            proxy = FinancialProxy(
                value: draw.double(50, 5000), currency: .gbp, per: "person",
                priceYear: PriceYear(String(draw.int(2019...2024))))
        case 2: proxy = FinancialProxy(value: draw.double(50, 5000), currency: Currency(code: "EUR")!, per: "person")
        default:
            proxy = FinancialProxy(
                amount: StatedValue(.formula(try! FormulaParser.parse("rate_eur * rate(EUR, GBP)"))), price: nil)
        }
        if proxy.amount.givenValue != nil, draw.chance(0.5) {
            let value = proxy.amount.givenValue!
            proxy.amount.uncertainty = Uncertainty(low: value * 0.7, high: value * 1.4, distribution: .pert)
        }
        var outcome = Outcome(
            id: id, stakeholder: Located(stakeholder), quantity: quantity, quantityUnit: Located("person"),
            proxy: proxy, duration: Located(duration), startYear: Located(start),
            valueType: Located(ValueType.allCases[draw.int(0...3)]))
        outcome.indicator = "Indicator \(index)"
        let perYear = draw.chance(0.25)
        for kind in DeductionKind.allCases where draw.chance(0.7) {
            var deduction: Assumption<YearlyShares>
            if perYear {
                deduction = Assumption(.byYear((0..<duration).map { _ in draw.double(0, 0.6) }))
            } else {
                let share = draw.double(0.05, 0.6)
                deduction = Assumption(.constant(share))
                if draw.chance(0.5) {
                    deduction.uncertainty = Uncertainty(
                        low: share * 0.5, high: min(share * 1.5, 1), distribution: .uniform)
                }
            }
            switch kind {
            case .deadweight: outcome.deadweight = deduction
            case .displacement: outcome.displacement = deduction
            case .attribution: outcome.attribution = deduction
            }
        }
        if draw.chance(0.7) {
            if draw.chance(0.3) {
                // One decline per year after the first.
                outcome.dropOff = Assumption(.byYear((1..<duration).map { _ in draw.double(0, 0.5) }))
            } else {
                let share = draw.double(0, 0.5)
                var dropOff = Assumption(YearlyShares.constant(share))
                if draw.chance(0.5) {
                    dropOff.uncertainty = Uncertainty(
                        low: share * 0.5, high: min(share + 0.2, 1), distribution: .triangular)
                }
                outcome.dropOff = dropOff
            }
        }
        if scenario.optimismBias != nil, draw.chance(0.5) {
            outcome.confidence = Located(draw.chance(0.5) ? "high" : "low")
        }
        let byYear = quantityKind == 2 && draw.chance(0.5) && years - start >= 2
        if !perYear, !byYear, outcome.dropOff?.value.isByYear != true, duration > 1, draw.chance(0.4) {
            outcome.durationUncertainty = Uncertainty(
                low: 1, high: Double(years - start + 1), distribution: .uniform)
        }
        guard byYear else { return [outcome] }
        // A quantity read by year: one cohort per year of records, each starting in its year.
        return (0..<draw.int(2...3)).map { k in
            var cohort = outcome
            let year = start + k
            cohort.id = "\(id)@year\(year)"
            cohort.startYear = Located(year)
            cohort.duration = Located(min(duration, years - year + 1))
            cohort.quantity = StatedValue(
                .records(cohortRecords, reading: reading(draw.double(1, 40), year: 2019 + year)))
            return cohort
        }.filter { $0.duration.value >= 1 }
    }

    /// Changes one figure of the scenario and returns the name a comparison gives it.
    static func changeOneFigure(_ scenario: inout Scenario, pick: Int) -> String {
        let outcome = pick % scenario.outcomes.count
        let id = scenario.outcomes[outcome].declaredID
        switch pick % 4 {
        case 0:
            let value = scenario.values[0].definition.number!
            scenario.values[0].definition = .given(value + 1)
            return "values.people"
        case 1:
            let input = pick % scenario.inputs.count
            guard case .money(var amount) = scenario.inputs[input].valuation else { fatalError() }
            amount.definition = .given(amount.givenValue! * 2)
            scenario.inputs[input].valuation = .money(amount)
            return "inputs[\(scenario.inputs[input].id)].amount"
        case 2:
            for index in scenario.outcomes.indices where scenario.outcomes[index].declaredID == id {
                scenario.outcomes[index].dropOff = Assumption(.constant(0.9))
            }
            return "outcomes[\(id)].drop_off"
        default:
            let target = scenario.outcomes[outcome]
            if target.quantity.recorded?.byYear != nil || target.id.contains("@") {
                scenario.outcomes[outcome].quantity = StatedValue(.given(123))
                return "outcomes[\(target.id)].quantity"
            }
            for index in scenario.outcomes.indices where scenario.outcomes[index].declaredID == id {
                scenario.outcomes[index].quantity = StatedValue(.formula(try! FormulaParser.parse("people * 3")))
            }
            return "outcomes[\(id)].quantity"
        }
    }
}

/// A count shared by a property check's runs.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
