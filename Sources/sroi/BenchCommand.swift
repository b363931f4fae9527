import ArgumentParser
import Foundation
import SROICore
import SROILoad
import SROIReport
import SROIServe

#if canImport(Glibc)
    import Glibc
#endif

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks, run by hand: they print figures and take minutes.",
        discussion: """
            Example:
              sroi bench records --rows 10000000
              sroi bench simulation --draws 1000000
              sroi bench scale --outcomes 1000 --years 50
            """,
        subcommands: [Records.self, Simulation.self, Scale.self, WhatIfStep.self])

    struct Records: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import and query a generated dataset of shift records, against the sqlite3 command line.",
            discussion: """
                Generates ROWS shift records as CSV, imports them with 'sroi data import' and with sqlite3's
                .import into a table of the same schema, evaluates a scenario whose quantities aggregate over
                every record with 'sroi run', and runs the same SQL with sqlite3. Prints wall time and peak
                memory of each, measured per process. Needs sqlite3 on PATH.
                Example:
                  sroi bench records --rows 10000000 --keep /tmp/bench
                """)

        @Option(help: "How many shift records to generate.")
        var rows = 10_000_000

        @Option(
            help: ArgumentHelp("Directory for the generated files (default: a new temporary one).", valueName: "DIR"))
        var keep: String?

        func run() throws {
            let (directory, sroi) = try Bench.prepare(keep: keep)
            guard let sqlite = Self.which("sqlite3") else {
                Terminal.error("error: sqlite3 is not on PATH (Debian: apt-get install sqlite3)")
                throw ExitCode.failure
            }
            let csv = (directory as NSString).appendingPathComponent("shifts.csv")
            Terminal.write("Generating \(rows) shift records in \(csv)…\n")
            let generation = try Self.time { try BenchData.writeShifts(rows: rows, to: csv) }
            let size = (try FileManager.default.attributesOfItem(atPath: csv)[.size] as? NSNumber)?.intValue ?? 0
            Terminal.write(String(format: "  %.1f s, %.0f MB\n\n", generation, Double(size) / 1e6))

            let ours = (directory as NSString).appendingPathComponent("sroi.sqlite")
            let theirs = (directory as NSString).appendingPathComponent("sqlite3.sqlite")
            for file in [ours, theirs] { try? FileManager.default.removeItem(atPath: file) }

            let importRun = try Measured.run(sroi, ["data", "import", ours, csv])
            guard importRun.status == 0 else { throw Self.failed("sroi data import", importRun) }
            // The same table definition, copied from the store, for sqlite3 to import into.
            let schema = try Measured.run(sqlite, [ours, ".schema records_shifts"]).output
            let setup = try Measured.run(sqlite, [theirs, "CREATE TABLE dataset_import (id INTEGER PRIMARY KEY);"])
            guard setup.status == 0 else { throw Self.failed("sqlite3", setup) }
            let staging = (directory as NSString).appendingPathComponent("import.sql")
            // sqlite3's .import fills every column from the file, so it imports into a view-free copy
            // of the table without the two bookkeeping columns, with the same types, checks and key.
            try Self.plainTable(from: schema).write(toFile: staging, atomically: true, encoding: .utf8)
            _ = try Measured.run(sqlite, [theirs, ".read \(staging)"])
            let sqliteImport = try Measured.run(
                sqlite, [theirs, "-cmd", ".mode csv", ".import --skip 1 \(csv) shifts"])
            guard sqliteImport.status == 0 else { throw Self.failed("sqlite3 .import", sqliteImport) }

            let scenario = (directory as NSString).appendingPathComponent("bench.yaml")
            try BenchData.scenario.write(toFile: scenario, atomically: true, encoding: .utf8)
            let out = (directory as NSString).appendingPathComponent("results")
            let evaluation = try Measured.run(sroi, ["run", scenario, "--data", ours, "--out", out])
            guard evaluation.status == 0 else { throw Self.failed("sroi run", evaluation) }
            let sql = try BenchData.queries(fromTrace: (out as NSString).appendingPathComponent("trace.json"))
            let query = try Measured.run(sqlite, [ours, sql.joined(separator: ";\n") + ";"])
            guard query.status == 0 else { throw Self.failed("sqlite3 query", query) }

            let cores = ProcessInfo.processInfo.activeProcessorCount
            Terminal.write("\(rows) rows, \(cores) cores\n")
            Terminal.write(Self.row("import: sroi data import", importRun))
            Terminal.write(Self.row("import: sqlite3 .import", sqliteImport))
            Terminal.write(String(format: "  ratio %.2f (target ≤ 2)\n", importRun.seconds / sqliteImport.seconds))
            Terminal.write(Self.row("query: sroi run (load, query, evaluate)", evaluation))
            Terminal.write(Self.row("query: sqlite3, the same SQL", query))
            Terminal.write(String(format: "  ratio %.2f (target ≤ 1.2)\n", evaluation.seconds / query.seconds))
            Terminal.write("Files kept in \(directory)\n")
        }

        static func row(_ label: String, _ run: Measured) -> String {
            String(
                format: "%@%@ %8.2f s  %8.1f MB peak\n", label, String(repeating: " ", count: max(0, 42 - label.count)),
                run.seconds, Double(run.peakKilobytes) / 1024)
        }

        static func failed(_ what: String, _ run: Measured) -> Error {
            Terminal.error("error: \(what) failed (\(run.status)):\n\(run.output)")
            return ExitCode.failure
        }

        static func which(_ name: String) -> String? {
            for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
            return nil
        }

        static func time(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        /// The dataset table's definition without the two bookkeeping columns, named `shifts`.
        static func plainTable(from schema: String) -> String {
            let lines = schema.components(separatedBy: "\n").filter {
                !$0.contains("_import INTEGER") && !$0.contains("_line INTEGER") && !$0.hasPrefix("CREATE INDEX")
            }
            return lines.joined(separator: "\n").replacingOccurrences(of: "\"records_shifts\"", with: "shifts")
        }
    }
}

extension Bench {
    /// The folder for a benchmark's generated files (made if missing) and the path of this executable,
    /// which the benchmark runs as child processes.
    static func prepare(keep: String?) throws -> (directory: String, sroi: String) {
        let directory =
            keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("sroi-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return (directory, URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path)
    }

    struct Simulation: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Monte Carlo draws per second for a scenario of 50 outcomes over 10 years.",
            discussion: """
                Each outcome draws five assumptions, so a draw samples 250 values and evaluates 500
                outcome-years through the scenario's evaluation plan. Three mixes of distributions:
                  typical   quantity triangular, proxy PERT, deadweight and attribution uniform, drop-off triangular
                  uniform   every assumption uniform
                  mixed     quantity uniform, proxy triangular, deadweight PERT, attribution normal, drop-off uniform
                Each runs with one thread and with every core, and must give the same numbers both ways.
                Example:
                  sroi bench simulation --draws 1000000 --mix typical
                """)

        enum Mix: String, ExpressibleByArgument, CaseIterable {
            case typical, uniform, mixed
        }

        @Option(help: "How many draws per run.")
        var draws = 1_000_000

        @Option(help: "The mix of distributions: typical, uniform or mixed (default: all three).")
        var mix: Mix?

        func run() throws {
            let cores = ProcessInfo.processInfo.activeProcessorCount
            Terminal.write("50 outcomes × 10 years, 250 assumptions drawn per draw, \(draws) draws, \(cores) cores\n")
            for mix in mix.map({ [$0] }) ?? Mix.allCases {
                Terminal.write("\(mix.rawValue) distributions:\n")
                let yaml = Self.scenario(outcomes: 50, years: 10, mix: mix)
                let loaded = try ScenarioLoader().load(text: yaml, file: "bench-simulation.yaml", directory: ".")
                try measure(loaded.scenario, cores: cores)
            }
        }

        func measure(_ scenario: Scenario, cores: Int) throws {
            var first: SROICore.Simulation?
            for threads in Array(Set([1, cores])).sorted() {
                var result: SROICore.Simulation?
                let seconds = try Records.time {
                    result = try SROICore.Simulation.run(scenario, draws: draws, seed: 42, threads: threads)
                }
                Terminal.write(
                    String(
                        format: "  %d thread%@: %.2f s, %.0f draws per second (mean ratio %.6f)\n", threads,
                        threads == 1 ? "" : "s",
                        seconds, Double(draws) / seconds, result!.ratio.mean))
                if let first, first.ratio != result!.ratio {
                    Terminal.error("error: results differ between thread counts")
                    throw ExitCode.failure
                }
                first = result
            }
        }

        static func scenario(outcomes: Int, years: Int, mix: Mix) -> String {
            var lines = [
                "schema: sroi-scenario/1", "title: Simulation benchmark", "analysis_period: {years: \(years)}",
                "report_currency: GBP", "conventions: {discount_from: year1, discount_rate: 0.035}",
                "stakeholders: [{id: people}]", "inputs: [{id: grant, amount: 1000000}]", "outcomes:",
            ]
            let (quantity, proxy, deadweight, attribution, dropOff): (String, String, String, String, String)
            switch mix {
            case .typical:
                (quantity, proxy, deadweight, attribution, dropOff) = (
                    "triangular", "pert", "uniform", "uniform", "triangular"
                )
            case .uniform:
                (quantity, proxy, deadweight, attribution, dropOff) = (
                    "uniform", "uniform", "uniform", "uniform", "uniform"
                )
            case .mixed:
                (quantity, proxy, deadweight, attribution, dropOff) = (
                    "uniform", "triangular", "pert", "normal", "uniform"
                )
            }
            for index in 1...outcomes {
                let count = 10 + index % 7
                lines += [
                    "  - id: outcome\(index)",
                    "    stakeholder: people",
                    "    quantity: {value: \(count), range: {low: \(count - 5), high: \(count + 5)}, distribution: \(quantity)}",
                    "    proxy: {value: 1000, currency: GBP, source: Benchmark, range: {low: 500, high: 2000}, distribution: \(proxy)}",
                    "    deadweight: {value: 0.2, range: {low: 0.05, high: 0.5}, distribution: \(deadweight)}",
                    attribution == "normal"
                        ? "    attribution: {value: 0.25, distribution: normal, sd: 0.05}"
                        : "    attribution: {value: 0.25, range: {low: 0.1, high: 0.4}, distribution: \(attribution)}",
                    "    drop_off: {value: 0.1, range: {low: 0, high: 0.3}, distribution: \(dropOff)}",
                    "    duration: \(years)",
                    "    value_type: social",
                ]
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension Bench {
    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Time and memory of run, sensitivity and report on a generated scenario of many outcomes and years.",
            discussion: """
                Generates a scenario of OUTCOMES outcomes over YEARS years, each with ranges on its quantity,
                proxy, deadweight, attribution and drop-off, then times 'sroi run --out' (the full trace) and
                'sroi sensitivity --out' (both ends and the switching value of every range) and 'sroi report
                --out' (every page, the workbook) as child processes, with their peak memory.
                Example:
                  sroi bench scale --outcomes 1000 --years 50
                """)

        @Option(help: "How many outcomes.")
        var outcomes = 1000

        @Option(help: "How many analysis years; every outcome lasts them all.")
        var years = 50

        @Option(
            help: ArgumentHelp("Directory for the generated files (default: a new temporary one).", valueName: "DIR"))
        var keep: String?

        func validate() throws {
            guard (1...100_000).contains(outcomes) else { throw ValidationError("--outcomes must be 1 to 100000") }
            guard (1...200).contains(years) else { throw ValidationError("--years must be 1 to 200") }
        }

        func run() throws {
            let (directory, sroi) = try Bench.prepare(keep: keep)
            let scenario = (directory as NSString).appendingPathComponent("scale.yaml")
            try Self.scenario(outcomes: outcomes, years: years).write(
                toFile: scenario, atomically: true, encoding: .utf8)
            Terminal.write("\(outcomes) outcomes × \(years) years, 5 ranged assumptions each (\(scenario))\n")
            var seconds: [String: Double] = [:]
            for command in ["run", "sensitivity", "report"] {
                let out = (directory as NSString).appendingPathComponent(command)
                try? FileManager.default.removeItem(atPath: out)
                let measured = try Measured.run(sroi, [command, scenario, "--out", out])
                guard measured.status == 0 else { throw Records.failed("sroi \(command)", measured) }
                seconds[command] = measured.seconds
                Terminal.write(
                    String(
                        format: "  sroi %@: %.2f s, peak memory %.0f MB\n", command, measured.seconds,
                        Double(measured.peakKilobytes) / 1024))
            }
            Terminal.write(
                String(
                    format: "  sensitivity takes %.2f times as long as run, report %.2f times\n",
                    seconds["sensitivity"]! / seconds["run"]!, seconds["report"]! / seconds["run"]!
                ))
        }

        static func scenario(outcomes: Int, years: Int) -> String {
            var lines = [
                "schema: sroi-scenario/1", "title: Scale benchmark", "analysis_period: {years: \(years)}",
                "report_currency: GBP", "conventions: {discount_from: year1, discount_rate: 0.035}",
                "stakeholders: [{id: people}]", "inputs: [{id: grant, amount: \(outcomes * 40_000)}]", "outcomes:",
            ]
            for index in 1...outcomes {
                let count = 10 + index % 7
                lines += [
                    "  - id: outcome\(index)",
                    "    stakeholder: people",
                    "    quantity: {value: \(count), range: {low: \(count - 5), high: \(count + 5)}}",
                    "    proxy: {value: 1000, currency: GBP, source: Benchmark, range: {low: 500, high: 2000}}",
                    "    deadweight: {value: 0.2, range: {low: 0.05, high: 0.5}}",
                    "    attribution: {value: 0.25, range: {low: 0.1, high: 0.4}}",
                    "    drop_off: {value: 0.1, range: {low: 0, high: 0.3}}",
                    "    duration: \(years)",
                    "    value_type: social",
                ]
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

/// One child process, timed, with its peak resident memory.
struct Measured {
    var status: Int32
    var seconds: Double
    var peakKilobytes: Int
    var output: String

    static func run(_ executable: String, _ arguments: [String]) throws -> Measured {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sroi-bench-out-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let start = DispatchTime.now().uptimeNanoseconds
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        wait4(pid, &status, 0, &usage)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Measured(status: exit, seconds: seconds, peakKilobytes: Int(usage.ru_maxrss), output: text)
    }
}

enum BenchData {
    /// Writes `rows` shift records: participants × months × (in place of agency: yes, no).
    static func writeShifts(rows: Int, to path: String) throws {
        guard let file = fopen(path, "wb") else { throw POSIXError(.EACCES) }
        defer { fclose(file) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        func flush() {
            buffer.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
            buffer.removeAll(keepingCapacity: true)
        }
        buffer += Array("participant_id,month,band,hours,in_place_of_agency\n".utf8)
        let months = 60
        let bands = ["band5", "band6", "band7"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var written = 0
        var participant = 0
        while written < rows {
            participant += 1
            let band = bands[participant % 3]
            for month in 0..<months where written < rows {
                let date = String(format: "%04d-%02d-01", 2019 + month / 12, month % 12 + 1)
                for agency in ["yes", "no"] where written < rows {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let tenths = 300 + Int((state >> 33) % 900)
                    let line = "P\(participant),\(date),\(band),\(tenths / 10).\(tenths % 10),\(agency)\n"
                    buffer += Array(line.utf8)
                    written += 1
                    if buffer.count >= 1 << 20 { flush() }
                }
            }
        }
        flush()
        let definition = """
            schema: sroi-dataset/1
            name: shifts
            description: Generated shift records for the benchmark.
            synthetic: Generated by sroi bench.
            key: [participant_id, month, in_place_of_agency]
            columns:
              - {name: participant_id, type: text}
              - {name: month, type: date}
              - {name: band, type: enum, values: [band5, band6, band7]}
              - {name: hours, type: decimal}
              - {name: in_place_of_agency, type: enum, values: ["yes", "no"]}

            """
        try definition.write(toFile: String(path.dropLast(4)) + ".dataset.yaml", atomically: true, encoding: .utf8)
    }

    static let scenario = """
        schema: sroi-scenario/1
        title: Benchmark over every shift record
        analysis_period: {years: 5, first_year: 2019}
        report_currency: GBP
        conventions: {discount_from: year1, discount_rate: 0.035}
        stakeholders: [{id: trust}]
        inputs: [{id: grant, amount: 1000000}]
        outcomes:
          - id: agency-hours
            stakeholder: trust
            quantity: {records: {dataset: shifts, aggregate: sum, column: hours, where: {in_place_of_agency: "yes"}}}
            proxy: {value: 26.84, currency: GBP, per: hour, source: Benchmark}
            duration: 1
            value_type: fiscal_cashable
          - id: staff
            stakeholder: trust
            quantity: {records: {dataset: shifts, aggregate: count_distinct, column: participant_id}}
            proxy: {value: 100, currency: GBP, source: Benchmark}
            duration: 1
            value_type: economic

        """

    /// The SQL of every quantity read from records, with its parameters written in.
    static func queries(fromTrace path: String) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let trace = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let nodes = trace["nodes"] as? [String: [String: Any]]
        else { return [] }
        return nodes.keys.sorted().compactMap { id in
            guard let origin = nodes[id]?["origin"] as? [String: Any], origin["kind"] as? String == "records",
                var sql = origin["sql"] as? String, let parameters = origin["parameters"] as? [String]
            else { return nil }
            for parameter in parameters {
                guard let range = sql.range(of: "?") else { break }
                sql.replaceSubrange(range, with: parameter)
            }
            // The sqlite3 command line has not our exactly rounded aggregates: it runs its own
            // over the same rows, the closest work it can do.
            return sql.replacingOccurrences(of: "exact_sum(", with: "TOTAL(").replacingOccurrences(
                of: "exact_mean(", with: "AVG(")
        }
    }
}

extension Bench {
    struct WhatIfStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whatif",
            abstract:
                "Time a what-if step of 'sroi serve': every ranged assumption moved, figures, charts and tornado.",
            discussion: """
                Each step edits the scenario to new values of all its ranged assumptions, evaluates it,
                reruns its sensitivity analysis for the tornado and draws the charts, as the server does
                when a slider moves.
                Example:
                  sroi bench whatif Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --steps 200
                """)

        @OptionGroup var scenario: ScenarioArgument

        @Option(help: "How many steps to time.")
        var steps = 200

        func run() throws {
            let times = try WhatIf.measure(scenario: scenario.scenario, data: scenario.data, steps: steps)
                .sorted()
            let median = times[times.count / 2]
            let p95 = times[min(times.count - 1, times.count * 95 / 100)]
            Terminal.write(
                "\(scenario.scenario): \(times.count) what-if steps, median \(Display.fixed(median)) ms, 95th percentile \(Display.fixed(p95)) ms, slowest \(Display.fixed(times.last ?? .nan)) ms\n"
            )
        }
    }
}
