import Foundation
import SROICore
import SROIData
import SROILoad
import SROIReport
import Testing

/// Proxies priced in financial years (PSSRU's unit costs) beside one priced in a calendar year (the
/// WELLBY), each uplifted by its own series to its own price base.
@Suite struct PriceSeriesTests {
    static let yaml = """
        schema: sroi-scenario/1
        title: Two price series
        analysis_period: {years: 3, first_year: 2024, year_type: financial}
        report_currency: GBP
        price_base_year: [2024, 2023-24]
        uses:
          - Models/price-indices/uk-gdp-deflator.yaml
          - Models/price-indices/nhs-cost-inflation.yaml
          - Models/wellbeing/green-book-wellby.yaml
        conventions:
          discount_from: year1
          discount_rate: 0.035
          price_index: uk-gdp-deflator/calendar-2024
        stakeholders:
          - id: trust
          - id: staff
        inputs:
          - {id: grant, amount: 100000}
        outcomes:
          - id: nurse-hours
            stakeholder: trust
            quantity: {value: 1000, unit: hour}
            proxy:
              value: 44
              currency: GBP
              per: hour
              price_year: 2021-22
              price_index: nhs-cost-inflation/pay-and-prices
              source: {publication: "Unit Costs of Health and Social Care 2022", locator: "Band 5 nurse, cost per working hour"}
            duration: 1
            value_type: fiscal_cashable
          - id: wellbeing
            stakeholder: staff
            quantity: {value: 3, unit: wellby}
            proxy: {model: green-book-wellby/wellby-central}
            duration: 1
            value_type: social
        """

    /// An index value as the model file states it, read from its text.
    static func indexValue(_ file: String, _ year: String) throws -> Double {
        let text = try String(contentsOf: Support.packageRoot.appendingPathComponent(file), encoding: .utf8)
        let line = try #require(
            text.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(year):") })
        return try #require(Double(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)))
    }

    @Test func eachProxyIsUpliftedByItsOwnSeriesShownInTheTrace() throws {
        let evaluation = try Support.evaluate(Self.yaml)
        let trace = evaluation.trace
        // By hand: P' = P × index[base] / index[price year], each in its own series.
        let nhs = "Models/price-indices/nhs-cost-inflation.yaml"
        let deflator = "Models/price-indices/uk-gdp-deflator.yaml"
        let nurse = 44 * (try Self.indexValue(nhs, "2023-24")) / (try Self.indexValue(nhs, "2021-22"))
        let wellby = 13000 * (try Self.indexValue(deflator, "2024")) / (try Self.indexValue(deflator, "2019"))
        let nurseNode = try #require(trace[FigureID.outcome("nurse-hours", .proxyInBasePrices)])
        let wellbyNode = try #require(trace[FigureID.outcome("wellbeing", .proxyInBasePrices)])
        #expect(nurseNode.value.number == nurse)
        #expect(wellbyNode.value.number == wellby)
        #expect(nurseNode.label.contains("from 2021-22 to 2023-24 prices"))
        #expect(wellbyNode.label.contains("from 2019 to 2024 prices"))
        // Each uplift reads its own series' points, named by the series.
        #expect(nurseNode.inputs.contains("price_index.nhs-cost-inflation/pay-and-prices.2023-24"))
        #expect(nurseNode.inputs.contains("price_index.nhs-cost-inflation/pay-and-prices.2021-22"))
        #expect(wellbyNode.inputs.contains("price_index.2024"))
        #expect(
            trace["price_index.nhs-cost-inflation/pay-and-prices.2021-22"]?.label.contains("nhs-cost-inflation") == true
        )
        let pv = try #require(evaluation.results.totalPresentValue.value.number)
        #expect(pv == (1000 * nurse) / 1.035 + (3 * wellby) / 1.035)
    }

    @Test func aSeriesWithoutAPriceBaseOrTheProxysYearIsRefused() throws {
        let noBase = Self.yaml.replacingOccurrences(
            of: "price_base_year: [2024, 2023-24]", with: "price_base_year: 2024")
        #expect(throws: ValidationFailure.self) { try Support.evaluate(noBase) }
        do {
            _ = try Support.load(noBase)
        } catch {
            #expect(error.description.contains("has no value for any price base year"), "\(error)")
        }
        let noYear = Self.yaml.replacingOccurrences(of: "price_year: 2021-22", with: "price_year: 2009-10")
        do {
            _ = try Support.load(noYear)
            Issue.record("a price year outside the series was accepted")
        } catch {
            #expect(error.description.contains("no value for the proxy's price year 2009-10"), "\(error)")
        }
    }

    @Test func financialYearsLabelTheAnalysisYears() throws {
        let loaded = try Support.load(Self.yaml)
        #expect((1...3).map(loaded.scenario.yearLabel) == ["2024-25", "2025-26", "2026-27"])
        let calendar = try Support.load(Self.yaml.replacingOccurrences(of: ", year_type: financial", with: ""))
        #expect((1...3).map(calendar.scenario.yearLabel) == ["2024", "2025", "2026"])
    }
}

/// Money shown in a second currency for a receiver who reports in it, at a declared rate, each
/// conversion a step of the trace.
@Suite struct SecondCurrencyTests {
    @Test func everyMoneyFigureIsAlsoShownInEurosAtTheDeclaredRate() throws {
        let data = try Support.sampleStore()
        var loaded = try ScenarioWithRecords.load(
            Support.packageRoot.appendingPathComponent("Scenarios/use-it/programme.yaml").path, data: data)
        loaded.scenario.report.secondCurrency = Located(.eur)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        let results = evaluation.results
        let declared = try #require(loaded.scenario.conversion(from: .eur, to: .gbp))
        // By hand: GBP to EUR is the inverse of the declared EUR to GBP rate.
        let rate = 1 / declared.rate
        #expect(results.secondCurrency == .eur)
        let pv = try #require(results.totalPresentValue.value.number)
        #expect(results.converted[FigureID.totalPresentValue]?.value.number == pv * rate)
        for outcome in results.outcomes {
            let value = try #require(outcome.presentValue.value.number)
            #expect(results.converted[outcome.presentValue.node]?.value.number == value * rate)
        }
        // Each conversion is in the trace, and the trace still recomputes.
        #expect(evaluation.trace["in_EUR.\(FigureID.totalPresentValue)"]?.step == .currencyConversion)
        #expect(evaluation.trace.inconsistencies().isEmpty)

        let out = try Support.temporaryDirectory()
        let made = try Support.sroi([
            "report", "Scenarios/use-it/programme.yaml", "--data", data, "--out", out, "--currency", "EUR",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        let shown = Display.figure(results.converted[FigureID.totalPresentValue]!, currency: .eur)
        #expect(html.contains("(\(shown))"))
        #expect(html.contains("<section id=\"currencies\">"))
    }

    @Test func aCurrencyWithoutADeclaredRateIsRefused() throws {
        let result = try Support.sroi([
            "report", "Scenarios/use-it/trust-recruited-staff.yaml", "--out", try Support.temporaryDirectory(),
            "--currency", "EUR",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("report.currency: money is shown in EUR only at a declared rate"))
    }
}
