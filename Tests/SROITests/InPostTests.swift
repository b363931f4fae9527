import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// A trust's workforce extract drives the cohort: people in post during each year, from a start
/// and an end date, so that staff who leave stop counting.
@Suite struct InPostTests {
    static let definition = """
        schema: sroi-dataset/1
        name: staff
        key: [person]
        columns:
          - {name: person, type: text, personal: true}
          - {name: started_on, type: date}
          - {name: left_on, type: date, optional: true}
          - {name: role, type: text}
        """

    /// A store of `rows` (`person,started_on,left_on,role`) and a scenario over financial years
    /// 2024-25 to 2026-27 whose outcome counts nurses in post.
    func evaluate(_ rows: [String], duration: Int = 1, financial: Bool = true) throws -> Evaluation {
        let directory = try Support.temporaryDirectory()
        let csv = (directory as NSString).appendingPathComponent("staff.csv")
        try (["person,started_on,left_on,role"] + rows).joined(separator: "\n").appending("\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        try Self.definition.write(toFile: CSVImporter.definitionPath(for: csv), atomically: true, encoding: .utf8)
        let path = (directory as NSString).appendingPathComponent("store.sqlite")
        _ = try CSVImporter().run(files: [csv], into: RecordStore.openForWriting(path: path))
        let yaml = Support.scenario(
            years: 3,
            outcome: [
                "quantity:", "  records:", "    dataset: staff", "    aggregate: count_distinct", "    column: person",
                "    where: {role: nurse}", "    in_post: {from: started_on, to: left_on}",
                "proxy: {value: 1000, currency: GBP, source: Test}", "duration: \(duration)", "value_type: social",
            ]
        )
        .replacingOccurrences(
            of: "analysis_period: {years: 3}",
            with: "analysis_period: {years: 3, first_year: 2024\(financial ? ", year_type: financial" : "")}")
        let resolved = try RecordResolver(store: RecordStore.openForReading(path: path), databaseName: "store.sqlite")
            .resolve(Support.load(yaml).scenario)
        return try Evaluator().evaluate(resolved)
    }

    @Test func staffWhoLeaveStopCounting() throws {
        let evaluation = try evaluate([
            "a,2023-09-01,,nurse",  // in post throughout: 3 years
            "b,2024-06-01,2025-05-31,nurse",  // 2024-25 and 2025-26
            "c,2025-03-31,2025-03-31,nurse",  // one day, the last of 2024-25
            "d,2025-04-01,,nurse",  // from 2025-26
            "e,2024-01-01,2024-03-31,nurse",  // left before the period began
            "f,2024-05-01,,doctor",  // not a nurse
        ])
        // 2024-25: a, b, c; 2025-26: a, b, d; 2026-27: a, d. Each year's people count for that year.
        #expect(evaluation.results.outcomes.map(\.id) == ["jobs@year1", "jobs@year2", "jobs@year3"])
        #expect(evaluation.trace["outcome.jobs@year1.quantity"]?.value == .number(3))
        #expect(evaluation.trace["outcome.jobs@year2.quantity"]?.value == .number(3))
        #expect(evaluation.trace["outcome.jobs@year3.quantity"]?.value == .number(2))
        // Each cohort lasts its own year: year 3 holds only the 2026-27 cohort, 2 × 1,000 discounted three steps.
        let year3 = try #require(evaluation.results.byYear.first { $0.year == 3 }?.figure.value.number)
        let factor3: Double = ((1 / 1.035) / 1.035) / 1.035
        let expected: Double = 2 * 1000 * factor3
        #expect(year3 == expected)
        let origin = evaluation.trace["outcome.jobs@year2.quantity"]?.origin
        guard case .records(let records)? = origin else {
            Issue.record("the quantity is not read from records: \(String(describing: origin))")
            return
        }
        #expect(records.declaration.hasSuffix("in post during 2025-26"))
        #expect(
            records.parameters.contains("'2026-03-31'") && records.parameters.contains("'2025-04-01'"),
            "\(records.parameters)")
    }

    @Test func calendarYearsRunJanuaryToDecember() throws {
        let evaluation = try evaluate(["c,2025-03-31,2025-03-31,nurse"], financial: false)
        // In calendar years the one day falls in 2025, year 2.
        #expect(evaluation.results.outcomes.map(\.id) == ["jobs@year2"])
    }

    @Test func aBenefitPeriodOtherThanTheYearIsRefused() throws {
        let failure = #expect(throws: ValidationFailure.self) {
            try evaluate(["a,2023-09-01,,nurse"], duration: 3)
        }
        #expect(failure?.errors.contains { $0.field == "outcomes[jobs].duration" && $0.allowed == "1" } == true)
    }
}
