import Foundation
import PropertyBased
import SROICore
import SROILoad
import Testing

/// `--set NAME=VALUE` is the scenario file edited: over many generated scenarios and settings,
/// every figure of the trace is bit for bit what the edited file gives.
@Suite struct WhatIfSettingTests {
    /// A scenario file whose figures are drawn, with the text of each settable figure kept apart
    /// so that a test can write the edited file.
    struct Written {
        var fields: [String: String]

        static let settable = [
            "values.posts", "posts", "values.hourly_value", "hourly_value", "outcomes[hours].deadweight",
            "outcomes[hours].attribution", "outcomes[hours].drop_off", "outcomes[hours].proxy",
            "outcomes[hours].quantity", "outcomes[hours].duration", "conventions.discount_rate",
        ]

        /// The field of the file a setting's name edits.
        static func field(_ name: String) -> String {
            name.hasPrefix("values.") ? String(name.dropFirst("values.".count)) : name
        }

        var text: String {
            """
            schema: sroi-scenario/1
            title: Generated
            analysis_period: {years: 6}
            report_currency: GBP
            conventions:
              discount_from: year1
              discount_rate: \(fields["conventions.discount_rate"]!)
            stakeholders:
              - id: people
            values:
              posts: {value: \(fields["posts"]!), unit: post}
              hours_per_post: {value: 1500, unit: hour/post}
              hourly_value: {formula: "\(fields["hourly_value"]!)", unit: GBP/hour}
              base_rate: {value: 12.5, unit: GBP/hour}
            inputs:
              - {id: grant, amount: 25000}
            outcomes:
              - id: hours
                stakeholder: people
                quantity: {formula: "\(fields["outcomes[hours].quantity"]!)", unit: hour}
                proxy: {formula: "\(fields["outcomes[hours].proxy"]!)"}
                deadweight: \(fields["outcomes[hours].deadweight"]!)
                attribution: \(fields["outcomes[hours].attribution"]!)
                drop_off: \(fields["outcomes[hours].drop_off"]!)
                duration: \(fields["outcomes[hours].duration"]!)
                value_type: economic

            """
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        var original: [String: String]
        var edited: [String: String]
        var setting: String
        var description: String { setting }
    }

    /// A drawn scenario, a drawn setting, and the file as a person would edit it to the same effect.
    static let cases = Generator<Case, Shrink.None<Case>>(run: { rng in
        var draw = Draw(rng: &rng)
        let deadweight = draw.double(0, 0.5)
        let attribution = draw.double(0, 0.5)
        let byYear = draw.chance(0.5)
        let drops = (0..<3).map { _ in draw.double(0, 0.6) }
        var fields: [String: String] = [
            "conventions.discount_rate": NumberFormat.shortest(draw.double(0, 0.08)),
            "posts": String(draw.int(1...40)),
            "hourly_value": "base_rate * \(NumberFormat.shortest(draw.double(0.5, 2)))",
            "outcomes[hours].quantity": "posts * hours_per_post",
            "outcomes[hours].proxy": "hourly_value",
            "outcomes[hours].deadweight": NumberFormat.shortest(deadweight),
            "outcomes[hours].attribution": NumberFormat.shortest(attribution),
            "outcomes[hours].drop_off": byYear
                ? "[" + drops.map(NumberFormat.shortest).joined(separator: ", ") + "]"
                : NumberFormat.shortest(drops[0]),
            "outcomes[hours].duration": "4",
        ]
        let original = fields
        let name = Written.settable[draw.int(0...(Written.settable.count - 1))]
        let field = Written.field(name)
        let relative = draw.chance(0.5)
        let formula = ["hourly_value", "outcomes[hours].quantity", "outcomes[hours].proxy"].contains(field)
        let percent = draw.int(-50...50)
        let share = Double(percent) / 100
        let setting: String
        switch field {
        case "outcomes[hours].duration":
            let years = draw.int(1...6)
            setting = "\(name)=\(years)"
            fields[field] = String(years)
        case "outcomes[hours].drop_off" where byYear && relative:
            setting = "\(name)=\(percent < 0 ? "" : "+")\(percent)%"
            fields[field] = "[" + drops.map { NumberFormat.shortest($0 * (1 + share)) }.joined(separator: ", ") + "]"
        case _ where relative && formula:
            setting = "\(name)=\(percent < 0 ? "" : "+")\(percent)%"
            fields[field] = "(\(original[field]!)) * \(NumberFormat.shortest(1 + share))"
        case _ where relative:
            let base = Double(original[field]!)!
            setting = "\(name)=\(percent < 0 ? "" : "+")\(percent)%"
            fields[field] = NumberFormat.shortest(base * (1 + share))
        default:
            // Shares stay shares; the other figures take any value they may.
            let isShare = ["deadweight", "attribution", "drop_off", "discount_rate"].contains { field.hasSuffix($0) }
            let value = isShare ? draw.double(0, 0.9) : draw.double(1, 5000)
            setting = "\(name)=\(NumberFormat.shortest(value))"
            fields[field] = NumberFormat.shortest(value)
            if formula {
                // A formula set to a number becomes a value given in its unit.
                fields[field] = NumberFormat.shortest(value)
            }
        }
        return Case(original: original, edited: fields, setting: setting)
    })

    /// The edited file, where a formula field set to a number is written as a given value.
    static func editedText(_ testCase: Case) -> String {
        var text = Written(fields: testCase.edited).text
        for (field, key, unit) in [
            ("hourly_value", "hourly_value: {formula: ", "GBP/hour"),
            ("outcomes[hours].quantity", "quantity: {formula: ", "hour"),
            ("outcomes[hours].proxy", "proxy: {formula: ", nil),
        ] where Double(testCase.edited[field]!) != nil {
            let number = testCase.edited[field]!
            let old = "\(key)\"\(number)\"" + (unit.map { ", unit: \($0)}" } ?? "}")
            let new =
                key.replacingOccurrences(of: "formula: ", with: "value: ") + number
                + (unit.map { ", unit: \($0)}" } ?? ", currency: GBP}")
            text = text.replacingOccurrences(of: old, with: new)
        }
        return text
    }

    @Test func settingOnTheCommandLineIsTheEditedFileBitForBit() async {
        await propertyCheck(count: 300, input: Self.cases) { testCase in
            let original = try Support.load(Written(fields: testCase.original).text).scenario
            let set = try original.applying([ScenarioSetting(parsing: testCase.setting)])
            let edited = try Support.load(Self.editedText(testCase)).scenario
            let byCommandLine = try Evaluator().evaluate(set).trace.nodes
            let byFile = try Evaluator().evaluate(edited).trace.nodes
            #expect(byCommandLine.map(\.id) == byFile.map(\.id), "\(testCase.setting)")
            for (a, b) in zip(byCommandLine, byFile) {
                #expect(a.value.number?.bitPattern == b.value.number?.bitPattern, "\(testCase.setting): \(a.id)")
            }
            // And the trace says where the change came from.
            #expect(
                byCommandLine.contains { node in
                    if case .commandLine(let text) = node.origin { return text == testCase.setting }
                    return node.convention == "set on the command line: --set \(testCase.setting)"
                } || testCase.setting.contains(".duration"), "\(testCase.setting)")
        }
    }

    @Test func aRelativeChangeOfAFigureIsWrittenOutArithmetic() throws {
        let text = Written(fields: [
            "conventions.discount_rate": "0.035", "posts": "10", "hourly_value": "base_rate * 2",
            "outcomes[hours].quantity": "posts * hours_per_post", "outcomes[hours].proxy": "hourly_value",
            "outcomes[hours].deadweight": "0.25", "outcomes[hours].attribution": "0.3",
            "outcomes[hours].drop_off": "[0.5, 0, 0]", "outcomes[hours].duration": "4",
        ]).text
        let scenario = try Support.load(text).scenario
        let settings = try ["hourly_value=-20%", "posts=12"].map { text throws in try ScenarioSetting(parsing: text) }
        let trace = try Evaluator().evaluate(scenario.applying(settings)).trace
        // 12 posts × 1,500 hours × (12.5 × 2 × 0.8) GBP × (1 − 0.25) × (1 − 0.3), in year 1.
        let year1 = 12.0 * 1500 * (12.5 * 2 * 0.8) * (1 - 0.25) * (1 - 0.3)
        let value = try #require(trace[FigureID.outcome("hours", .impactYear1)]?.value.number)
        #expect(value == year1)
        let posts = try #require(trace["value.posts"])
        #expect(posts.origin == .commandLine("posts=12"))
        let formula = try #require(trace["value.hourly_value"])
        #expect(formula.convention == "set on the command line: --set hourly_value=-20%")
    }

    @Test func aSettingThatNamesNothingOrLeavesTheRangeIsRefusedWithWhatIsAllowed() throws {
        let scenario = try Support.load(Support.scenario()).scenario
        for (text, says) in [
            ("outcomes[jobs].deadweight=1.5", "from 0 to 1"),
            ("outcomes[jobz].deadweight=0.1", "one of its outcomes: jobs"),
            ("agency_rate=40", "is not an assumption or named value"),
            ("outcomes[jobs].colour=2", "has no field 'colour'"),
            ("outcomes[jobs].duration=2.5", "whole number of years"),
            ("outcomes[jobs].quantity=-3", "at least 0"),
            ("outcomes[jobs].deadweight", "NAME=VALUE"),
            ("outcomes[jobs].deadweight=lots", "is not a number"),
        ] {
            let failure = #expect(throws: ValidationFailure.self, "\(text)") {
                try scenario.applying([ScenarioSetting(parsing: text)])
            }
            let diagnostic = try #require(failure?.errors.first, "\(text)")
            #expect(diagnostic.code == .commandLineSetting, "\(text)")
            #expect("\(diagnostic.message) \(diagnostic.allowed ?? "")".contains(says), "\(text): \(diagnostic)")
        }
        // "20%" without a sign is the share 0.2; with a sign, a change relative to the file's figure.
        #expect(try ScenarioSetting(parsing: "a=20%").change == .to(0.2))
        #expect(try ScenarioSetting(parsing: "a=-20%").change == .by(-0.2))
        #expect(try ScenarioSetting(parsing: "a=+5%").change == .by(0.05))
        #expect(try ScenarioSetting(parsing: "a=[0.5, 0]").change == .toList([0.5, 0]))
        // Half leave after the first year: year 2 keeps half of year 1, year 3 all of year 2.
        let retention = try scenario.applying([ScenarioSetting(parsing: "outcomes[jobs].drop_off=[0.5, 0]")])
        let trace = try Evaluator().evaluate(retention).trace
        let year1 = try #require(trace[FigureID.outcome("jobs", .impactYear1)]?.value.number)
        #expect(trace[FigureID.outcome("jobs", .value(year: 2))]?.value.number == year1 * (1 - 0.5))
        #expect(trace[FigureID.outcome("jobs", .value(year: 3))]?.value.number == year1 * (1 - 0.5) * (1 - 0))
    }

    @Test func everyEvaluatingCommandTakesSetAndRecordsIt() throws {
        let out = try Support.temporaryDirectory()
        let result = try Support.sroi([
            "run", "Scenarios/use-it/trust-recruited-staff.yaml", "--set", "posts=12", "--set",
            "nhs-agency-rates/agency-nurse-hour=+10%", "--out", out,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "WHAT-IF: figures evaluated with --set posts=12, --set nhs-agency-rates/agency-nurse-hour=+10%"))
        let results = try String(contentsOfFile: out + "/results.json", encoding: .utf8)
        #expect(results.contains("\"set_on_command_line\""))
        let trace = try String(contentsOfFile: out + "/trace.json", encoding: .utf8)
        #expect(trace.contains("\"kind\": \"command_line\""))
        let refused = try Support.sroi([
            "check", "Scenarios/use-it/trust-recruited-staff.yaml", "--set",
            "outcomes[agency-hours-avoided].deadweight=1.2",
        ])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SROI-E027"), "\(refused.stderr)")
        let bundle = try Support.sroi([
            "bundle", "Scenarios/use-it/trust-recruited-staff.yaml", "--set", "posts=12", "--out", out + "/bundle",
        ])
        #expect(bundle.status != 0)
        #expect(!FileManager.default.fileExists(atPath: out + "/bundle"))
    }
}
