import Foundation
import SROIAudit
import SROICore
import SROIData
import SROILoad
import SROIReport

/// Moving an assumption within its range: the scenario edited to the new values and evaluated by
/// the one evaluator, as `run` would evaluate the edited file. The file itself is not touched.
public enum WhatIf {
    /// Times `steps` what-if steps on a scenario, as the server answers them (each one moving
    /// every ranged assumption along its range): milliseconds per step.
    public static func measure(scenario path: String, data: String?, steps: Int) throws -> [Double] {
        let scenario = try ScenarioWithRecords.load(path, data: data)
        let evaluation = try Evaluator().evaluate(scenario.scenario)
        let input = try ReportInput.prepare(scenario.scenario, evaluation: evaluation, provenance: Provenance(scenario))
        let ranged = scenario.scenario.uncertainParameters.filter { $0.uncertainty.hasRange }
        let loaded = ServedWorkspace.Loaded(file: path, scenario: scenario, input: input, ranged: ranged)
        var times: [Double] = []
        for step in 0..<steps {
            let share = Double(step % 11) / 10
            let changes = ranged.map { parameter -> (UncertainParameter, Double) in
                let low = parameter.uncertainty.low!, high = parameter.uncertainty.high!
                let value = min(max(low + (high - low) * share, min(low, high)), max(low, high))
                return (parameter, parameter.isWholeNumber ? value.rounded() : value)
            }
            let answer = try Self.answer(loaded, changes: changes)
            if let error = answer["error"] as? String { throw MeasureFailure(message: error) }
            times.append(answer["milliseconds"] as? Double ?? .nan)
        }
        return times
    }

    /// The requested values, `{"values": {"2": 0.3}}` by slider, clamped to each range.
    static func changes(_ body: Data, ranged: [UncertainParameter]) -> [(UncertainParameter, Double)] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let values = object["values"] as? [String: Any]
        else { return [] }
        return values.compactMap { key, raw -> (UncertainParameter, Double)? in
            guard let index = Int(key), ranged.indices.contains(index), let number = (raw as? NSNumber)?.doubleValue,
                number.isFinite, let low = ranged[index].uncertainty.low, let high = ranged[index].uncertainty.high
            else { return nil }
            let clamped = min(max(number, min(low, high)), max(low, high))
            return (ranged[index], ranged[index].isWholeNumber ? clamped.rounded() : clamped)
        }.sorted { $0.0.name < $1.0.name }
    }

    struct MeasureFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func edited(_ scenario: Scenario, _ changes: [(UncertainParameter, Double)]) -> Scenario {
        changes.reduce(scenario) { scenario, change in scenario.setting(change.0.kind, to: change.1) }
    }

    /// The figures, charts and tornado at the new values, the changes in words and as YAML.
    static func answer(_ loaded: ServedWorkspace.Loaded, changes: [(UncertainParameter, Double)]) throws -> [String:
        Any]
    {
        let started = DispatchTime.now().uptimeNanoseconds
        let scenario = edited(loaded.scenario.scenario, changes)
        let evaluation: Evaluation
        do {
            evaluation = try Evaluator().evaluate(scenario)
        } catch {
            return ["error": error.description]
        }
        let input = try ReportInput.prepare(scenario, evaluation: evaluation, provenance: loaded.input.provenance)
        let results = evaluation.results
        let charts = ReportDocuments.chartsHTML(input)
        let sensitivity = ReportDocuments.sensitivityHTML(input)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        return [
            "ratio": results.sroiRatio.value.number.map { Display.fixed($0) } ?? "undefined",
            "ratioExact": results.sroiRatio.value.number.map(NumberFormat.shortest) ?? "undefined",
            "npv": input.show(results.netPresentValue),
            "pv": input.show(results.totalPresentValue),
            "headline": input.headlineSentence,
            "charts": charts,
            "sensitivity": sensitivity,
            "changes": changes.map {
                "\(loaded.input.parameterName($0.0)): \(NumberFormat.shortest($0.0.base)) → \(NumberFormat.shortest($0.1))"
            },
            "yaml": yaml(loaded, changes),
            "milliseconds": elapsed,
        ]
    }

    /// The changed values as YAML, each under the key it replaces.
    static func yaml(_ loaded: ServedWorkspace.Loaded, _ changes: [(UncertainParameter, Double)]) -> String {
        guard !changes.isEmpty else { return "" }
        var lines = ["# What-if values for \(loaded.file); each replaces the value at the path in its comment."]
        for (parameter, value) in changes {
            lines.append("\(parameter.name): \(NumberFormat.shortest(value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Saves the scenario with the new values as a new file beside it; the original is not touched
    /// and no file is replaced.
    static func save(_ loaded: ServedWorkspace.Loaded, changes: [(UncertainParameter, Double)], folder: String)
        -> [String: Any]
    {
        guard !changes.isEmpty else { return ["ok": false, "problems": ["Nothing was changed."]] }
        let path = (folder as NSString).appendingPathComponent(loaded.file)
        guard let data = try? InputFiles.read(path), var text = try? InputFiles.text(data, path: path) else {
            return ["ok": false, "problems": ["\(loaded.file) cannot be read."]]
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (parameter, value) in changes {
            guard let location = valueLocation(parameter.kind, in: loaded.scenario.scenario),
                replaceNumber(in: &lines, at: location, with: NumberFormat.shortest(value))
            else {
                return [
                    "ok": false,
                    "problems": [
                        "\(parameter.name): its value is not written as a plain number, so it cannot be replaced; copy the YAML instead."
                    ],
                ]
            }
        }
        text = lines.joined(separator: "\n")
        let base = (loaded.file as NSString).deletingPathExtension
        for attempt in 1...99 {
            let name = "\(base)-what-if\(attempt == 1 ? "" : "-\(attempt)").yaml"
            let target = (folder as NSString).appendingPathComponent(name)
            let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                return ["ok": false, "problems": ["\(name): \(String(cString: strerror(errno)))"]]
            }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            close(descriptor)
            guard written == bytes.count else {
                unlink(target)
                return ["ok": false, "problems": ["\(name) could not be written whole."]]
            }
            return ["ok": true, "messages": ["Saved as \(name), beside \(loaded.file)."]]
        }
        return ["ok": false, "problems": ["Too many what-if copies already."]]
    }

    /// Where the value of an assumption is written.
    static func valueLocation(_ kind: UncertainParameter.Kind, in scenario: Scenario) -> SourceLocation? {
        func outcome(_ id: String) -> Outcome? { scenario.outcomes.first { $0.declaredID == id } }
        switch kind {
        case .quantity(let id): return outcome(id)?.quantity.location
        case .proxy(let id): return outcome(id)?.proxy.amount.location
        case .deduction(let id, let deduction): return outcome(id)?.deduction(deduction)?.location
        case .dropOff(let id): return outcome(id)?.dropOff?.location
        case .duration(let id): return outcome(id)?.duration.location
        case .discountRate: return scenario.conventions.discounting.location
        case .value(let name):
            return (scenario.values.first { $0.name == name } ?? scenario.modelValues[name])?.location
        }
    }

    /// Replaces the number written at `location` (or the `value:` of the mapping there).
    static func replaceNumber(in lines: inout [String], at location: SourceLocation, with text: String) -> Bool {
        guard lines.indices.contains(location.line - 1) else { return false }
        var line = Array(lines[location.line - 1].unicodeScalars)
        var start = location.column - 1
        guard start >= 0, start < line.count else { return false }
        if line[start] == "{" {
            let rest = String(String.UnicodeScalarView(line[start...]))
            guard let range = rest.range(of: "value:") else { return false }
            start += rest.unicodeScalars.distance(from: rest.unicodeScalars.startIndex, to: range.upperBound)
            while start < line.count, line[start] == " " { start += 1 }
        }
        var end = start
        let numeric = Set("0123456789+-.eE".unicodeScalars)
        while end < line.count, numeric.contains(line[end]) { end += 1 }
        guard end > start, Double(String(String.UnicodeScalarView(line[start..<end]))) != nil else { return false }
        line.replaceSubrange(start..<end, with: Array(text.unicodeScalars))
        lines[location.line - 1] = String(String.UnicodeScalarView(line))
        return true
    }
}
