import Foundation
import SROICore

/// Runs conformance cases and says, per case, whether the engine met it and if not, why.
public struct ConformanceSuite: Sendable {
    public struct CaseReport: Sendable {
        public var file: String
        public var id: String
        public var passed: Bool
        /// What differed, or what was checked, one line each.
        public var findings: [String]
        public var checks: Int
    }

    public init() {}

    /// The case files of a directory: every `.json` file, in name order.
    public func caseFiles(in directory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        return names.filter { $0.hasSuffix(".json") }.sorted().map {
            (directory as NSString).appendingPathComponent($0)
        }
    }

    public func run(file: String) -> CaseReport {
        let testCase: ConformanceCase
        do {
            testCase = try ConformanceCaseReader().read(path: file)
        } catch {
            return CaseReport(
                file: file, id: (file as NSString).lastPathComponent, passed: false,
                findings: ["the case cannot be read:"] + error.diagnostics.map { "  \($0)" }, checks: 0)
        }
        switch testCase.expectation {
        case .refusal(let word):
            switch testCase.scenario.flatMap(evaluate) {
            case .success:
                return CaseReport(
                    file: file, id: testCase.id, passed: false,
                    findings: ["expected a refusal mentioning '\(word)', but the scenario was evaluated"], checks: 1)
            case .failure(let failure):
                let text = failure.description
                let found = text.range(of: word, options: .caseInsensitive) != nil
                return CaseReport(
                    file: file, id: testCase.id, passed: found,
                    findings: found
                        ? [] : ["refused, but no error mentions '\(word)':"] + failure.diagnostics.map { "  \($0)" },
                    checks: 1)
            }
        case .figures(let expected, let tolerance):
            switch testCase.scenario.flatMap(evaluate) {
            case .failure(let failure):
                return CaseReport(
                    file: file, id: testCase.id, passed: false,
                    findings: ["expected figures, but the scenario was refused:"]
                        + failure.diagnostics.map { "  \($0)" }, checks: 0)
            case .success(let evaluation):
                let findings = expected.compactMap {
                    compare($0.path, want: $0.value, results: evaluation.results, tolerance: tolerance)
                }
                return CaseReport(
                    file: file, id: testCase.id, passed: findings.isEmpty, findings: findings, checks: expected.count)
            }
        }
    }

    private func evaluate(_ scenario: Scenario) -> Result<Evaluation, ValidationFailure> {
        Result { () throws(ValidationFailure) in try Evaluator().evaluate(scenario) }
    }

    /// `nil` when the figure meets the expectation; otherwise what differed.
    func compare(_ path: String, want: Double?, results: Results, tolerance: Double) -> String? {
        guard let got = Self.lookup(path, in: results) else { return "\(path): the engine has no such figure" }
        switch (want, got) {
        case (nil, .undefined): return nil
        case (nil, .number(let value)): return "\(path): expected undefined, got \(NumberFormat.shortest(value))"
        case (let want?, .undefined(let reason)):
            return "\(path): expected \(NumberFormat.shortest(want)), got undefined (\(reason))"
        case (let want?, .number(let value)):
            let allowed = tolerance * max(1, abs(want))
            if abs(value - want) <= allowed { return nil }
            return
                "\(path): expected \(NumberFormat.shortest(want)), got \(NumberFormat.shortest(value)) (difference \(NumberFormat.shortest(value - want)), allowed \(NumberFormat.shortest(allowed)))"
        }
    }

    /// A figure of the results by the path the case format uses.
    static func lookup(_ path: String, in results: Results) -> FigureValue? {
        let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
        switch parts[0] {
        case "total_present_value": return results.totalPresentValue.value
        case "total_inputs": return results.totalInputs.value
        case "net_present_value": return results.netPresentValue.value
        case "sroi_ratio": return results.sroiRatio.value
        case "net_sroi_ratio": return results.netSROIRatio.value
        case "payback_months": return results.paybackMonths.value
        case "discounted_payback_years": return results.discountedPaybackYears.value
        case "by_stakeholder" where parts.count == 2:
            return results.byStakeholder.first { $0.stakeholder == parts[1] }?.figure.value
        case "by_value_type" where parts.count == 2:
            return results.byValueType.first { $0.valueType.rawValue == parts[1] }?.figure.value
        case "by_year" where parts.count == 2:
            return results.byYear.first { String($0.year) == parts[1] }?.figure.value
        case "outcomes" where parts.count == 2:
            return outcomeFigure(parts[1], in: results)
        default: return nil
        }
    }

    private static func outcomeFigure(_ path: String, in results: Results) -> FigureValue? {
        for outcome in results.outcomes where path.hasPrefix(outcome.id + ".") {
            let field = String(path.dropFirst(outcome.id.count + 1))
            switch field {
            case "impact_year1": return outcome.impactYear1.value
            case "present_value": return outcome.presentValue.value
            case "values_by_year.count": return .number(Double(outcome.valuesByYear.count))
            default:
                guard field.hasPrefix("values_by_year["), field.hasSuffix("]"),
                    let index = Int(field.dropFirst("values_by_year[".count).dropLast()),
                    outcome.valuesByYear.indices.contains(index)
                else { return nil }
                return outcome.valuesByYear[index].value
            }
        }
        return nil
    }
}
