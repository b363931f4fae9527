import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// Options as a business case: costs by year, optimism bias on costs, the cash view with its
/// declared deductions, and the incremental figures of a comparison, against arithmetic written
/// out here.
@Suite struct BusinessCaseTests {
    static func option(quantity: Int, input: String?, cost: Int, bias: String? = nil, extra: [String] = []) -> String {
        var lines = [
            "schema: sroi-scenario/1",
            "title: Option",
            "analysis_period: {years: 2, first_year: 2024, year_type: financial}",
            "report_currency: GBP",
            "conventions:",
            "  discount_from: year1",
            "  discount_rate: 0.05",
        ]
        if let bias { lines.append("  optimism_bias_on_costs: \(bias)") }
        lines += ["stakeholders:", "  - id: trust", "inputs:"]
        lines.append(input.map { "  - {id: support, amount: \($0)}" } ?? "  []")
        lines += [
            "business_case:",
            "  costs:",
            "    - {id: running, stakeholder: trust, amount: \(cost), years: [1, 2]}",
            "outcomes:",
            "  - id: saved",
            "    stakeholder: trust",
            "    quantity: \(quantity)",
            "    proxy: {value: 20, currency: GBP, source: Test figures}",
            "    deadweight: 0.25",
            "    attribution: 0.5",
            "    drop_off: 0.1",
            "    duration: 2",
            "    value_type: fiscal_cashable",
        ]
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }

    static let f1 = 1 / 1.05
    static let f2 = (1 / 1.05) / 1.05

    @Test func aTwoOptionCaseByHand() throws {
        let a = try Support.load(Self.option(quantity: 10, input: nil, cost: 1000)).scenario
        let b = try Support.load(
            Self.option(
                quantity: 30, input: "300", cost: 900, bias: "0.2",
                extra: [
                    "  - id: eased", "    stakeholder: trust", "    quantity: 5",
                    "    proxy: {value: 10, currency: GBP, source: Test figures}", "    duration: 1",
                    "    value_type: fiscal_non_cashable",
                ])
        ).scenario
        let comparison = try ScenarioComparison(baseline: a, other: b)
        let caseA = try #require(comparison.baseline.results.businessCase)
        let caseB = try #require(comparison.other.results.businessCase)

        // A: 10 × 20 = 200 gross; the SROI chain applies deadweight and attribution, the cash view deadweight only.
        let valueA = [200.0 * (1 - 0.25) * (1 - 0) * (1 - 0.5), 200.0 * (1 - 0.25) * (1 - 0) * (1 - 0.5) * (1 - 0.1)]
        let cashA = [200.0 * (1 - 0.25) * (1 - 0), 200.0 * (1 - 0.25) * (1 - 0) * (1 - 0.1)]
        let presentA = valueA[0] * Self.f1 + valueA[1] * Self.f2
        let costsA = 1000 * Self.f1 + 1000 * Self.f2
        #expect(comparison.baseline.results.totalPresentValue.value == .number(presentA))
        #expect(caseA.costsPresentValue.value == .number(costsA))
        #expect(caseA.wholeCost.value == .number(0 + costsA))
        #expect(caseA.netPresentValue.value == .number(presentA - costsA))
        #expect(caseA.years.map(\.cashReleasing.value) == cashA.map { .number($0) })
        #expect(caseA.years.map(\.spending.value) == [.number(1000), .number(1000)])
        #expect(caseA.years.map(\.netCash.value) == [.number(cashA[0] - 1000), .number(cashA[1] - 1000)])

        // B: inputs and costs raised by 20 % optimism bias; a second, non-cashable outcome in year 1.
        let inputB = 300 * (1 + 0.2)
        let costB = 900 * (1 + 0.2)
        let valueB = [600.0 * (1 - 0.25) * (1 - 0) * (1 - 0.5), 600.0 * (1 - 0.25) * (1 - 0) * (1 - 0.5) * (1 - 0.1)]
        let cashB = [600.0 * (1 - 0.25) * (1 - 0), 600.0 * (1 - 0.25) * (1 - 0) * (1 - 0.1)]
        let presentB = (valueB[0] * Self.f1 + valueB[1] * Self.f2) + 50 * Self.f1
        let costsB = costB * Self.f1 + costB * Self.f2
        #expect(comparison.other.results.totalInputs.value == .number(inputB))
        #expect(comparison.other.results.totalPresentValue.value == .number(presentB))
        #expect(caseB.wholeCost.value == .number(inputB + costsB))
        #expect(caseB.years.map(\.spending.value) == [.number(inputB + costB), .number(costB)])
        #expect(caseB.years.map(\.cashReleasing.value) == cashB.map { .number($0) })
        #expect(caseB.years.map(\.nonCashReleasing.value) == [.number(50), .number(0)])
        // The SROI ratio counts the raised input.
        #expect(comparison.other.results.sroiRatio.value == .number(presentB / inputB))

        // B against A.
        let incremental = comparison.incremental
        #expect(incremental.benefits == .number(presentB - presentA))
        #expect(incremental.cost == .number((inputB + costsB) - costsA))
        #expect(incremental.netPresentValue == .number((presentB - (inputB + costsB)) - (presentA - costsA)))
        #expect(incremental.benefitCostRatio == .number((presentB - presentA) / ((inputB + costsB) - costsA)))
        #expect(
            incremental.netCashByYear.map(\.value) == [
                .number((cashB[0] - (inputB + costB)) - (cashA[0] - 1000)),
                .number((cashB[1] - costB) - (cashA[1] - 1000)),
            ])
        // Cheaper and better: no ratio, and the reason.
        let reversed = try ScenarioComparison(baseline: b, other: a)
        #expect(reversed.incremental.benefitCostRatio.number == nil)
    }

    @Test func theCashViewAppliesTheDeductionsItDeclares() throws {
        let text = Self.option(quantity: 10, input: nil, cost: 0).replacingOccurrences(
            of: "business_case:\n", with: "business_case:\n  cash_deductions: [deadweight, attribution]\n")
        let evaluation = try Support.evaluate(text)
        let cash = try #require(evaluation.results.businessCase)
        #expect(cash.years[0].cashReleasing.value == .number(200.0 * (1 - 0.25) * (1 - 0.5)))
        #expect(cash.convention == "cash-releasing savings after deadweight and attribution, not displacement")
        let node = try #require(evaluation.trace[FigureID.cash("saved") + ".after_attribution"])
        #expect(node.convention == cash.convention)
        // A cost whose formula is not money a year is refused with the unit it comes out in.
        let hours =
            Self.option(quantity: 10, input: nil, cost: 0).replacingOccurrences(
                of: "amount: 0, years", with: "amount: {formula: \"posts\"}, years"
            ) + "values:\n  posts: {value: 3, unit: post}\n"
        let failure = #expect(throws: ValidationFailure.self) { try Support.evaluate(hours) }
        #expect(failure?.errors.contains { $0.field == "business_case.costs[running].amount" } == true, "\(failure!)")
    }

    /// Found by the YAML fuzzer: costs declared over a period of 0 years are refused with the
    /// period's error, never a crash on an empty range of years.
    @Test func costsOverAPeriodOfNoYearsAreRefused() throws {
        for years in ["0", "-3", "100000000"] {
            let text = Self.option(quantity: 10, input: nil, cost: 5)
                .replacingOccurrences(of: "{years: 2,", with: "{years: \(years),")
                .replacingOccurrences(of: ", years: [1, 2]}", with: "}")
            let failure = #expect(throws: ValidationFailure.self) { try Support.load(text) }
            #expect(failure?.errors.contains { $0.field.hasPrefix("analysis_period") } == true, "\(years)")
        }
    }

    /// The trust's two options start from the same agency cover, so recruiting adds its saving
    /// less its support: the incremental figures are the declared costs and savings, by hand.
    @Test func theTrustsIncrementalSavingIsItsDeclaredCostsAndSavings() throws {
        func load(_ name: String) throws -> Scenario {
            try ScenarioLoader().load(
                path: Support.packageRoot.appendingPathComponent("Scenarios/use-it/\(name).yaml").path
            ).scenario
        }
        let comparison = try ScenarioComparison(
            baseline: load("trust-agency-cover"), other: load("trust-recruited-staff"))
        let trace = comparison.other.trace
        let saving = try #require(trace["model.nhs-agency-savings/saving_per_hour"]?.value.number)
        let agencyCost = try #require(trace["model.nhs-agency-savings/agency_cost"]?.value.number)
        // 10 posts × 1,545 hours × 0.6 of the hours covered by agency staff.
        let hours = 10.0 * 1545 * 0.6
        let agencyCover = 10.0 * 1545 * 0.6 * agencyCost
        let released = hours * saving * (1 - 0.25) * (1 - 0)
        let a = try #require(comparison.baseline.results.businessCase)
        let b = try #require(comparison.other.results.businessCase)
        #expect(a.years.map(\.spending.value) == Array(repeating: .number(agencyCover), count: 3))
        #expect(
            b.years.map(\.spending.value) == [.number(60000 + agencyCover), .number(agencyCover), .number(agencyCover)])
        #expect(b.years.map(\.cashReleasing.value) == Array(repeating: .number(released), count: 3))
        #expect(a.years.map(\.cashReleasing.value) == Array(repeating: .number(0), count: 3))
        // B − A: the saving released each year, less the support in the first.
        let byYear = comparison.incremental.netCashByYear.map { $0.value.number ?? .nan }
        for (t, expected) in [released - 60000, released, released].enumerated() {
            #expect(abs(byYear[t] - expected) <= 1e-9 * abs(agencyCover), "year \(t + 1)")
        }
        // The incremental NPV is the recruited option's SROI net present value, since the costs are equal.
        let npv = try #require(comparison.other.results.netPresentValue.value.number)
        let incremental = try #require(comparison.incremental.netPresentValue.number)
        #expect(abs(incremental - npv) <= 1e-9 * abs(agencyCover))
        #expect(comparison.incremental.cost == .number(60000))
        // The saving per hour: what an agency hour costs less the trust's own full hour, well above a cap-based 1.69.
        #expect(saving > 7 && saving < 8)
    }

    @Test func compareShowsTheBusinessCaseInFinancialYears() throws {
        let out = try Support.temporaryDirectory()
        let result = try Support.sroi([
            "compare", "Scenarios/use-it/trust-agency-cover.yaml", "Scenarios/use-it/trust-recruited-staff.yaml",
            "--out", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        for text in [
            "Business case (GBP, present value", "Incremental benefit-cost ratio of B against A: 1.70 : 1",
            "Cash by financial year, April to March", "2024-25", "2026-27", "B − A: net cash",
            "not attribution, which shares the credit, not the cash",
            "Nominal cash by financial year, April to March", "at an inflation of 0.02 a year",
        ] {
            #expect(result.stdout.contains(text), "\(text)")
        }
        #expect(!result.stdout.contains("Year 1 (2024)"))
        let json =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: out + "/comparison.json"))) as? [String: Any]
        let differences = try #require(json?["differences"] as? [[String: Any]])
        let incremental = try #require(differences.first?["incremental"] as? [String: Any])
        #expect(incremental["benefit_cost_ratio"] != nil && incremental["net_cash_by_year"] != nil)
        // Nominal B − A is the price-base B − A at each year's price level: 1.02, 1.02², 1.02³.
        let real = try #require(incremental["net_cash_by_year"] as? [[String: Any]]).compactMap {
            $0["net_cash"] as? Double
        }
        let nominal = try #require(incremental["nominal_net_cash_by_year"] as? [[String: Any]]).compactMap {
            $0["net_cash"] as? Double
        }
        #expect(nominal.count == 3 && real.count == 3)
        for (t, level) in [1.02, 1.02 * 1.02, 1.02 * 1.02 * 1.02].enumerated() where t < nominal.count {
            #expect(abs(nominal[t] - real[t] * level) <= 1e-9 * 1e6, "year \(t + 1)")
        }
        // Every line fits a terminal of 100 columns, but for the paths written, which are the user's.
        let wide = result.stdout.split(separator: "\n").filter { $0.count > 100 && !$0.hasPrefix("Wrote ") }
        #expect(wide.isEmpty, "\(wide)")
    }
}

extension BusinessCaseTests {
    /// The Markdown report carries the business case and cashable sections the HTML report has,
    /// with the same figures: both are rendered from one view of them.
    @Test func theMarkdownReportCarriesTheBusinessCaseAndCashableSections() throws {
        let out = try Support.temporaryDirectory()
        let made = try Support.sroi(["report", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", out])
        #expect(made.status == 0, "\(made.stderr)")
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for heading in ["The option as a business case", "Cashable savings by organisation and year"] {
            #expect(markdown.contains("## \(heading)"), "\(heading)")
            #expect(html.contains(heading), "\(heading)")
        }
        let net = try #require(
            markdown.split(separator: "\n").first { $0.hasPrefix("| Net present value | GBP") }.map {
                String($0.split(separator: "|")[1].trimmingCharacters(in: .whitespaces))
            })
        #expect(html.contains(net))
        #expect(markdown.contains("| Cash | 2024-25 | 2025-26 | 2026-27 |"))
    }
}

extension BusinessCaseTests {
    /// Nominal cash: each year's price-base cash times the price level that compounding the
    /// declared inflation from the price base reaches in that year, here by hand.
    @Test func nominalCashCompoundsInflationFromThePriceBase() throws {
        func option(base: String) -> String {
            Self.option(quantity: 10, input: "300", cost: 1000)
                .replacingOccurrences(
                    of: "report_currency: GBP\n", with: "report_currency: GBP\nprice_base_year: \(base)\n"
                )
                .replacingOccurrences(
                    of: "business_case:\n",
                    with: "business_case:\n  inflation: {value: 0.03, source: Test figures}\n")
        }
        // The price base a year before analysis year 1 (2024-25): levels 1.03 and 1.03².
        let evaluation = try Support.evaluate(option(base: "2023-24"))
        let cash = try #require(evaluation.results.businessCase)
        let levels = [1 * (1 + 0.03), 1 * (1 + 0.03) * (1 + 0.03)]
        let real = [(300 + 1000.0, 200.0 * (1 - 0.25)), (1000.0, 200.0 * (1 - 0.25) * (1 - 0.1))]
        for t in 0..<2 {
            let nominal = try #require(cash.years[t].nominal)
            #expect(nominal.priceLevel.value == .number(levels[t]))
            #expect(nominal.spending.value == .number(real[t].0 * levels[t]))
            #expect(nominal.cashReleasing.value == .number(real[t].1 * levels[t]))
            #expect(nominal.netCash.value == .number(real[t].1 * levels[t] - real[t].0 * levels[t]))
            // The price-base view is unchanged beside it.
            #expect(cash.years[t].spending.value == .number(real[t].0))
        }
        #expect(cash.inflation?.contains("2023-24 prices") == true)
        #expect(evaluation.trace["business_case.price_level.2025-26"]?.value.number == levels[1])
        // A price base after analysis year 1 deflates back to it: 2025-26 is 1, 2024-25 is 1 / 1.03.
        let later = try #require(try Support.evaluate(option(base: "2025-26")).results.businessCase)
        #expect(later.years.map { $0.nominal?.priceLevel.value } == [.number(1 / (1 + 0.03)), .number(1)])
        // Without inflation there is no nominal view at all.
        let none = try #require(
            try Support.evaluate(Self.option(quantity: 10, input: nil, cost: 5)).results.businessCase)
        #expect(none.inflation == nil && none.years.allSatisfy { $0.nominal == nil })
    }

    /// Inflation needs a price base and a first year to run between, and a rate above −1.
    @Test func inflationWithoutItsYearsOrBeyondItsRangeIsRefused() throws {
        let base = Self.option(quantity: 10, input: nil, cost: 5).replacingOccurrences(
            of: "business_case:\n", with: "business_case:\n  inflation: 0.02\n")
        let cases: [(String, String)] = [
            (base, "price_base_year"),
            (
                base.replacingOccurrences(
                    of: "report_currency: GBP\n", with: "report_currency: GBP\nprice_base_year: 2023-24\n"
                )
                .replacingOccurrences(of: "inflation: 0.02", with: "inflation: -1"), "business_case.inflation"
            ),
            (
                base.replacingOccurrences(
                    of: "report_currency: GBP\n", with: "report_currency: GBP\nprice_base_year: 1700-01\n"),
                "price_base_year"
            ),
            (
                base.replacingOccurrences(of: ", first_year: 2024, year_type: financial", with: "")
                    .replacingOccurrences(
                        of: "report_currency: GBP\n", with: "report_currency: GBP\nprice_base_year: 2023\n"),
                "analysis_period.first_year"
            ),
        ]
        for (text, field) in cases {
            let failure = #expect(throws: ValidationFailure.self) { try Support.evaluate(text) }
            #expect(failure?.errors.contains { $0.field == field } == true, "\(field): \(String(describing: failure))")
        }
    }
}
