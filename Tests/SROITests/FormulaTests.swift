import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// Formulas, units and currencies, against arithmetic worked by hand.
@Suite struct FormulaTests {
    /// A scenario with `values` lines, and one outcome whose quantity and proxy are given.
    private func scenario(values: [String], quantity: String, proxy: String, top: [String] = []) -> String {
        Support.scenario(
            discount: "discount_rate: 0",
            outcome: ["quantity: \(quantity)", "proxy: \(proxy)", "duration: 1", "value_type: fiscal_cashable"],
            top: top + ["values:"] + values.map { "  " + $0 })
    }

    private func errors(_ yaml: String) -> [Diagnostic] {
        do {
            _ = try Support.load(yaml)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func parserReadsPrecedenceAndFunctions() throws {
        let expression = try FormulaParser.parse("1 + 2 * 3 - min(4, 8) / 2")
        #expect(expression.evaluate { _ in 0 } == 5)
        #expect(try FormulaParser.parse("if(2 >= 3, 1, -1)").evaluate { _ in 0 } == -1)
        #expect(try FormulaParser.parse("round(2.345, 2)").evaluate { _ in 0 } == 2.35)
        #expect(
            try FormulaParser.parse("max(a, b) * rate(EUR, GBP)").references == [
                .value("a"), .value("b"), .rate(from: "EUR", to: "GBP"),
            ])
        do {
            _ = try FormulaParser.parse("hours * (rate + 2")
            Issue.record("accepted")
        } catch {
            #expect(error.offset == 17)
            #expect(error.message.hasPrefix("expected ')'"))
        }
    }

    @Test func syntaxErrorNamesTheColumnInsideTheFormula() {
        let yaml = scenario(
            values: ["hours: {value: 10, unit: hour}", "rate: {formula: \"hours * * 2\"}"], quantity: "1",
            proxy: "{value: 1, currency: GBP, source: T}")
        let error = errors(yaml).first { $0.field == "values.rate.formula" }
        // `values:` is line 5, so `rate: {formula: "hours * * 2"}` is line 7; the text starts at
        // column 20, the second `*` 8 further on.
        #expect(error?.location?.line == 7)
        #expect(error?.location?.column == 28)
        #expect(error?.message == "the formula cannot be read: unexpected '*'")
    }

    @Test func addingPoundsToHoursIsRefusedWithBothUnits() {
        let yaml = scenario(
            values: [
                "hours: {value: 10, unit: hour}", "pay: {value: 12, unit: GBP/hour}",
                "wrong: {formula: \"hours + pay\"}",
            ],
            quantity: "1", proxy: "{value: 1, currency: GBP, source: T}")
        let error = errors(yaml).first { $0.field == "values.wrong.formula" }
        #expect(error?.message == "cannot add GBP/hour to hour")
        #expect(error?.found == "hour + GBP/hour")
        // The `+` of `"hours + pay"`: the text starts at column 21 of line 8, the `+` 6 further on.
        #expect(error?.location?.line == 8)
        #expect(error?.location?.column == 27)
    }

    @Test func hoursTimesADayRateIsRefused() {
        let yaml = scenario(
            values: ["hours: {value: 100, unit: hour}", "day_rate: {value: 180, unit: GBP/day}"],
            quantity: "{formula: hours, unit: hour}", proxy: "{formula: day_rate}")
        let error = errors(yaml).first { $0.field == "outcomes[jobs].proxy" }
        #expect(error?.message == "quantity × proxy comes out in GBP*hour/day (hour × GBP/day), not in GBP")
    }

    @Test func poundsAndEurosDoNotMixWithoutARate() {
        let yaml = scenario(
            values: [
                "grant_eur: {value: 1000, unit: EUR}", "match_gbp: {value: 500, unit: GBP}",
                "total: {formula: \"match_gbp + grant_eur\"}",
            ],
            quantity: "1", proxy: "{value: 1, currency: GBP, source: T}")
        let error = errors(yaml).first { $0.field == "values.total.formula" }
        #expect(error?.message == "cannot add EUR to GBP; convert with rate(EUR, GBP)")
        let undeclared = scenario(
            values: ["grant_eur: {value: 1000, unit: EUR}", "grant: {formula: \"grant_eur * rate(EUR, GBP)\"}"],
            quantity: "1",
            proxy: "{value: 1, currency: GBP, source: T}")
        #expect(errors(undeclared).first?.message == "no rate from EUR to GBP is declared")
    }

    @Test func currencyConversionByHand() throws {
        // 1,000 EUR at 0.8467 GBP per EUR is 846.70 GBP; 10 people × (846.70 GBP / 10 person) = 846.70 GBP.
        let yaml = scenario(
            values: [
                "grant_eur: {value: 1000, unit: EUR}", "people: {value: 10, unit: person}",
                "per_person: {formula: \"grant_eur * rate(EUR, GBP) / people\"}",
            ],
            quantity: "{formula: people, unit: person}", proxy: "{formula: per_person}",
            top: [
                "conversions:",
                "  - {from: EUR, to: GBP, rate: 0.8467, date: 2024-06-28, source: {publication: \"Euro foreign exchange reference rates\", publisher: European Central Bank}}",
            ])
        let evaluation = try Support.evaluate(yaml)
        let gross = try #require(evaluation.trace["outcome.jobs.gross_value"]?.value.number)
        #expect(abs(gross - 846.7) < 1e-9)
        let rate = try #require(evaluation.trace["conversion.EUR.GBP"])
        #expect(rate.value == .number(0.8467))
        #expect(rate.unit == "GBP/EUR")
        #expect(rate.rationale == "rate of 2024-06-28")
        #expect(evaluation.trace["value.per_person"]?.unit == "GBP/person")
        #expect(evaluation.trace.inconsistencies().isEmpty)
    }

    @Test func aProxyInEurosIsConvertedAndTheTraceShowsIt() throws {
        // 10 × 100 EUR × 0.85 = 850 GBP.
        let yaml = Support.scenario(
            discount: "discount_rate: 0",
            outcome: [
                "quantity: 10", "proxy: {value: 100, currency: EUR, source: T}", "duration: 1", "value_type: social",
            ],
            top: ["conversions:", "  - {from: EUR, to: GBP, rate: 0.85, date: 2024-01-02, source: Test rate}"])
        let evaluation = try Support.evaluate(yaml)
        #expect(evaluation.trace["outcome.jobs.proxy_in_GBP"]?.step == .currencyConversion)
        #expect(abs(try #require(evaluation.results.totalPresentValue.value.number) - 850) < 1e-9)
    }

    @Test func cycleIsRefusedWithItsMembers() {
        let yaml = scenario(
            values: ["a: {formula: \"b + 1\"}", "b: {formula: \"c * 2\"}", "c: {formula: \"a - 1\"}"], quantity: "1",
            proxy: "{value: 1, currency: GBP, source: T}")
        let messages = errors(yaml).map(\.message)
        #expect(messages.contains("refers to itself through a cycle: a → b → c → a"), "\(messages)")
    }

    @Test func unknownReferenceIsNamed() {
        let yaml = scenario(
            values: ["a: {formula: \"hourz * 2\"}", "hours: {value: 1, unit: hour}"], quantity: "1",
            proxy: "{value: 1, currency: GBP, source: T}")
        let error = errors(yaml).first { $0.field == "values.a.formula" }
        #expect(error?.message == "refers to a value that is not declared")
        #expect(error?.found == "hourz")
    }

    @Test func agencySavingByHand() throws {
        // 1,000 hours; agency 60 GBP/hour capped at 50; substantive 30 GBP/hour: 20 GBP saved per hour.
        // Impact = 1,000 × 20 × (1 − 0.2) × (1 − 0.25) = 12,000; no discounting, one year.
        let yaml = Support.scenario(
            discount: "discount_rate: 0",
            outcome: [
                "quantity: {formula: hours, unit: hour}", "proxy: {formula: \"min(agency, cap) - substantive\"}",
                "deadweight: 0.2", "attribution: 0.25", "duration: 1", "value_type: fiscal_cashable",
            ],
            top: [
                "values:", "  hours: {value: 1000, unit: hour}", "  agency: {value: 60, unit: GBP/hour}",
                "  cap: {value: 50, unit: GBP/hour}", "  substantive: {value: 30, unit: GBP/hour}",
            ])
        let evaluation = try Support.evaluate(yaml)
        #expect(evaluation.trace["outcome.jobs.proxy"]?.value == .number(20))
        #expect(evaluation.trace["outcome.jobs.proxy"]?.unit == "GBP/hour")
        #expect(evaluation.results.outcomes[0].impactYear1.value == .number(12000))
        #expect(
            evaluation.trace.symbolicFormula(of: evaluation.trace["outcome.jobs.proxy"]!)
                == "P = min(agency, cap) − substantive")
        #expect(evaluation.trace.substitutedFormula(of: evaluation.trace["outcome.jobs.proxy"]!) == "min(60, 50) − 30")
    }

    @Test func trustSavingIsWhatAnAgencyHourCostsLessTheTrustsOwnFullHour() throws {
        let result = try Support.sroi([
            "explain", "Scenarios/use-it/trust-recruited-staff.yaml", "outcome.agency-hours-avoided.present_value",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Agency nurses paid double NHS staff at Royal Oldham trust"))
        #expect(result.stdout.contains("Unit Costs of Health and Social Care 2024"))
        #expect(result.stdout.contains("price_base_uplift"))
        // The cap is not a cost: nothing in the saving's derivation reads it.
        #expect(!result.stdout.contains("nhs-agency-caps"))
        for name in ["trust-recruited-staff", "health-professionals", "programme"] {
            var scenario = try ScenarioLoader().load(
                path: Support.packageRoot.appendingPathComponent("Scenarios/use-it/\(name).yaml").path
            ).scenario
            if name != "trust-recruited-staff" {
                scenario = try RecordResolver(
                    store: RecordStore.openForReading(path: Support.sampleStore()), databaseName: "outcomes.sqlite"
                ).resolve(scenario)
            }
            let evaluation = try Evaluator().evaluate(scenario)
            #expect(evaluation.trace.inconsistencies().isEmpty)
            // By hand: the agency's 52.23 (2022-23) brought to 2023-24 by the NHS Cost Inflation
            // Index, 126.7387 / 121.502, with no unrecoverable VAT, less PSSRU's 47 for a Band 5 hour.
            let agency = 52.23 * 126.7387 / 121.502
            let saving = agency * (1 + 0) - 47
            let proxy = evaluation.trace.nodes.first {
                $0.id.hasPrefix("outcome.agency-") && $0.id.hasSuffix(".proxy")
            }
            #expect(proxy?.value == .number(saving), "\(name): one model values the same hour in every scenario")
        }
    }

    static let bundledScenarios = [
        "health-professionals", "social-enterprise", "community-researchers", "programme", "trust-agency-cover",
        "trust-recruited-staff",
    ]

    @Test(arguments: bundledScenarios)
    func bundledScenarioRunsWithAUnitForEveryFigure(_ name: String) throws {
        let data = try Support.sampleStore()
        let file = "Scenarios/use-it/\(name).yaml"
        let check = try Support.sroi(["check", file, "--data", data])
        #expect(check.status == 0, "\(check.stderr)")
        let loaded = try ScenarioLoader().load(path: Support.packageRoot.appendingPathComponent(file).path)
        let store = try RecordStore.openForReading(path: data)
        let scenario = try RecordResolver(store: store, databaseName: "outcomes.sqlite").resolve(loaded.scenario)
        let evaluation = try Evaluator().evaluate(scenario)
        #expect(evaluation.trace.inconsistencies().isEmpty)
        for node in evaluation.trace.nodes {
            // A share or count without dimension is a named value's or formula's unit 1, never a chain figure's.
            #expect(
                node.step == .value || !node.unit.isEmpty && (node.unit != "1" || node.step == .formula),
                "\(name): \(node.id) has no unit")
        }
        // Every money figure of the summary carries its currency, every ratio its ": 1".
        let summary = try Support.sroi(["run", file, "--data", data]).stdout
        for line in summary.split(separator: "\n") where line.hasPrefix("Total") || line.hasPrefix("Net present") {
            #expect(line.contains("GBP "), "\(name): \(line)")
        }
        for line in summary.split(separator: "\n") where line.hasPrefix("SROI ratio") || line.hasPrefix("Net SROI") {
            #expect(line.contains(": 1") || line.contains("undefined"), "\(name): \(line)")
        }
    }

    @Test func missingUserSuppliedModelNamesTheEntriesAndWhereTheyComeFrom() throws {
        let data = try Support.sampleStore()
        let result = try Support.sroi([
            "check", "Scenarios/use-it/community-researchers-volunteering.yaml", "--data", data,
        ])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "needs entry 'regular-volunteering' of model 'hact-svb', which you supply (HACT Social Value Bank values"
            ))
        #expect(result.stderr.contains("needs entry 'high-confidence-adult' of model 'hact-svb'"))
        #expect(result.stderr.contains("it was not found at Scenarios/use-it/hact-social-value-bank.yaml"))
    }

    @Test func modelsListedByAbsolutePathAreRead() throws {
        let models = Support.packageRoot.appendingPathComponent("Models").path
        // Agency spend 3.02bn (2023-24) against 3.46bn (2022-23) uplifted by 126.7387 / 121.502: a real-terms share.
        let yaml = Support.scenario(
            discount: "discount_rate: 0\n  price_index: nhs-cost-inflation/pay-and-prices",
            outcome: [
                "quantity: {formula: \"model(\\\"nhs-agency-spending/spend-2023-24\\\") / model(\\\"nhs-agency-spending/spend-2022-23\\\")\"}",
                "proxy: {value: 1, currency: GBP, source: T}", "duration: 1", "value_type: social",
            ],
            top: [
                "price_base_year: 2023-24", "uses:", "  - \(models)/formulas/nhs-agency-spending.yaml",
                "  - \(models)/price-indices/nhs-cost-inflation.yaml",
            ])
        let evaluation = try Support.evaluate(yaml)
        let share = try #require(evaluation.trace["outcome.jobs.quantity"]?.value.number)
        #expect(abs(share - 3.02e9 / (3.46e9 * 126.7387 / 121.502)) < 1e-12)
        #expect(evaluation.trace["outcome.jobs.quantity"]?.unit == "1")
    }

    @Test func everyFormulaFormRecomputesFromItsTrace() throws {
        // Each form once, so the trace's canonical text of every form must read back and recompute.
        let yaml = scenario(
            values: [
                "a: {value: 3, unit: hour}", "b: {value: 5, unit: hour}",
                "c: {formula: \"if(a <= b, max(a, b), min(a, b)) + if(a != b, 1, 0) * a - -a / 2\"}",
                "d: {formula: \"round(c * 1.005e-1, 3) + if(a == b, a, b) + if(a >= b, a, b) + if(a > b, a, b) + if(a < b, a, b)\"}",
            ], quantity: "{formula: \"d / a\"}", proxy: "{value: 1, currency: GBP, source: T}")
        let evaluation = try Support.evaluate(yaml)
        // c = 5 + 1 × 3 + 3 / 2 = 9.5 hours; d = round(0.95475, 3) + 5 + 5 + 5 + 3 = 18.955 hours.
        #expect(evaluation.trace["value.c"]?.value == .number(9.5))
        #expect(abs(try #require(evaluation.trace["value.d"]?.value.number) - 18.955) < 1e-12)
        #expect(evaluation.trace.inconsistencies().isEmpty)
    }
}
