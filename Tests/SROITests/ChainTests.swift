import Foundation
import SROICore
import SROILoad
import Testing

/// The chain of SROI-METHOD, checked against figures worked by hand in each test.
@Suite struct ChainTests {
    @Test func methodWorkedExample() throws {
        // SROI-METHOD's worked example: Q = 10, P = 1,000, DW 20%, AT 25%, D = 3, DO 10%, r = 3.5%.
        let yaml = Support.scenario(outcome: [
            "quantity: 10",
            "proxy: {value: 1000, currency: GBP, source: Worked example}",
            "deadweight: 0.2",
            "attribution: 0.25",
            "drop_off: 0.1",
            "duration: 3",
            "value_type: social",
        ])
        let results = try Support.evaluate(yaml).results
        let outcome = try #require(results.outcomes.first)
        // I = 10 × 1000 × 0.8 × 0.75 = 6,000; values 6,000 / 5,400 / 4,860.
        #expect(outcome.impactYear1.value == .number(6000))
        #expect(outcome.valuesByYear.map(\.value) == [.number(6000), .number(5400), .number(4860)])
        // PV = 6000/1.035 + 5400/1.035² + 4860/1.035³ = 15,221.50…
        let pv = try #require(outcome.presentValue.value.number)
        let byHand = 6000 / 1.035 + 5400 / (1.035 * 1.035) + 4860 / (1.035 * 1.035 * 1.035)
        #expect(abs(pv - byHand) < 1e-9)
        #expect(abs(pv - 15221.50) < 0.01)
        // Ratio 15,221.50 / 10,000 = 1.52; payback 10,000 / (6,000 / 12) = 20 months.
        #expect(abs(try #require(results.sroiRatio.value.number) - 1.522150) < 1e-6)
        #expect(results.paybackMonths.value == .number(20))
    }

    @Test func yearZeroLeavesYearOneUndiscounted() throws {
        let yaml = Support.scenario(discountFrom: "year0")
        let outcome = try #require(try Support.evaluate(yaml).results.outcomes.first)
        // 10 × 1000 = 10,000 a year for 3 years: 10000 + 10000/1.035 + 10000/1.035².
        let byHand = 10000 + 10000 / 1.035 + 10000 / 1.035 / 1.035
        #expect(abs(try #require(outcome.presentValue.value.number) - byHand) < 1e-9)
    }

    @Test func midYearDiscountsHalfAYearLess() throws {
        let yaml = Support.scenario(discountFrom: "mid_year")
        let outcome = try #require(try Support.evaluate(yaml).results.outcomes.first)
        // 10000 × (1.035^−0.5 + 1.035^−1.5 + 1.035^−2.5).
        let byHand = 10000 * (pow(1.035, -0.5) + pow(1.035, -1.5) + pow(1.035, -2.5))
        #expect(abs(try #require(outcome.presentValue.value.number) - byHand) < 1e-7)
    }

    @Test func scheduleBandsCompoundAcrossTheirBoundary() throws {
        // Rates 10% for steps 1-2 and 0% from step 3: F_1 = 1/1.1, F_2 = 1/1.21, F_3 = F_2.
        let yaml = Support.scenario(discount: "discount_rate: [{from_year: 1, rate: 0.1}, {from_year: 3, rate: 0}]")
        let trace = try Support.evaluate(yaml).trace
        #expect(trace["discount.factor.year1"]?.value == .number(1 / 1.1))
        #expect(trace["discount.factor.year2"]?.value == .number(1 / 1.1 / 1.1))
        #expect(trace["discount.factor.year3"]?.value == trace["discount.factor.year2"]?.value)
    }

    @Test func inKindTimeIsValuedAndDiscountedInputsUseTheFactors() throws {
        let yaml = Support.scenario(
            discount: "discount_rate: 0.1\n  discount_inputs: true",
            inputs: [
                "- {id: grant, amount: 1000, year: 1}",
                "- {id: volunteers, year: 2, in_kind: {hours: 100, rate_per_hour: 12.5}}",
            ])
        let results = try Support.evaluate(yaml).results
        // In kind: 100 h × 12.5 = 1,250 in year 2. Discounted: 1000/1.1 + 1250/1.1² = 909.09… + 1033.05…
        #expect(results.inputs[1].amount.value == .number(1250))
        let byHand = 1000 / 1.1 + 1250 / 1.1 / 1.1
        #expect(abs(try #require(results.totalInputs.value.number) - byHand) < 1e-9)
    }

    @Test func zeroInputsMakeRatiosUndefinedWithAReason() throws {
        let yaml = Support.scenario(inputs: ["- {id: grant, amount: 0}"])
        let results = try Support.evaluate(yaml).results
        guard case .undefined(let reason) = results.sroiRatio.value else {
            Issue.record("the ratio should be undefined, got \(results.sroiRatio.value)")
            return
        }
        #expect(reason.contains("inputs are 0"))
        #expect(results.netSROIRatio.value.number == nil)
        #expect(results.paybackMonths.value.number == nil)
        #expect(results.totalPresentValue.value.number != nil)
    }

    @Test func perYearDeadweightWithDropOff() throws {
        // Conformance case 14's "health" outcome by hand: G = 6 × 3000 = 18,000;
        // year 1: 18000 × 0.73 = 13,140; year 2: 18000 × 0.46 × 0.9 = 7,452; year 3: 18000 × 0.19 × 0.81 = 2,770.2.
        let yaml = Support.scenario(outcome: [
            "quantity: 6",
            "proxy: {value: 3000, currency: GBP, source: Test figures}",
            "deadweight: [0.27, 0.54, 0.81]",
            "drop_off: 0.1",
            "duration: 3",
            "value_type: social",
        ])
        let values = try #require(try Support.evaluate(yaml).results.outcomes.first).valuesByYear.compactMap(
            \.value.number)
        #expect(values.count == 3)
        for (got, want) in zip(values, [13140.0, 7452.0, 2770.2]) {
            #expect(abs(got - want) < 1e-9)
        }
    }

    @Test func optimismBiasReducesByGrade() throws {
        let yaml = Support.scenario(
            discount: "discount_rate: 0\n  optimism_bias: {\"1\": 0, \"2\": 0.25}",
            outcome: Support.outcomeLines + ["confidence: 2"])
        let outcome = try #require(try Support.evaluate(yaml).results.outcomes.first)
        // 10 × 1000 × (1 − 0.25) = 7,500.
        #expect(outcome.impactYear1.value == .number(7500))
    }

    @Test func traceRecomputesBitForBit() throws {
        let evaluation = try Evaluator().evaluate(Support.loadExample())
        #expect(evaluation.trace.nodes.count > 50)
        #expect(evaluation.trace.inconsistencies().isEmpty)
        // Every input of every node is itself a node.
        for node in evaluation.trace.nodes {
            for input in node.inputs { #expect(evaluation.trace[input] != nil, "\(node.id) uses missing \(input)") }
        }
    }

    @Test func tamperedTraceIsCaught() throws {
        var trace = try Support.evaluate(Support.scenario()).trace
        #expect(trace.inconsistencies().isEmpty)
        trace.replaceValue(of: "outcome.jobs.gross_value", with: .number(10000.000000000002))
        // The altered node no longer follows from its inputs, nor does the step computed from it.
        #expect(trace.inconsistencies().prefix(2) == ["outcome.jobs.gross_value", "outcome.jobs.after_deadweight"])
    }

    @Test func dropOffListedByYearHalvesOnceThenHolds() throws {
        // SROI-METHOD step 5: [0.5, 0, 0] over four years says half leave after the first year.
        let yaml = Support.scenario(
            inputs: ["- {id: recruitment, amount: 100000}"],
            outcome: [
                "quantity: 10", "proxy: {value: 30000, currency: GBP, source: Test figures}", "deadweight: 0.1",
                "drop_off: [0.5, 0, 0]", "duration: 4", "value_type: social",
            ])
        let evaluation = try Support.evaluate(yaml)
        let outcome = try #require(evaluation.results.outcomes.first)
        // I = 10 × 30,000 × 0.9 = 270,000; then 135,000 in each later year.
        #expect(outcome.valuesByYear.map(\.value) == [270000, 135000, 135000, 135000].map(FigureValue.number))
        #expect(evaluation.trace["outcome.jobs.drop_off.outcome_year1"]?.value == .number(0.5))
        #expect(evaluation.trace["outcome.jobs.drop_off.outcome_year3"]?.value == .number(0))
        #expect(evaluation.trace["outcome.jobs.drop_off"] == nil)
        #expect(evaluation.trace.inconsistencies().isEmpty)
        // Discounted payback: year 1 alone, 270,000 / 1.035, covers the 100,000 invested.
        let payback = try #require(evaluation.results.discountedPaybackYears.value.number)
        #expect(payback == 100000 / (270000 / 1.035))
    }

    @Test func dropOffListedByYearCompoundsOverDeductionsByYear() throws {
        let yaml = Support.scenario(
            discount: "discount_rate: 0",
            inputs: ["- {id: grant, amount: 20000}"],
            outcome: [
                "quantity: 4", "proxy: {value: 10000, currency: GBP, source: Test figures}",
                "deadweight: [0.1, 0.2, 0.3]", "attribution: 0.2", "drop_off: [0.25, 0.1]", "duration: 3",
                "value_type: social",
            ])
        let evaluation = try Support.evaluate(yaml)
        let values = try #require(evaluation.results.outcomes.first).valuesByYear.compactMap(\.value.number)
        // Year k: 40,000 × (1 − DW_k) × 0.8 × the declines before it.
        #expect(values[0] == 40000 * 0.9 * 0.8)
        #expect(values[1] == 40000 * 0.8 * 0.8 * (1 * (1 - 0.25)))
        #expect(values[2] == 40000 * 0.7 * 0.8 * (1 * (1 - 0.25) * (1 - 0.1)))
        #expect(evaluation.trace["outcome.jobs.retained.outcome_year3"]?.value == .number(0.75 * 0.9))
        #expect(evaluation.trace.inconsistencies().isEmpty)
    }

    @Test func discountedPaybackInterpolatesWithinItsYear() throws {
        // The method's worked example: values 6,000 / 5,400 / 4,860 at 3.5%, inputs 10,000.
        let outcome = [
            "quantity: 10", "proxy: {value: 1000, currency: GBP, source: Worked example}", "deadweight: 0.2",
            "attribution: 0.25", "drop_off: 0.1", "duration: 3", "value_type: social",
        ]
        let results = try Support.evaluate(Support.scenario(years: 3, outcome: outcome)).results
        let first = 6000 / 1.035
        let second = 5400 / 1.035 / 1.035
        // C_1 = 5,797.10 falls short of 10,000; C_2 = 10,838.06 covers it: 1 + (10,000 − C_1) / PV_2.
        #expect(results.discountedPaybackYears.value == .number(1 + (10000 - first) / second))
        #expect(results.discountedPaybackYears.unit == "year")
        // With 20,000 invested the three years' 15,221.50 never covers it: undefined, with the reason.
        let short = try Support.evaluate(
            Support.scenario(years: 3, inputs: ["- {id: grant, amount: 20000}"], outcome: outcome)
        ).results
        guard case .undefined(let reason) = short.discountedPaybackYears.value else {
            Issue.record("a payback beyond the analysis period was given a figure")
            return
        }
        #expect(reason.contains("within the analysis period"))
    }

    @Test func dropOffListOfTheWrongLengthIsRefusedAtItsPlace() throws {
        let yaml = Support.scenario(outcome: [
            "quantity: 1", "proxy: {value: 1, currency: GBP, source: Test figures}", "drop_off: [0.1, 0.2, 0.3]",
            "duration: 3", "value_type: social",
        ])
        do {
            _ = try Support.evaluate(yaml)
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            let diagnostic = try #require(failure.errors.first { $0.field == "outcomes[jobs].drop_off" })
            #expect(diagnostic.location?.line == 17)
            #expect(diagnostic.found == "3 entries")
            #expect(diagnostic.allowed == "2 entries (duration − 1)")
        }
        let ranged = Support.scenario(outcome: [
            "quantity: 1", "proxy: {value: 1, currency: GBP, source: Test figures}",
            "drop_off: {value: [0.1, 0.2], range: {low: 0, high: 0.5}}", "duration: 3", "value_type: social",
        ])
        #expect(throws: ValidationFailure.self) { try Support.load(ranged) }
    }
}
