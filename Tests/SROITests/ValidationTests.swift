import Foundation
import SROICore
import SROILoad
import Testing

/// A malformed scenario with a marker `‸` where the error must point, the field it must name,
/// and words its message must contain.
struct MalformedScenario: CustomTestStringConvertible, Sendable {
    var name: String
    var marked: String
    var field: String
    var message: String

    var testDescription: String { name }

    /// The text without the marker, and the 1-based line and column of the marker.
    var source: (text: String, line: Int, column: Int) {
        let lines = marked.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            if let range = line.range(of: "‸") {
                let column =
                    line.unicodeScalars.distance(
                        from: line.unicodeScalars.startIndex,
                        to: range.lowerBound.samePosition(in: line.unicodeScalars)!) + 1
                return (marked.replacingOccurrences(of: "‸", with: ""), index + 1, column)
            }
        }
        fatalError("\(name): no marker")
    }
}

private func outcome(_ name: String, _ replacing: String?, with lines: [String], field: String, message: String)
    -> MalformedScenario
{
    var body = Support.outcomeLines
    if let replacing, let index = body.firstIndex(where: { $0.hasPrefix(replacing) }) {
        body.remove(at: index)
        body.insert(contentsOf: lines, at: index)
    } else {
        body += lines
    }
    return MalformedScenario(name: name, marked: Support.scenario(outcome: body), field: field, message: message)
}

let malformedScenarios: [MalformedScenario] = [
    outcome(
        "deadweight above 1", nil, with: ["deadweight: ‸1.2"], field: "outcomes[jobs].deadweight",
        message: "out of range"),
    outcome(
        "negative attribution", nil, with: ["attribution: ‸-0.1"], field: "outcomes[jobs].attribution",
        message: "out of range"),
    outcome(
        "displacement of 2", nil, with: ["displacement: ‸2"], field: "outcomes[jobs].displacement",
        message: "out of range"),
    outcome(
        "drop-off above 1", nil, with: ["drop_off: ‸1.5"], field: "outcomes[jobs].drop_off", message: "out of range"),
    outcome(
        "deadweight list of the wrong length", nil, with: ["deadweight: ‸[0.1, 0.2]"],
        field: "outcomes[jobs].deadweight",
        message: "one share per year"),
    outcome(
        "a share in a deadweight list above 1", nil, with: ["deadweight: ‸[0.1, 0.2, 1.4]"],
        field: "outcomes[jobs].deadweight[2]", message: "out of range"),
    outcome(
        "negative quantity", "quantity", with: ["quantity: ‸-3"], field: "outcomes[jobs].quantity",
        message: "out of range"),
    outcome(
        "duration of zero", "duration", with: ["duration: ‸0"], field: "outcomes[jobs].duration",
        message: "at least one year"),
    outcome(
        "duration not whole", "duration", with: ["duration: ‸2.5"], field: "outcomes[jobs].duration",
        message: "whole number"),
    outcome(
        "start year zero", nil, with: ["start_year: ‸0"], field: "outcomes[jobs].start_year", message: "counted from 1"),
    outcome(
        "outcome beyond the analysis period", "duration", with: ["duration: ‸3", "start_year: 4"],
        field: "outcomes[jobs].duration", message: "beyond the analysis period"),
    outcome(
        "misspelt key", nil, with: ["‸deadwieght: 0.2"], field: "outcomes[jobs].deadwieght",
        message: "did you mean 'deadweight'"),
    outcome(
        "key given twice", nil, with: ["‸deadweight: 0.2", "deadweight: 0.3"], field: "deadweight",
        message: "more than once"),
    outcome(
        "NaN quantity", "quantity", with: ["quantity: ‸.nan"], field: "outcomes[jobs].quantity",
        message: "NaN and infinity"),
    outcome(
        "infinite proxy", "proxy", with: ["proxy: {value: ‸.inf, currency: GBP, source: Test}"],
        field: "outcomes[jobs].proxy.value", message: "NaN and infinity"),
    outcome(
        "quoted number", "quantity", with: ["quantity: ‸\"10\""], field: "outcomes[jobs].quantity",
        message: "must be a number"),
    MalformedScenario(
        name: "missing duration",
        marked: Support.scenario(outcome: Support.outcomeLines.filter { !$0.hasPrefix("duration") })
            .replacingOccurrences(of: "  - id: jobs", with: "  - ‸id: jobs"),
        field: "outcomes[jobs].duration", message: "required but missing"),
    outcome(
        "proxy without a source", "proxy", with: ["proxy: ‸{value: 1000, currency: GBP}"],
        field: "outcomes[jobs].proxy.source",
        message: "required but missing"),
    outcome(
        "proxy in another currency", "proxy", with: ["proxy: {value: ‸1000, currency: EUR, source: Test}"],
        field: "outcomes[jobs].proxy.currency", message: "without a declared conversion"),
    outcome(
        "unknown value type", "value_type", with: ["value_type: ‸fiscal"], field: "outcomes[jobs].value_type",
        message: "not one of the allowed values"),
    MalformedScenario(
        name: "unit mismatch between quantity and proxy",
        marked: Support.scenario(outcome: [
            "quantity: {value: 10, unit: ‸person}", "proxy: {value: 1000, currency: GBP, per: hour, source: Test}",
            "duration: 3",
            "value_type: social",
        ]), field: "outcomes[jobs].quantity.unit", message: "the proxy values one 'hour'"),
    outcome(
        "model that is not loaded", "proxy", with: ["proxy: {model: ‸nosuch/entry}"],
        field: "outcomes[jobs].proxy.model",
        message: "no file under 'uses:' declares"),
    outcome(
        "proxy priced in a year with no price base", "proxy",
        with: ["proxy: {value: ‸1000, currency: GBP, price_year: 2014, source: Test}"],
        field: "outcomes[jobs].proxy.price_year", message: "declares no price_base_year"),
    MalformedScenario(
        name: "price year missing from the index",
        marked: Support.scenario(
            discount: "discount_rate: 0.035\n  price_index: {2019: 100, 2020: 101}",
            outcome: [
                "quantity: 10", "proxy: {value: ‸1000, currency: GBP, price_year: 2012, source: Test}", "duration: 3",
                "value_type: social",
            ],
            top: ["price_base_year: 2019"]),
        field: "outcomes[jobs].proxy.price_year", message: "no value for the proxy's price year 2012"),
    MalformedScenario(
        name: "confidence grade not in the table",
        marked: Support.scenario(
            discount: "discount_rate: 0.035\n  optimism_bias: {\"1\": 0, \"2\": 0.1}",
            outcome: Support.outcomeLines + ["confidence: ‸\"9\""]),
        field: "outcomes[jobs].confidence", message: "no such grade"),
    MalformedScenario(
        name: "unknown top-level key", marked: Support.scenario(top: ["‸titel: Typo"]), field: "titel",
        message: "did you mean 'title'"),
    MalformedScenario(
        name: "negative discount rate", marked: Support.scenario(discount: "discount_rate: ‸-0.01"),
        field: "conventions.discount_rate[0].rate", message: "out of range"),
    MalformedScenario(
        name: "bands not starting at year 1",
        marked: Support.scenario(discount: "discount_rate: [‸{from_year: 2, rate: 0.035}]"),
        field: "conventions.discount_rate[0].from_year", message: "must start at year 1"),
    MalformedScenario(
        name: "bands out of order",
        marked: Support.scenario(discount: "discount_rate: [{from_year: 1, rate: 0.035}, ‸{from_year: 1, rate: 0.03}]"),
        field: "conventions.discount_rate[1].from_year", message: "ascending order"),
    MalformedScenario(
        name: "unknown discount convention", marked: Support.scenario(discountFrom: "‸year2"),
        field: "conventions.discount_from", message: "not one of the allowed values"),
    MalformedScenario(
        name: "rate and schedule both given",
        marked: Support.scenario(discount: "discount_rate: 0.035\n  ‸discount_schedule: green-book/standard"),
        field: "conventions.discount_schedule", message: "not both"),
    MalformedScenario(
        name: "YAML 1.1 boolean", marked: Support.scenario(discount: "discount_rate: 0.035\n  discount_inputs: ‸yes"),
        field: "conventions.discount_inputs", message: "true or false"),
    MalformedScenario(
        name: "newer schema",
        marked: "schema: ‸sroi-scenario/2\ntitle: From the future\n", field: "schema",
        message: "newer version of the format"),
    MalformedScenario(
        name: "missing schema", marked: "‸title: No schema\nreport_currency: GBP\n", field: "schema",
        message: "required but missing"),
    MalformedScenario(
        name: "model file that does not exist",
        marked: Support.scenario(top: ["uses:", "  - ‸Models/nosuch.yaml"]), field: "uses", message: "cannot be read"),
    MalformedScenario(
        name: "negative input", marked: Support.scenario(inputs: ["- {id: grant, amount: ‸-5}"]),
        field: "inputs[grant].amount", message: "out of range"),
    MalformedScenario(
        name: "input year outside the period", marked: Support.scenario(inputs: ["- {id: grant, amount: 5, year: ‸9}"]),
        field: "inputs[grant].year", message: "outside the analysis period"),
    MalformedScenario(
        name: "input in another currency",
        marked: Support.scenario(inputs: ["- {id: grant, amount: 5, currency: ‸EUR}"]),
        field: "inputs[grant].currency", message: "without a declared conversion"),
    MalformedScenario(
        name: "duplicate input id",
        marked: Support.scenario(inputs: ["- {id: grant, amount: 5}", "- ‸{id: grant, amount: 6}"]),
        field: "inputs[grant].id", message: "duplicate input id"),
    MalformedScenario(
        name: "analysis period of zero years",
        marked: Support.scenario(years: 0).replacingOccurrences(of: "{years: 0}", with: "{years: ‸0}"),
        field: "analysis_period.years", message: "outside the years an analysis may span"),
    MalformedScenario(
        name: "analysis period of a billion years",
        marked: Support.scenario(years: 999_999_999).replacingOccurrences(
            of: "{years: 999999999}", with: "{years: ‸999999999}"),
        field: "analysis_period.years", message: "outside the years an analysis may span"),
    MalformedScenario(
        name: "currency that is not a code",
        marked: Support.scenario().replacingOccurrences(of: "report_currency: GBP", with: "report_currency: ‸pounds"),
        field: "report_currency", message: "not a currency code"),
    MalformedScenario(
        name: "invalid id",
        marked: Support.scenario().replacingOccurrences(of: "  - id: jobs", with: "  - id: ‸jobs!"),
        field: "outcomes[0].id", message: "not a valid id"),
    MalformedScenario(
        name: "stakeholder not declared",
        marked: Support.scenario().replacingOccurrences(
            of: "    stakeholder: participants", with: "    stakeholder: ‸trust"),
        field: "outcomes[jobs].stakeholder", message: "not declared"),
    MalformedScenario(
        name: "duplicate stakeholder",
        marked: Support.scenario().replacingOccurrences(
            of: "  - id: participants", with: "  - id: participants\n  - ‸id: participants"),
        field: "stakeholders[participants].id", message: "duplicate stakeholder id"),
    MalformedScenario(
        name: "duplicate outcome",
        marked: Support.scenario()
            + "  - ‸id: jobs\n    stakeholder: participants\n    quantity: 1\n    proxy: {value: 1, currency: GBP, source: T}\n    duration: 1\n    value_type: social\n",
        field: "outcomes[jobs].id", message: "duplicate outcome id"),
    MalformedScenario(
        name: "broken YAML", marked: "schema: sroi-scenario/1\ntitle: [unclosed\n‸", field: "(syntax)",
        message: "not valid YAML"),
]

@Suite struct ValidationTests {
    @Test(arguments: malformedScenarios)
    func malformedScenarioIsRefusedWithItsPlace(_ scenario: MalformedScenario) throws {
        let (text, line, column) = scenario.source
        do {
            _ = try Support.load(text)
            Issue.record("\(scenario.name): accepted")
        } catch {
            let matches = error.diagnostics.filter { $0.severity == .error && $0.field == scenario.field }
            #expect(!matches.isEmpty, "\(scenario.name): no error on field \(scenario.field); got:\n\(error)")
            guard let diagnostic = matches.first(where: { $0.message.contains(scenario.message) }) ?? matches.first
            else { return }
            #expect(diagnostic.message.contains(scenario.message), "\(scenario.name): \(diagnostic)")
            #expect(diagnostic.location?.file == "scenario.yaml")
            #expect(diagnostic.location?.line == line, "\(scenario.name): \(diagnostic)")
            // Every refusal carries the stable code of its kind, printed with it.
            #expect(diagnostic.code != .invalid, "\(scenario.name): \(diagnostic)")
            #expect(diagnostic.description.hasSuffix("[\(diagnostic.code.text)]"))
            if scenario.field != "(syntax)" {
                #expect(diagnostic.location?.column == column, "\(scenario.name): \(diagnostic)")
            }
        }
    }

    @Test func atLeastThirtyDistinctMalformedScenarios() {
        #expect(Set(malformedScenarios.map(\.name)).count >= 30)
    }

    @Test func everyProblemIsListedNotJustTheFirst() throws {
        let yaml = Support.scenario(outcome: [
            "quantity: -1", "proxy: {value: 1000, currency: GBP, source: T}", "deadweight: 1.5", "drop_off: 2",
            "duration: 3", "value_type: social",
        ])
        do {
            _ = try Support.load(yaml)
            Issue.record("accepted")
        } catch {
            let fields = Set(error.errors.map(\.field))
            #expect(fields == ["outcomes[jobs].quantity", "outcomes[jobs].deadweight", "outcomes[jobs].drop_off"])
            #expect(error.description.hasSuffix("3 errors; nothing was calculated."))
        }
    }

    @Test func diagnosticNamesFoundAndAllowed() throws {
        let yaml = Support.scenario(outcome: Support.outcomeLines + ["deadweight: 1.2"])
        do {
            _ = try Support.load(yaml)
            Issue.record("accepted")
        } catch {
            let text = try #require(error.errors.first).description
            #expect(
                text
                    == "scenario.yaml:19:17: error: outcomes[jobs].deadweight: is out of range (found 1.2; allowed: a share from 0 to 1) [SROI-E004]"
            )
        }
    }

    @Test func underscoreKeysAreLeftForUsers() throws {
        let yaml = Support.scenario(outcome: Support.outcomeLines + ["_reviewer_note: checked by finance"])
        #expect(throws: Never.self) { try Support.load(yaml) }
    }
}

@Suite struct DocumentationTests {
    /// Every diagnostic code is documented, with its kind.
    @Test func everyDiagnosticCodeIsDocumented() throws {
        let doc = try String(
            contentsOf: Support.packageRoot.appendingPathComponent("docs/diagnostics-and-limits.md"), encoding: .utf8)
        for code in DiagnosticCode.allCases {
            #expect(doc.contains("| `\(code.text)` | \(code.category) |"), "\(code.text) is not documented")
        }
    }

    /// The annotated example of docs/scenario-format.md must be a valid scenario.
    @Test func annotatedExampleInTheDocsIsValid() throws {
        let doc = try String(
            contentsOf: Support.packageRoot.appendingPathComponent("docs/scenario-format.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```yaml\n"))
        let end = try #require(doc.range(of: "\n```", range: start.upperBound..<doc.endIndex))
        let yaml = String(doc[start.upperBound..<end.lowerBound])
        let directory = Support.packageRoot.appendingPathComponent("Scenarios/use-it").path
        let loaded = try ScenarioLoader().load(text: yaml, file: "docs/scenario-format.md", directory: directory)
        #expect(loaded.scenario.outcomes.count == 2)
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        #expect(evaluation.results.sroiRatio.value.number != nil)
    }
}

/// The slips a spreadsheet user makes first, answered with how to write the figure.
@Suite struct NewcomerHintTests {
    @Test(arguments: [
        ("attribution: 20", "write 20% as 0.2"), ("attribution: \"20%\"", "write 20% as 0.2"),
        ("deadweight: 35%", "write 35% as 0.35"),
    ])
    func aPercentageWrittenAsOneGetsHowToWriteIt(_ line: String, _ hint: String) throws {
        let yaml = Support.scenario(outcome: Support.outcomeLines + [line])
        let failure = #expect(throws: ValidationFailure.self) { try Support.load(yaml) }
        let text = failure?.description ?? ""
        #expect(text.contains(hint), "\(text)")
        #expect(text.contains("scenario.yaml:"), "\(text)")
    }

    @Test func aDeductionOfOneIsWarnedAbout() throws {
        let loaded = try Support.load(Support.scenario(outcome: Support.outcomeLines + ["displacement: 1"]))
        let warning = try #require(loaded.warnings.first { $0.field.hasSuffix(".displacement") })
        #expect(warning.message.contains("removes the whole of the outcome's value"))
        let evaluation = try Evaluator().evaluate(loaded.scenario)
        #expect(evaluation.results.totalPresentValue.value == .number(0))
    }
}

extension NewcomerHintTests {
    @Test func aFinancialYearAsFirstYearSaysHowToDeclareIt() throws {
        let yaml = Support.scenario().replacingOccurrences(
            of: "analysis_period: {years: 5}", with: "analysis_period: {years: 5, first_year: 2024-25}")
        let failure = #expect(throws: ValidationFailure.self) { try Support.load(yaml) }
        #expect(failure?.description.contains("first_year: 2024 with year_type: financial") == true)
    }

    @Test(arguments: ["02/12/2026", "2026-02-30", "yesterday"])
    func aReportDateNotWrittenYYYYMMDDIsRefused(_ date: String) throws {
        let failure = #expect(throws: ValidationFailure.self) {
            try Support.load(Support.scenario(top: ["report: {date: \"\(date)\"}"]))
        }
        #expect(failure?.description.contains("report.date: is not a date written YYYY-MM-DD") == true)
        #expect(
            try Support.load(Support.scenario(top: ["report: {date: \"2026-12-02\"}"])).scenario.report.date
                == "2026-12-02")
    }
}

extension NewcomerHintTests {
    /// The YAML parser's words, with what they mean for the file in hand.
    @Test func aListItemOutOfLineIsExplained() throws {
        let yaml = Support.scenario().replacingOccurrences(
            of: "  - id: participants\n", with: "  - id: participants\n - id: others\n")
        let failure = #expect(throws: ValidationFailure.self) { try Support.load(yaml) }
        let text = failure?.description ?? ""
        #expect(text.contains("SROI-E001"), "\(text)")
        #expect(text.contains("indent") || text.contains("line up"), "\(text)")
    }
}
