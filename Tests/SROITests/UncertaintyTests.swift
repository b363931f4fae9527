import Foundation
import PropertyBased
import SROICore
import SROILoad
import Testing

/// Sensitivity, switching values and simulation, against figures worked by hand.
@Suite struct UncertaintyTests {
    /// One outcome, one year, no discounting: ratio = Q × P × (1 − DW) × (1 − AT) / inputs.
    private func scenario(_ outcome: [String], inputs: Double = 5000, discount: String = "discount_rate: 0") throws
        -> Scenario
    {
        try Support.load(
            Support.scenario(
                discount: discount, inputs: ["- {id: grant, amount: \(NumberFormat.shortest(inputs))}"],
                outcome: outcome)
        ).scenario
    }

    @Test func tornadoEndsMatchHandArithmetic() throws {
        // Q = 10, P = 1000, inputs 5000: ratio = 2 × (1 − DW) × (1 − AT).
        let analysis = try SensitivityAnalysis.run(
            scenario([
                "quantity: 10", "proxy: {value: 1000, currency: GBP, source: T}",
                "deadweight: {value: 0.25, range: {low: 0.1, high: 0.6}}",
                "attribution: {value: 0.2, range: {low: 0, high: 0.3}}",
                "duration: 1", "value_type: social",
            ]))
        // Base: 2 × 0.75 × 0.8 = 1.2.
        #expect(abs(try #require(analysis.baseRatio.number) - 1.2) < 1e-12)
        let deadweight = try #require(analysis.entries.first { $0.parameter.name == "outcomes[jobs].deadweight" })
        // At DW 0.1: 2 × 0.9 × 0.8 = 1.44; at 0.6: 2 × 0.4 × 0.8 = 0.64; swing 0.8.
        #expect(abs(deadweight.ratioAtLow.number! - 1.44) < 1e-12)
        #expect(abs(deadweight.ratioAtHigh.number! - 0.64) < 1e-12)
        #expect(abs(try #require(deadweight.swing) - 0.8) < 1e-12)
        let attribution = try #require(analysis.entries.first { $0.parameter.name == "outcomes[jobs].attribution" })
        // At AT 0: 2 × 0.75 = 1.5; at 0.3: 2 × 0.75 × 0.7 = 1.05; swing 0.45, so it comes second.
        #expect(abs(attribution.ratioAtLow.number! - 1.5) < 1e-12)
        #expect(abs(attribution.ratioAtHigh.number! - 1.05) < 1e-12)
        #expect(analysis.entries.map(\.parameter.name) == ["outcomes[jobs].deadweight", "outcomes[jobs].attribution"])
        // NPV at DW 0.1: 10 × 1000 × 0.9 × 0.8 − 5000 = 2200.
        #expect(abs(deadweight.npvAtLow.number! - 2200) < 1e-9)
    }

    @Test func linearSwitchingValueMakesTheRatioExactlyOne() throws {
        let base = try scenario([
            "quantity: 10", "proxy: {value: 1000, currency: GBP, source: T}",
            "deadweight: {value: 0.25, range: {low: 0.1, high: 0.6}}",
            "attribution: 0.2", "duration: 1", "value_type: social",
        ])
        let analysis = try SensitivityAnalysis.run(base)
        let switching = try #require(analysis.entries.first?.switchingValue)
        // 2 × (1 − DW) × 0.8 = 1  ⇒  DW = 1 − 1/1.6 = 0.375.
        #expect(switching.method == .exactLinear)
        let value = try #require(switching.value)
        #expect(abs(value - 0.375) < 1e-12)
        // Recomputed by a full evaluation at that value, the ratio is 1.
        let ratio = try #require(
            try Evaluator().evaluate(base.setting(.deduction(outcome: "jobs", .deadweight), to: value)).results
                .sroiRatio.value.number)
        #expect(abs(ratio - 1) < 1e-12)
        #expect(switching.ratioAtValue.map { abs($0 - 1) < 1e-12 } == true)
    }

    @Test func unreachableSwitchingValueSaysSo() throws {
        let analysis = try SensitivityAnalysis.run(
            scenario([
                "quantity: {value: 10, range: {low: 8, high: 12}}", "proxy: {value: 1000, currency: GBP, source: T}",
                "duration: 1", "value_type: social",
            ]))
        // Ratio = Q × 1000 / 5000 = Q / 5: 1.6 to 2.4, never 1 (that needs Q = 5).
        let switching = try #require(analysis.entries.first?.switchingValue)
        #expect(switching.value == nil)
        let note = try #require(switching.note)
        #expect(note.hasPrefix("the ratio does not reach 1 within the range (it would need "))
        let needed = try #require(Double(note.split(separator: " ").last!.dropLast()))
        #expect(abs(needed - 5) < 1e-12)
    }

    @Test func nonlinearSwitchingValueByBisection() throws {
        // Three years at r = 0, I = 2000, inputs 5000: ratio = 0.4 × (1 + (1 − DO) + (1 − DO)²).
        // Ratio 1 ⇔ (1 − DO)² + (1 − DO) − 1.5 = 0 ⇔ 1 − DO = (−1 + √7) / 2.
        let base = try scenario([
            "quantity: 2", "proxy: {value: 1000, currency: GBP, source: T}",
            "drop_off: {value: 0.2, range: {low: 0, high: 0.9}}", "duration: 3", "value_type: social",
        ])
        let analysis = try SensitivityAnalysis.run(base)
        let switching = try #require(analysis.entries.first?.switchingValue)
        #expect(switching.method == .bisection)
        let byHand = 1 - (7.0.squareRoot() - 1) / 2
        #expect(abs(try #require(switching.value) - byHand) < 1e-9)
        #expect(abs(try #require(switching.ratioAtValue) - 1) < 1e-9)
    }

    @Test func durationSwitchingValueIsAWholeYear() throws {
        // 1,000 a year at r = 0 against inputs 2,500: the ratio passes 1 between 2 and 3 years.
        let analysis = try SensitivityAnalysis.run(
            scenario(
                [
                    "quantity: 1", "proxy: {value: 1000, currency: GBP, source: T}",
                    "duration: {value: 4, range: {low: 1, high: 5}}", "value_type: social",
                ], inputs: 2500))
        let switching = try #require(analysis.entries.first?.switchingValue)
        #expect(switching.value == 3)
        #expect(switching.ratioAtValue == 1.2)
    }

    private func simulationScenario() throws -> Scenario {
        try scenario(
            [
                "quantity: {value: 10, range: {low: 5, high: 15}, distribution: uniform}",
                "proxy: {value: 1000, currency: GBP, source: T, range: {low: 800, high: 1500}, distribution: pert}",
                "deadweight: {value: 0.2, range: {low: 0.1, high: 0.4}, distribution: triangular}",
                "attribution: {value: 0.1, distribution: normal, sd: 0.05}",
                "drop_off: {value: 0.1, range: {low: 0, high: 0.3}, distribution: uniform}",
                "duration: {value: 3, range: {low: 2, high: 4}, distribution: uniform}",
                "value_type: social",
            ], discount: "discount_rate: {value: 0.035, range: {low: 0.015, high: 0.05}, distribution: uniform}")
    }

    @Test func sameSeedSameNumbersWithOneAndTwoThreads() throws {
        let scenario = try simulationScenario()
        let one = try Simulation.run(scenario, draws: 20_000, seed: 7, threads: 1)
        let two = try Simulation.run(scenario, draws: 20_000, seed: 7, threads: 2)
        #expect(one.ratio == two.ratio)
        #expect(one.npv == two.npv)
        #expect(one.histogram == two.histogram)
        #expect(one.probabilityAboveTarget == two.probabilityAboveTarget)
        let other = try Simulation.run(scenario, draws: 20_000, seed: 8, threads: 2)
        #expect(other.ratio.mean != one.ratio.mean)
    }

    @Test func simulationFilesAreByteIdenticalAcrossThreadCounts() throws {
        let directory = try Support.temporaryDirectory()
        let file = (directory as NSString).appendingPathComponent("s.yaml")
        try Support.scenario(outcome: [
            "quantity: {value: 10, range: {low: 5, high: 15}, distribution: triangular}",
            "proxy: {value: 1000, currency: GBP, source: T}", "duration: 3", "value_type: social",
        ]).write(toFile: file, atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        for threads in ["1", "2"] {
            let out = (directory as NSString).appendingPathComponent("out\(threads)")
            let result = try Support.sroi([
                "simulate", file, "--draws", "5000", "--seed", "42", "--threads", threads, "--out", out,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out + "/simulation.json")))
        }
        #expect(outputs[0] == outputs[1])
        #expect(!outputs[0].isEmpty)
    }

    @Test func uniformSampleMeanWithinItsStandardError() throws {
        // Only Q varies, uniformly on [5, 15]; with r = 0 and one year, ratio = Q × 1000 / 5000.
        // E[ratio] = 10 / 5 = 2; sd of the ratio = (10 / √12) / 5 ≈ 0.577; with n draws the mean's
        // standard error is 0.577 / √n. Five standard errors is a fixed, generous bound.
        let draws = 40_000
        let simulation = try Simulation.run(
            scenario([
                "quantity: {value: 10, range: {low: 5, high: 15}, distribution: uniform}",
                "proxy: {value: 1000, currency: GBP, source: T}", "duration: 1", "value_type: social",
            ]), draws: draws, seed: 2024, threads: 2)
        let standardError = (10 / 12.0.squareRoot()) / 5 / Double(draws).squareRoot()
        #expect(abs(simulation.ratio.mean - 2) < 5 * standardError)
        // The draws stay within the range's image: ratio between 1 and 3.
        #expect(simulation.ratio.minimum >= 1)
        #expect(simulation.ratio.maximum <= 3)
    }

    @Test func triangularAndPertMeansMatchTheirFormulas() throws {
        // Triangular on [0.1, 0.7] with mode 0.4 has mean 0.4; the ratio is 2 × (1 − DW), mean 1.2.
        let triangular = try Simulation.run(
            scenario([
                "quantity: 10", "proxy: {value: 1000, currency: GBP, source: T}",
                "deadweight: {value: 0.4, range: {low: 0.1, high: 0.7}, distribution: triangular}",
                "duration: 1", "value_type: social",
            ]), draws: 40_000, seed: 1, threads: 2)
        // sd of a triangular(a, b, c) = √((a²+b²+c²−ab−ac−bc)/18) ≈ 0.1225; ratio sd 0.245.
        let bound = 5 * 0.245 / 200
        #expect(abs(triangular.ratio.mean - 1.2) < bound)
        // PERT on [800, 1500], mode 1000: mean (800 + 4 × 1000 + 1500) / 6 = 1050; ratio Q × P / 5000.
        let pert = try Simulation.run(
            scenario([
                "quantity: 10",
                "proxy: {value: 1000, currency: GBP, source: T, range: {low: 800, high: 1500}, distribution: pert}",
                "duration: 1", "value_type: social",
            ]), draws: 40_000, seed: 1, threads: 2)
        // PERT sd ≤ (b − a) / 6 ≈ 116.7, so the ratio's sd ≤ 0.233.
        #expect(abs(pert.ratio.mean - 2.1) < 5 * 0.234 / 200)
    }

    @Test func percentilesAreOrdered() throws {
        let simulation = try Simulation.run(simulationScenario(), draws: 10_000, seed: 3, threads: 2)
        for summary in [simulation.ratio, simulation.npv] {
            let ordered = [
                summary.minimum, summary.p5, summary.p25, summary.median, summary.p75, summary.p95, summary.maximum,
            ]
            #expect(ordered == ordered.sorted())
        }
        #expect(simulation.histogram.counts.reduce(0, +) == 10_000)
        #expect(simulation.histogram.edges.count == simulation.histogram.counts.count + 1)
    }

    /// Percentiles by selection equal those of a full sort, written out here (NumPy's linear
    /// method), over arrays with repeats, ties and one element.
    @Test func percentilesBySelectionEqualThoseOfASort() async {
        let arrays = Gen.int(in: 0...9).array(of: 1...400)
        await propertyCheck(count: 300, input: arrays) { integers in
            let values = integers.map { Double($0) * 0.37 }
            let summary = Simulation.summarise(values)
            let sorted = values.sorted()
            func percentile(_ q: Double) -> Double {
                let position = Double(sorted.count - 1) * q
                let lower = Int(position.rounded(.down))
                let upper = min(lower + 1, sorted.count - 1)
                return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
            }
            #expect(summary.p5 == percentile(0.05))
            #expect(summary.p25 == percentile(0.25))
            #expect(summary.median == percentile(0.5))
            #expect(summary.p75 == percentile(0.75))
            #expect(summary.p95 == percentile(0.95))
            #expect(summary.minimum == sorted.first && summary.maximum == sorted.last)
        }
    }

    @Test func workspaceBaseCaseIsTheEvaluatorsBitForBit() throws {
        let loaded = try Support.loadExample()
        let evaluation = try Evaluator().evaluate(loaded)
        let workspace = Workspace(try EvaluationPlan(loaded, varying: loaded.uncertainParameters))
        #expect(workspace.baseHeadline.sroiRatio == evaluation.results.sroiRatio.value)
        #expect(workspace.baseHeadline.netPresentValue == evaluation.results.netPresentValue.value)
    }

    @Test func portableExponentialAgreesWithTheLibraryToOneUlp() {
        var generator = DrawGenerator(seed: 12, draw: 0)
        for _ in 0..<100_000 {
            let value = (generator.uniform() - 0.5) * 1400
            let ours = PortableMath.exp(value)
            let library = Foundation.exp(value)
            #expect(abs(ours - library) <= library.ulp, "exp(\(value))")
        }
        #expect(PortableMath.exp(0) == 1)
        #expect(PortableMath.exp(800) == .infinity)
        #expect(PortableMath.exp(-800) == 0)
    }

    /// The ziggurat's normals: mean 0 and variance 1 within their standard errors, and as many
    /// beyond 1.96 and beyond the ziggurat's tail point 3.44 as the normal distribution puts there.
    @Test func zigguratNormalsHaveTheNormalsMomentsAndTails() {
        let n = 2_000_000
        var sum = 0.0
        var squares = 0.0
        var beyond196 = 0
        var beyondTail = 0
        for draw in 0..<(n / 1000) {
            var generator = DrawGenerator(seed: 99, draw: UInt64(draw))
            for _ in 0..<1000 {
                let x = generator.standardNormal()
                sum += x
                squares += x * x
                if abs(x) > 1.96 { beyond196 += 1 }
                if abs(x) > 3.442619855899 { beyondTail += 1 }
            }
        }
        let mean = sum / Double(n)
        let variance = squares / Double(n) - mean * mean
        #expect(abs(mean) < 4 / Double(n).squareRoot())
        // The variance of a sample variance of normals is 2/n.
        #expect(abs(variance - 1) < 4 * (2 / Double(n)).squareRoot())
        // P(|Z| > 1.96) = 0.049996; P(|Z| > 3.4426) = 0.000576; binomial standard errors.
        let p1 = 0.0499958
        #expect(abs(Double(beyond196) / Double(n) - p1) < 4 * (p1 * (1 - p1) / Double(n)).squareRoot())
        let p2 = 0.000576
        #expect(abs(Double(beyondTail) / Double(n) - p2) < 4 * (p2 * (1 - p2) / Double(n)).squareRoot())
    }

    @Test func portableLogarithmAgreesWithTheLibraryToOneUlp() {
        var generator = DrawGenerator(seed: 11, draw: 0)
        for _ in 0..<100_000 {
            let exponent = Int(generator.next() % 80) - 40
            let value = (generator.uniform() + 0.5) * pow(2, Double(exponent))
            let ours = PortableMath.log(value)
            let library = Foundation.log(value)
            #expect(abs(ours - library) <= library.ulp, "log(\(value))")
        }
        #expect(PortableMath.log(1) == 0)
        #expect(PortableMath.log(0) == -.infinity)
        #expect(PortableMath.log(-1).isNaN)
        #expect(abs(PortableMath.log(.leastNonzeroMagnitude) - Foundation.log(.leastNonzeroMagnitude)) <= 1e-12)
    }

    @Test func invalidRangesAreRefusedWithTheirPlace() throws {
        let cases: [(String, String, String)] = [
            (
                "deadweight: {value: 0.2, range: {low: 0.5, high: 0.1}}", "outcomes[jobs].deadweight.range",
                "low must be below high"
            ),
            (
                "deadweight: {value: 0.2, range: {low: 0.1, high: 1.5}}", "outcomes[jobs].deadweight.range.high",
                "outside the values"
            ),
            (
                "deadweight: {value: 0.2, range: {low: 0.3, high: 0.5}}", "outcomes[jobs].deadweight.range",
                "must lie within its range"
            ),
            ("deadweight: {value: 0.2, distribution: uniform}", "outcomes[jobs].deadweight.range", "needs a range"),
            ("deadweight: {value: 0.2, distribution: normal}", "outcomes[jobs].deadweight.sd", "needs sd"),
            (
                "deadweight: {value: 0.2, distribution: lognormal}", "outcomes[jobs].deadweight.distribution",
                "is not a distribution"
            ),
            (
                "deadweight: {value: [0.1, 0.2, 0.3], range: {low: 0, high: 1}}", "outcomes[jobs].deadweight.range",
                "not to a list"
            ),
        ]
        for (line, field, message) in cases {
            let yaml = Support.scenario(outcome: Support.outcomeLines + [line])
            do {
                _ = try Support.load(yaml)
                Issue.record("accepted: \(line)")
            } catch {
                let diagnostic = error.errors.first { $0.field == field }
                #expect(diagnostic?.message.contains(message) == true, "\(line): \(error)")
                #expect(diagnostic?.location?.line == 19, "\(line): \(error)")
            }
        }
    }

    @Test func exampleDeclaresRangesAndTheCommandsRun() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        let sensitivity = try Support.sroi(["sensitivity", Support.exampleScenario, "--data", data, "--out", out])
        #expect(sensitivity.status == 0, "\(sensitivity.stderr)")
        #expect(sensitivity.stdout.contains("Attribution: Refugee doctors starting NHS posts, by year of starting"))
        let simulate = try Support.sroi([
            "simulate", Support.exampleScenario, "--data", data, "--draws", "2000", "--seed", "42", "--out", out,
        ])
        #expect(simulate.status == 0, "\(simulate.stderr)")
        #expect(simulate.stdout.contains("Probability that the ratio exceeds 1"))
        for name in ["sensitivity.json", "simulation.json"] {
            #expect(FileManager.default.fileExists(atPath: (out as NSString).appendingPathComponent(name)))
        }
    }
}
