import Foundation
import Testing

/// `sroi init` and `sroi schema`: a start that runs as written, and schemas a real JSON Schema
/// validator (Python's jsonschema) applies to every bundled file.
@Suite struct ProjectFileTests {
    /// Python with jsonschema and PyYAML: in CI they must be there (scripts/test installs them).
    static var validatorAvailable: Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import jsonschema, yaml"]
        probe.standardError = FileHandle.nullDevice
        if (try? probe.run()) != nil {
            probe.waitUntilExit()
            if probe.terminationStatus == 0 { return true }
        }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print(
            "note: Python's jsonschema and PyYAML are not installed (scripts/test installs them), so the schema tests are skipped"
        )
        return false
    }

    static let validator = """
        import json, sys, yaml
        from jsonschema import Draft202012Validator
        schemas = {k: json.load(open(f"{sys.argv[1]}/{k}.schema.json")) for k in ("scenario", "dataset", "model")}
        for schema in schemas.values():
            Draft202012Validator.check_schema(schema)
        for argument in sys.argv[2:]:
            kind, path = argument.split("=", 1)
            data = json.loads(json.dumps(yaml.safe_load(open(path, encoding="utf-8-sig")), default=str))
            errors = list(Draft202012Validator(schemas[kind]).iter_errors(data))
            for error in errors[:3]:
                print(f"{path}: {'/'.join(map(str, error.path))}: {error.message[:200]}")
            print(f"{'INVALID' if errors else 'VALID'} {path}")
        """

    static func validate(_ files: [(kind: String, path: String)], schemas: String) throws -> String {
        let script = try Support.temporaryDirectory() + "/validate.py"
        try validator.write(toFile: script, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, schemas] + files.map { "\($0.kind)=\($0.path)" }
        process.currentDirectoryURL = Support.packageRoot
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        return text
    }

    static func yamlFiles(under folder: String, suffix: String = ".yaml") -> [String] {
        let root = Support.packageRoot.appendingPathComponent(folder).path
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(suffix) }.sorted().map { "\(root)/\($0)" }
    }

    @Test func schemaReplacesItsOwnFilesAndNoOneElses() throws {
        let folder = try Support.temporaryDirectory()
        #expect(try Support.sroi(["schema", "--out", folder]).status == 0)
        // Its own earlier output is written again.
        #expect(try Support.sroi(["schema", "--out", folder]).status == 0)
        // A user's file of the same name is left as it is, and nothing else is written.
        let mine = folder + "/model.schema.json"
        try "{\"title\": \"my own schema\"}".write(toFile: mine, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: folder + "/scenario.schema.json")
        let refused = try Support.sroi(["schema", "--out", folder])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("model.schema.json: exists and is not a schema sroi wrote"))
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "{\"title\": \"my own schema\"}")
        #expect(!FileManager.default.fileExists(atPath: folder + "/scenario.schema.json"))
    }

    @Test(.enabled(if: ProjectFileTests.validatorAvailable, "jsonschema is not installed"))
    func everyBundledFileValidatesAndATypoDoesNot() throws {
        let schemas = try Support.temporaryDirectory()
        let written = try Support.sroi(["schema", "--out", schemas])
        #expect(written.status == 0, "\(written.stderr)")
        let starter = try Support.temporaryDirectory() + "/start"
        #expect(try Support.sroi(["init", starter]).status == 0)

        var files: [(kind: String, path: String)] = []
        for path in Self.yamlFiles(under: "Scenarios") {
            files.append((path.hasSuffix(".dataset.yaml") ? "dataset" : "scenario", path))
        }
        files += Self.yamlFiles(under: "Models").map { ("model", $0) }
        files += [("scenario", "\(starter)/scenario.yaml"), ("dataset", "\(starter)/data/people.dataset.yaml")]
        #expect(files.filter { $0.kind == "model" }.count >= 9)

        // The same files with one key misspelt each.
        let typos = try Support.temporaryDirectory()
        let edits: [(kind: String, source: String, from: String, to: String)] = [
            ("scenario", "Scenarios/use-it/social-enterprise.yaml", "    deadweight:", "    deadwieght:"),
            ("dataset", "Scenarios/use-it/data/shifts.dataset.yaml", "key:", "keys:"),
            ("model", "Models/proxies/pssru-2024.yaml", "    price_year:", "    priceyear:"),
        ]
        for (index, edit) in edits.enumerated() {
            let text = try String(
                contentsOf: Support.packageRoot.appendingPathComponent(edit.source), encoding: .utf8)
            #expect(text.contains(edit.from))
            let path = "\(typos)/typo\(index).yaml"
            try text.replacingOccurrences(of: edit.from, with: edit.to).write(
                toFile: path, atomically: true, encoding: .utf8)
            files.append((edit.kind, path))
        }
        let report = try Self.validate(files, schemas: schemas)
        for file in files {
            let expected = file.path.hasPrefix(typos) ? "INVALID" : "VALID"
            #expect(
                report.contains("\n\(expected) \(file.path)\n") || report.hasPrefix("\(expected) \(file.path)\n"),
                "\(report)")
        }
    }

    @Test func theStarterChecksImportsAndRunsAsWritten() throws {
        let directory = try Support.temporaryDirectory() + "/my-evaluation"
        let made = try Support.sroi(["init", directory])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Support.sroi(["check", "\(directory)/scenario.yaml"]).status == 0)
        let store = "\(directory)/outcomes.sqlite"
        #expect(try Support.sroi(["data", "import", store, "\(directory)/data/people.csv"]).status == 0)
        let run = try Support.sroi([
            "run", "\(directory)/scenario.yaml", "--data", store, "--out", "\(directory)/results",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        // 6 people in work (2,500 each), 8 more confident (1,200 each), from the CSV written.
        let work = 6 * 2500.0 * (1 - 0.3) * (1 - 0.2)
        let confidence = 8 * 1200.0 * (1 - 0.25) * (1 - 0.3)
        let total = work / 1.035 + work * (1 - 0.25) / (1.035 * 1.035) + confidence / 1.035
        let ratio = total / 15000
        #expect(run.stdout.contains(String(format: "%.2f : 1", ratio)), "\(run.stdout)")
        let again = try Support.sroi(["init", directory])
        #expect(again.status == 1)
        #expect(again.stderr.contains("is not empty"))
    }
}
