import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// Paths and helpers shared by the tests.
enum Support {
    /// The package root, found from this file's place in `Tests/SROITests/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The method's conformance cases, read in place beside the repository.
    static let conformanceDirectory = packageRoot.deletingLastPathComponent().appendingPathComponent(
        "shared/method/conformance"
    ).path

    static var sharedIsPresent: Bool {
        var isDirectory: ObjCBool = false
        let present =
            FileManager.default.fileExists(atPath: conformanceDirectory, isDirectory: &isDirectory)
            && isDirectory.boolValue
        if !present {
            print("note: \(conformanceDirectory) is absent, so the conformance tests are skipped")
        }
        return present
    }

    static let exampleScenario = "Scenarios/use-it/health-professionals.yaml"
    static let sampleData = [
        "Scenarios/use-it/data/entrepreneurs.csv", "Scenarios/use-it/data/participants.csv",
        "Scenarios/use-it/data/researchers.csv", "Scenarios/use-it/data/shifts.csv",
    ]

    /// A new record store holding the bundled sample records.
    static func sampleStore() throws -> String {
        let path = (try temporaryDirectory() as NSString).appendingPathComponent("outcomes.sqlite")
        let store = try RecordStore.openForWriting(path: path)
        _ = try CSVImporter().run(files: sampleData.map { packageRoot.appendingPathComponent($0).path }, into: store)
        return path
    }

    /// The example scenario, loaded with its quantities read from the sample records.
    static func loadExample() throws -> Scenario {
        let loaded = try ScenarioLoader().load(path: packageRoot.appendingPathComponent(exampleScenario).path)
        let store = try RecordStore.openForReading(path: sampleStore())
        return try RecordResolver(store: store, databaseName: "outcomes.sqlite").resolve(loaded.scenario)
    }

    /// The `sroi` executable built alongside the tests, or the one `SROI_BINARY` names (the
    /// test script runs the server's and the simulation's tests again with a Thread Sanitizer build).
    static var binary: String {
        if let named = ProcessInfo.processInfo.environment["SROI_BINARY"], !named.isEmpty {
            return named.hasPrefix("/") ? named : packageRoot.appendingPathComponent(named).path
        }
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sroi")
                .path,
            packageRoot.appendingPathComponent(".build/debug/sroi").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    struct CommandResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `sroi` with the package root as working directory.
    static func sroi(_ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sroi-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Loads scenario text as if it were `scenario.yaml` in the package root.
    static func load(_ yaml: String, file: String = "scenario.yaml") throws(ValidationFailure) -> LoadedScenario {
        try ScenarioLoader().load(text: yaml, file: file, directory: packageRoot.path)
    }

    /// Loads and evaluates scenario text.
    static func evaluate(_ yaml: String) throws -> Evaluation {
        try Evaluator().evaluate(load(yaml).scenario)
    }

    /// The lines of a valid outcome body, to be changed by tests.
    static let outcomeLines = [
        "quantity: 10",
        "proxy: {value: 1000, currency: GBP, source: Test figures}",
        "duration: 3",
        "value_type: social",
    ]

    /// A minimal valid scenario. `outcome` holds the single outcome's lines after its id and
    /// stakeholder; `top` holds extra top-level lines. Line numbers: `schema` is line 1, the
    /// outcome's first line is line 15 plus the number of `top` and `inputs` lines minus one.
    static func scenario(
        discount: String = "discount_rate: 0.035", discountFrom: String = "year1", years: Int = 5,
        inputs: [String] = ["- {id: grant, amount: 10000}"], outcome: [String] = outcomeLines, top: [String] = []
    ) -> String {
        var lines = [
            "schema: sroi-scenario/1",
            "title: Test scenario",
            "analysis_period: {years: \(years)}",
            "report_currency: GBP",
        ]
        lines += top
        lines += [
            "conventions:",
            "  discount_from: \(discountFrom)",
            "  \(discount)",
            "stakeholders:",
            "  - id: participants",
            "inputs:",
        ]
        lines += inputs.map { "  " + $0 }
        lines += ["outcomes:", "  - id: jobs", "    stakeholder: participants"]
        lines += outcome.map { "    " + $0 }
        return lines.joined(separator: "\n") + "\n"
    }

    static func number(_ figure: Figure) -> Double? { figure.value.number }
}
