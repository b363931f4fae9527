import ArgumentParser
import Foundation
import SROILoad
import SROIReport

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write JSON Schemas of the scenario, dataset and model formats, for editors.",
        discussion: """
            Writes scenario.schema.json, dataset.schema.json and model.schema.json into DIR. With the
            YAML extension of VS Code, a first line such as
              # yaml-language-server: $schema=schemas/scenario.schema.json
            completes keys and marks unknown ones as you type.
            Example:
              sroi schema --out schemas/
            """)

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard output.out != nil else { throw ValidationError("name the directory to write to with --out DIR") }
    }

    func run() throws {
        let out = output.out!
        // An earlier sroi's schema is replaced; a file of the same name that is anyone else's is not.
        for file in JSONSchemas.files {
            let path = (out as NSString).appendingPathComponent(file.name)
            guard let existing = try? InputFiles.read(path, limit: 1 << 20) else { continue }
            let id = "\"$id\": \"https://sroi.example/schemas/\(file.name)\""
            guard String(decoding: existing, as: UTF8.self).contains(id) else {
                Terminal.error(
                    "error: \(path): exists and is not a schema sroi wrote; it is not replaced (move it, or choose another --out)"
                )
                throw ExitCode.failure
            }
        }
        try output.write(JSONSchemas.files.map { (name: $0.name, contents: $0.text + "\n") })
    }
}

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start an evaluation: a commented scenario, a dataset definition and a small CSV file.",
        discussion: """
            Writes DIR/scenario.yaml, DIR/data/people.csv and DIR/data/people.dataset.yaml, which
            'sroi check' and 'sroi run' accept as they are; then replace the figures with your own.
            DIR must be new or empty.
            Example:
              sroi init my-evaluation
              sroi data import my-evaluation/outcomes.sqlite my-evaluation/data/people.csv
              sroi run my-evaluation/scenario.yaml --data my-evaluation/outcomes.sqlite
            """)

    @Argument(help: ArgumentHelp("The folder to create.", valueName: "DIR"))
    var directory: String

    func run() throws {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory), !entries.isEmpty {
            Terminal.error("error: \(directory): is not empty; name a new folder")
            throw ExitCode.failure
        }
        do {
            try OutputFiles.write(StarterProject.files.map { OutputFile(name: $0.name, text: $0.text) }, to: directory)
        } catch {
            Terminal.error("error: \(error)")
            throw ExitCode.failure
        }
        let store = (directory as NSString).appendingPathComponent("outcomes.sqlite")
        Terminal.write(
            """
            Wrote \(StarterProject.files.map { (directory as NSString).appendingPathComponent($0.name) }.joined(separator: ", ")).
            Next:
              sroi data import \(store) \((directory as NSString).appendingPathComponent("data/people.csv"))
              sroi run \((directory as NSString).appendingPathComponent("scenario.yaml")) --data \(store)

            """)
    }
}
