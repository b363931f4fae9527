import Foundation
import SROICore
import SROILoad
import SROIReport
import Testing

/// "Involve stakeholders: yes" and "cites a source" hold only where the scenario declares what
/// supports them; a chapter's prose or a blank source never does.
@Suite struct DeclaredClaimsTests {
    private func principles(_ yaml: String) throws -> [String: (status: PrincipleStatus, by: String)] {
        let loaded = try Support.load(yaml)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        let input = try ReportInput.prepare(
            loaded.scenario, evaluation: evaluation, provenance: Provenance(files: []))
        var table: [String: (PrincipleStatus, String)] = [:]
        for row in input.principles { table[row.principle] = (row.status, row.by) }
        return table
    }

    @Test func aChapterSayingStakeholdersWereNotEngagedWithNoRecordGetsNo() throws {
        let yaml = Support.scenario(top: [
            "report:",
            "  chapters:",
            "    stakeholders: \"Stakeholders were not engaged directly.\"",
        ])
        let table = try principles(yaml)
        #expect(table["1. Involve stakeholders"]?.status == .no)
        #expect(table["1. Involve stakeholders"]?.by.contains("no engagement") == true)
        // Recomputation is not verification in the SROI sense.
        #expect(table["7. Verify the result"]?.status == .notRecorded)
        #expect(table["4. Only include what is material"]?.status == .notRecorded)
    }

    @Test func recordsOfEngagementMaterialityAndAssuranceSupportYes() throws {
        let yaml = Support.scenario(top: [
            "report:",
            "  engagement:",
            "    - {stakeholder: participants, people: 12, method: interviews, when: 2024-05}",
            "  materiality:",
            "    - {outcome: jobs, decision: included, reason: the change the programme is for}",
            "    - {outcome: Family income, decision: excluded, reason: no records}",
            "  assurance: {by: An independent assessor, date: 2025-01-10, statement: Checked against the Guide}",
        ])
        let table = try principles(yaml)
        #expect(table["1. Involve stakeholders"]?.status == .yes)
        #expect(table["1. Involve stakeholders"]?.by.contains("12 people engaged") == true)
        #expect(table["4. Only include what is material"]?.status == .yes)
        #expect(table["4. Only include what is material"]?.by.contains("1 of 1 outcomes included") == true)
        #expect(table["7. Verify the result"]?.status == .yes)
        #expect(table["7. Verify the result"]?.by.contains("An independent assessor") == true)
    }

    @Test func engagementOfAnUndeclaredStakeholderOrAnExcludedValuedOutcomeIsRefused() throws {
        for (lines, code) in [
            (["    - {stakeholder: nobody, people: 3, method: a survey, when: 2024}"], "SROI-E008"),
            (["    - {stakeholder: participants, people: 0, method: a survey, when: 2024}"], "SROI-E004"),
        ] {
            let yaml = Support.scenario(top: ["report:", "  engagement:"] + lines)
            let failure = #expect(throws: ValidationFailure.self) { try Support.load(yaml) }
            #expect(failure?.description.contains(code) == true, "\(failure?.description ?? "")")
        }
        let excluded = Support.scenario(top: [
            "report:", "  materiality:", "    - {outcome: jobs, decision: excluded, reason: small}",
        ])
        let failure = #expect(throws: ValidationFailure.self) { try Support.load(excluded) }
        #expect(failure?.description.contains("report.materiality[0].outcome") == true)
    }

    @Test(arguments: ["\"\"", "\"   \"", "{publication: \"  \"}"])
    func aBlankSourceIsRefused(_ source: String) throws {
        var lines = Support.outcomeLines
        lines[1] = "proxy: {value: 1000, currency: GBP, source: \(source)}"
        let failure = #expect(throws: ValidationFailure.self) { try Support.load(Support.scenario(outcome: lines)) }
        let text = failure?.description ?? ""
        #expect(text.contains("SROI-E005"), "\(text)")
        #expect(text.contains("scenario.yaml:"), "\(text)")
        #expect(text.contains("source"), "\(text)")
    }

    @Test func theStartersPlaceholderIsFlaggedAndNeverCounts() throws {
        var lines = Support.outcomeLines
        lines[1] = "proxy: {value: 1000, currency: GBP, source: \"Replace with the study your value comes from\"}"
        let yaml = Support.scenario(outcome: lines)
        let loaded = try Support.load(yaml)
        #expect(loaded.warnings.contains { $0.message.contains("starter's placeholder") })
        let table = try principles(yaml)
        #expect(table["3. Value the things that matter"]?.status == .no)
        #expect(table["3. Value the things that matter"]?.by.hasPrefix("0 of 1") == true)
    }
}

extension DeclaredClaimsTests {
    /// A count of people below the threshold is flagged where the report shows it; counts at or
    /// above it, and quantities that are not counts of records, are not.
    @Test func smallCountsOfPeopleAreFlaggedInTheReport() throws {
        let out = try Support.temporaryDirectory()
        let made = try Support.sroi([
            "report", Support.exampleScenario, "--data", try Support.sampleStore(), "--out", out,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let markdown = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let rows = markdown.split(separator: "\n").filter { $0.contains("by year of starting (from ") }
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let quantity = try #require(cells.first { $0.hasSuffix(" doctor") || $0.contains(" doctor (") })
            let count = try #require(Int(quantity.prefix { $0.isNumber }))
            #expect(quantity.contains("fewer than 5") == (count < 5), "\(quantity)")
        }
        #expect(!markdown.contains("hour (fewer than"))
        let refused = Support.scenario(top: ["report: {small_numbers: 0}"])
        #expect(throws: ValidationFailure.self) { try Support.load(refused) }
    }
}
