import Foundation
import GRDB
import SROICore
import SROIData
import SROILoad
import Testing

/// A small dataset written by each test: people with a role, a start date and hours.
private enum People {
    static let definition = """
        schema: sroi-dataset/1
        name: people
        key: [person]
        columns:
          - {name: person, type: text}
          - {name: role, type: enum, values: [nurse, doctor, midwife]}
          - {name: started, type: date, optional: true}
          - {name: hours, type: decimal}
          - {name: shifts, type: integer}
        """

    /// The rows as the test knows them, to compute expected aggregates independently.
    struct Person {
        var person: String
        var role: String
        var started: String?
        var hours: Double
        var shifts: Int
    }

    static let rows: [Person] = [
        Person(person: "A1", role: "nurse", started: "2020-03-01", hours: 120.5, shifts: 10),
        Person(person: "A2", role: "nurse", started: "2021-07-15", hours: 80, shifts: 7),
        Person(person: "A3", role: "doctor", started: nil, hours: 0, shifts: 0),
        Person(person: "A4", role: "midwife", started: "2020-11-30", hours: 200.25, shifts: 16),
        Person(person: "A5", role: "nurse", started: "2022-01-01", hours: 99.75, shifts: 9),
        Person(person: "x'; DROP TABLE records_people; --", role: "doctor", started: "2021-01-01", hours: 1, shifts: 1),
    ]

    static var csv: String {
        "person,role,started,hours,shifts\n"
            + rows.map { row in
                let person = row.person.contains(",") || row.person.contains("\"") ? "\"\(row.person)\"" : row.person
                return "\(person),\(row.role),\(row.started ?? ""),\(NumberFormat.shortest(row.hours)),\(row.shifts)"
            }.joined(separator: "\n") + "\n"
    }

    /// Writes `people.csv` (with `text`) and its definition into a new directory.
    static func write(_ text: String = csv, name: String = "people") throws -> (directory: String, csv: String) {
        let directory = try Support.temporaryDirectory()
        let file = (directory as NSString).appendingPathComponent("\(name).csv")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        try definition.replacingOccurrences(of: "name: people", with: "name: \(name)")
            .write(toFile: CSVImporter.definitionPath(for: file), atomically: true, encoding: .utf8)
        return (directory, file)
    }

    static func store(in directory: String) throws -> (path: String, store: RecordStore) {
        let path = (directory as NSString).appendingPathComponent("store.sqlite")
        return (path, try RecordStore.openForWriting(path: path))
    }
}

@Suite struct ImportTests {
    @Test func goodImportStoresEveryRowWithItsHash() throws {
        let (directory, file) = try People.write()
        let (_, store) = try People.store(in: directory)
        let imported = try CSVImporter().run(files: [file], into: store)
        #expect(imported.map(\.rows) == [People.rows.count])
        let dataset = try store.dataset("people")
        #expect(dataset.rows == People.rows.count)
        #expect(dataset.imports.count == 1)
        #expect(dataset.imports[0].sha256 == FileDigest.sha256(try Data(contentsOf: URL(fileURLWithPath: file))))
        // An empty optional field is stored as no value, never as zero.
        let started = try store.read { db in
            try String?.fetchAll(db, sql: "SELECT started FROM records_people ORDER BY _line")
        }
        #expect(started == People.rows.map(\.started))
    }

    @Test func quotedFieldsWithCommasNewlinesAndQuotes() throws {
        let text =
            "person,role,started,hours,shifts\n\"B, 1\",nurse,,1,1\n\"B\n2\",nurse,,2,2\n\"B \"\"3\"\"\",nurse,,3,3\r\nB4,nurse,,4,4"
        let (directory, file) = try People.write(text)
        let (_, store) = try People.store(in: directory)
        _ = try CSVImporter().run(files: [file], into: store)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT person, _line FROM records_people ORDER BY _line")
        }
        #expect(rows.map { $0["person"] as String } == ["B, 1", "B\n2", "B \"3\"", "B4"])
        // The second record spans lines 3 and 4, so the third starts on line 5.
        #expect(rows.map { $0["_line"] as Int } == [2, 3, 5, 6])
    }

    /// Each kind of bad row: refused with its line (and column), and the store's file unchanged.
    @Test(arguments: [
        ("wrong column count", "A9,nurse,2020-01-01,1\n", 8, 1, "has 4 fields; the header has 5"),
        ("not a decimal", "A9,nurse,2020-01-01,lots,1\n", 8, 21, "is not a decimal number"),
        ("not a whole number", "A9,nurse,2020-01-01,1,2.5\n", 8, 23, "is not a whole number"),
        ("unknown enumeration value", "A9,surgeon,2020-01-01,1,1\n", 8, 4, "is not one of the values"),
        ("impossible date", "A9,nurse,2021-02-29,1,1\n", 8, 10, "February 2021 has 28 days, not 29"),
        ("date in another format", "A9,nurse,01/02/2021,1,1\n", 8, 10, "is not a date written YYYY-MM-DD"),
        ("empty required field", "A9,,2020-01-01,1,1\n", 8, 4, "requires a value"),
        ("duplicate key", "A1,nurse,2020-01-01,1,1\n", 8, 1, "duplicate key (person = A1), already at"),
        ("unterminated quote", "\"A9,nurse,2020-01-01,1,1\n", 8, 1, "a quoted field is never closed"),
        ("quote inside a field", "A\"9,nurse,2020-01-01,1,1\n", 8, 2, "a quote inside an unquoted field"),
    ])
    func badRowIsRefusedAndTheStoreIsUnchanged(
        _ name: String, _ badRow: String, _ line: Int, _ column: Int, _ message: String
    ) throws {
        let (directory, good) = try People.write()
        let (path, store) = try People.store(in: directory)
        _ = try CSVImporter().run(files: [good], into: store)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let rowsBefore = try store.dataset("people").rows

        // Six new good rows, then the bad row on line 8.
        let fresh = People.csv.replacingOccurrences(of: "\nA", with: "\nN").replacingOccurrences(
            of: "\nx'", with: "\nN'")
        let (_, bad) = try People.write(fresh + badRow, name: "staff")
        let badDefinition = try String(contentsOfFile: CSVImporter.definitionPath(for: bad), encoding: .utf8)
        try badDefinition.replacingOccurrences(of: "name: staff", with: "name: people")
            .write(toFile: CSVImporter.definitionPath(for: bad), atomically: true, encoding: .utf8)
        do {
            _ = try CSVImporter().run(files: [bad], into: store)
            Issue.record("\(name): accepted")
        } catch {
            let diagnostic = try #require(
                error.diagnostics.first { $0.message.contains(message) }, "\(name): \(error.description)")
            #expect(diagnostic.location?.file == bad)
            #expect(diagnostic.location?.line == line, "\(name): \(diagnostic)")
            #expect(diagnostic.location?.column == column, "\(name): \(diagnostic)")
            #expect(error.description.hasSuffix("nothing was imported and the store is unchanged."))
        }
        #expect(try store.dataset("people").rows == rowsBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "\(name): the store's bytes changed")
    }

    @Test func everyBadRowIsListedUpToTheLimit() throws {
        let bad = (1...60).map { "Z\($0),nurse,2020-13-01,1,1" }.joined(separator: "\n")
        let (directory, file) = try People.write("person,role,started,hours,shifts\n" + bad + "\n")
        let (_, store) = try People.store(in: directory)
        do {
            _ = try CSVImporter().run(files: [file], into: store)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.count == 50)
            #expect(error.omitted == 10)
            #expect(error.diagnostics.map { $0.location?.line } == (2...51).map { $0 })
        }
    }

    @Test func oneBadFileRefusesTheWholeImport() throws {
        let (directory, good) = try People.write()
        let (_, bad) = try People.write("person,role,started,hours,shifts\nC1,nurse,,x,1\n", name: "staff")
        let (_, store) = try People.store(in: directory)
        #expect(throws: ImportFailure.self) { try CSVImporter().run(files: [good, bad], into: store) }
        #expect(try store.datasets().isEmpty)
    }

    @Test func reimportIsRefusedUnlessAskedFor() throws {
        let (directory, file) = try People.write()
        let (_, store) = try People.store(in: directory)
        _ = try CSVImporter().run(files: [file], into: store)
        do {
            _ = try CSVImporter().run(files: [file], into: store)
            Issue.record("re-import accepted")
        } catch {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics[0].message.contains("these exact bytes were imported into people before"))
        }
        // Asked for: it is read again, and its keys then collide with the rows already stored.
        #expect(throws: ImportFailure.self) { try CSVImporter().run(files: [file], into: store, allowReimport: true) }
        #expect(try store.dataset("people").imports.count == 1)
    }

    @Test func headerMustNameTheDeclaredColumns() throws {
        let (directory, file) = try People.write("person,role,begun,hours,shifts\nA1,nurse,,1,1\n")
        let (_, store) = try People.store(in: directory)
        do {
            _ = try CSVImporter().run(files: [file], into: store)
            Issue.record("accepted")
        } catch {
            let messages = error.diagnostics.map(\.message)
            #expect(messages.contains("'begun' is not a column of dataset people"))
            #expect(messages.contains("the header lacks column 'started' of dataset people"))
        }
    }

    @Test func importCommandShowsEachFileAndStatusListsImports() throws {
        let (directory, file) = try People.write()
        let path = (directory as NSString).appendingPathComponent("cli.sqlite")
        let imported = try Support.sroi(["data", "import", path, file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("\(People.rows.count) rows into people"))
        let status = try Support.sroi(["data", "status", path])
        #expect(status.stdout.contains("people: \(People.rows.count) rows, 1 import"))
        #expect(status.stdout.contains(FileDigest.sha256(try Data(contentsOf: URL(fileURLWithPath: file)))))
        let again = try Support.sroi(["data", "import", path, file])
        #expect(again.status == 1)
        #expect(again.stderr.contains("pass --reimport"))
    }
}

@Suite struct RecordedQuantityTests {
    /// A scenario whose one outcome's quantity is `records` (the YAML of its body).
    private func evaluate(_ records: [String], extra: [String] = [], top: [String] = []) throws -> (
        Evaluation, Scenario
    ) {
        let (directory, file) = try People.write()
        let (path, store) = try People.store(in: directory)
        _ = try CSVImporter().run(files: [file], into: store)
        let yaml = Support.scenario(
            years: 5,
            outcome: ["quantity:", "  records:"] + records.map { "    " + $0 } + [
                "proxy: {value: 1, currency: GBP, source: Test}", "duration: 1", "value_type: social",
            ] + extra,
            top: ["analysis_period_placeholder: 0"].filter { _ in false } + top
        )
        .replacingOccurrences(of: "analysis_period: {years: 5}", with: "analysis_period: {years: 5, first_year: 2019}")
        let loaded = try Support.load(yaml)
        let resolved = try RecordResolver(store: RecordStore.openForReading(path: path), databaseName: "store.sqlite")
            .resolve(loaded.scenario)
        return (try Evaluator().evaluate(resolved), resolved)
    }

    private func quantity(_ records: [String]) throws -> Double {
        let (evaluation, _) = try evaluate(records)
        return try #require(evaluation.trace["outcome.jobs.quantity"]?.value.number)
    }

    @Test func eachAggregateMatchesAnIndependentCount() throws {
        let rows = People.rows
        #expect(try quantity(["dataset: people", "aggregate: count"]) == Double(rows.count))
        #expect(
            try quantity(["dataset: people", "aggregate: count_distinct", "column: role"])
                == Double(Set(rows.map(\.role)).count))
        #expect(
            try quantity(["dataset: people", "aggregate: sum", "column: shifts"])
                == Double(rows.map(\.shifts).reduce(0, +)))
        let hours = rows.map(\.hours)
        let sum = try quantity(["dataset: people", "aggregate: sum", "column: hours"])
        #expect(abs(sum - hours.reduce(0, +)) < 1e-9)
        let mean = try quantity(["dataset: people", "aggregate: mean", "column: hours"])
        #expect(abs(mean - hours.reduce(0, +) / Double(hours.count)) < 1e-9)
    }

    @Test func eachFilterMatchesAnIndependentCount() throws {
        let rows = People.rows
        func count(_ filter: [String]) throws -> Double {
            try quantity(["dataset: people", "aggregate: count", "where:"] + filter.map { "  " + $0 })
        }
        #expect(try count(["role: nurse"]) == Double(rows.filter { $0.role == "nurse" }.count))
        #expect(
            try count(["role: {in: [nurse, midwife]}"])
                == Double(rows.filter { ["nurse", "midwife"].contains($0.role) }.count))
        #expect(
            try count(["hours: {min: 80, max: 150}"]) == Double(rows.filter { (80...150).contains($0.hours) }.count))
        #expect(try count(["shifts: {min: 9}"]) == Double(rows.filter { $0.shifts >= 9 }.count))
        #expect(
            try count(["started: {from: 2020-01-01, to: 2020-12-31}"])
                == Double(
                    rows.filter { ($0.started ?? "") >= "2020-01-01" && ($0.started ?? "") <= "2020-12-31" }.count))
        #expect(try count(["started: {recorded: false}"]) == Double(rows.filter { $0.started == nil }.count))
        #expect(
            try count(["role: nurse", "started: {from: 2021-01-01}"])
                == Double(rows.filter { $0.role == "nurse" && ($0.started ?? "") >= "2021-01-01" }.count))
    }

    @Test func injectionInAFilterValueIsMatchedLiterallyAndHarmless() throws {
        let (evaluation, _) = try evaluate([
            "dataset: people", "aggregate: count", "where:", "  person: \"x'; DROP TABLE records_people; --\"",
        ])
        // Exactly the one row whose key is that text; the table is still there afterwards.
        #expect(evaluation.trace["outcome.jobs.quantity"]?.value == .number(1))
        guard case .records(let origin) = evaluation.trace["outcome.jobs.quantity"]?.origin else {
            Issue.record("the quantity does not come from records")
            return
        }
        #expect(!origin.sql.contains("DROP"))
        #expect(origin.parameters == ["'x'; DROP TABLE records_people; --'"])
        #expect(try quantity(["dataset: people", "aggregate: count"]) == Double(People.rows.count))
    }

    @Test func traceShowsTheQueryRowsAndFingerprint() throws {
        let (evaluation, scenario) = try evaluate([
            "dataset: people", "aggregate: sum", "column: hours", "where:", "  role: nurse",
        ])
        guard case .records(let origin) = evaluation.trace["outcome.jobs.quantity"]?.origin else {
            Issue.record("the quantity does not come from records")
            return
        }
        #expect(
            origin.sql
                == "SELECT COUNT(*) AS matched, exact_sum(\"hours\") AS value FROM \"records_people\" WHERE \"role\" = ?"
        )
        #expect(origin.parameters == ["'nurse'"])
        #expect(origin.rowsMatched == People.rows.filter { $0.role == "nurse" }.count)
        #expect(origin.declaration == "sum(hours) of people where role = 'nurse'")
        #expect(origin.fingerprint.count == 64)
        #expect(scenario.recordSource?.database == "store.sqlite")
        #expect(scenario.recordSource?.fingerprint.count == 64)
    }

    @Test func byYearMakesOneCohortPerYearOfRecords() throws {
        let (evaluation, _) = try evaluate([
            "dataset: people", "aggregate: count", "by_year: started",
        ])
        let cohorts = evaluation.results.outcomes.map {
            "\($0.id):\($0.startYear):\(NumberFormat.shortest($0.presentValue.value.number! > 0 ? 1 : 0))"
        }
        // Started in 2020 (two), 2021 (two), 2022 (one); the row with no start date is not placed.
        #expect(evaluation.results.outcomes.map(\.id) == ["jobs@year2", "jobs@year3", "jobs@year4"])
        #expect(evaluation.results.outcomes.map(\.startYear) == [2, 3, 4])
        #expect(evaluation.trace["outcome.jobs@year2.quantity"]?.value == .number(2))
        #expect(evaluation.trace["outcome.jobs@year4.quantity"]?.value == .number(1))
        #expect(cohorts.count == 3)
    }

    @Test func unknownDatasetAndColumnAreErrorsWithTheirPlace() throws {
        do {
            _ = try evaluate(["dataset: peeple", "aggregate: count"])
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            let diagnostic = try #require(failure.errors.first)
            #expect(diagnostic.field == "outcomes[jobs].quantity.records.dataset")
            #expect(diagnostic.location?.line == 17)
            #expect(diagnostic.location?.column == 18)
            #expect(diagnostic.allowed == "people")
        }
        do {
            _ = try evaluate(["dataset: people", "aggregate: sum", "column: hourz"])
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            let diagnostic = try #require(failure.errors.first)
            #expect(diagnostic.field == "outcomes[jobs].quantity.records.column")
            #expect(diagnostic.location?.line == 19)
            #expect(diagnostic.message == "dataset people has no such column")
        }
        do {
            _ = try evaluate(["dataset: people", "aggregate: count", "where:", "  role: surgeon"])
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            #expect(failure.errors.first?.field == "outcomes[jobs].quantity.records.where.role")
            #expect(failure.errors.first?.message == "does not fit column 'role'")
        }
    }

    @Test func meanOfNoRecordsIsUndefinedNotZero() throws {
        do {
            _ = try evaluate(["dataset: people", "aggregate: mean", "column: hours", "where:", "  role: {in: []}"])
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            #expect(!failure.errors.isEmpty)
        }
        do {
            _ = try evaluate(["dataset: people", "aggregate: mean", "column: hours", "where:", "  shifts: {min: 1000}"])
            Issue.record("accepted")
        } catch let failure as ValidationFailure {
            #expect(failure.errors.first?.message == "no records match, so the mean is undefined")
        }
    }

    @Test func integrityRulesReportDatasetKeyAndRule() throws {
        // Nurses counted under the outcome; a person counted twice needs two rows with one key,
        // which the dataset's key forbids, so count by role to produce a repeat.
        let rules = [
            "integrity:",
            "  - {name: roles-once, rule: counted_once, outcome: jobs, key: role, severity: warning}",
            "  - {name: started-in-period, rule: within_window, outcome: jobs, date_column: started, from: 2020-01-01, to: 2021-12-31, severity: warning}",
        ]
        let (evaluation, scenario) = try evaluate(["dataset: people", "aggregate: count"], top: rules)
        let findings = scenario.integrityFindings
        #expect(findings.filter { $0.rule == "roles-once" }.map(\.key) == ["role = nurse", "role = doctor"])
        let window = findings.filter { $0.rule == "started-in-period" }.map(\.key)
        #expect(window == ["person = A3", "person = A5"])
        #expect(findings.allSatisfy { $0.dataset == "people" })
        #expect(evaluation.warnings.filter { $0.field == "integrity[roles-once]" }.count == 2)
    }

    @Test func anErrorRuleStopsTheEvaluation() throws {
        let rules = [
            "integrity:", "  - {name: roles-once, rule: counted_once, outcome: jobs, key: role, severity: error}",
        ]
        do {
            _ = try evaluate(["dataset: people", "aggregate: count"], top: rules)
            Issue.record("evaluated despite an error finding")
        } catch let failure as ValidationFailure {
            #expect(failure.errors.allSatisfy { $0.field == "integrity[roles-once]" })
            #expect(
                failure.errors.map(\.message).contains(
                    "people role = nurse: counted 3 times under outcome jobs (lines 2, 3, 6)"))
        }
    }

    @Test func mutuallyExclusiveOutcomesShareNoKey() throws {
        let (directory, file) = try People.write()
        let (path, store) = try People.store(in: directory)
        _ = try CSVImporter().run(files: [file], into: store)
        var yaml = Support.scenario(outcome: [
            "quantity: {records: {dataset: people, aggregate: count, where: {role: {in: [nurse, midwife]}}}}",
            "proxy: {value: 1, currency: GBP, source: T}", "duration: 1", "value_type: social",
        ])
        yaml += """
              - id: later
                stakeholder: participants
                quantity: {records: {dataset: people, aggregate: count, where: {started: {from: 2021-01-01}}}}
                proxy: {value: 1, currency: GBP, source: T}
                duration: 1
                value_type: social
            integrity:
              - {name: one-route, rule: mutually_exclusive, outcomes: [jobs, later], key: person, severity: warning}

            """
        let loaded = try Support.load(yaml)
        let resolved = try RecordResolver(store: RecordStore.openForReading(path: path), databaseName: "s").resolve(
            loaded.scenario)
        let both = People.rows.filter { ["nurse", "midwife"].contains($0.role) && ($0.started ?? "") >= "2021-01-01" }
        #expect(resolved.integrityFindings.map(\.key) == both.map { "person = \($0.person)" }.sorted())
    }

    @Test func runWithoutDataSaysWhereTheQuantityComesFrom() throws {
        let result = try Support.sroi(["run", Support.exampleScenario])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "comes from recorded data, which has not been read (allowed: run with --data DB"))
    }

    @Test func resultsNameTheDatabaseAndItsFingerprint() throws {
        let data = try Support.sampleStore()
        let out = try Support.temporaryDirectory()
        let run = try Support.sroi(["run", Support.exampleScenario, "--data", data, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        let results = try String(contentsOfFile: out + "/results.json", encoding: .utf8)
        let fingerprint = try RecordStore.openForReading(path: data).fingerprint()
        #expect(results.contains("\"database\": \"\(data)\""))
        #expect(results.contains("\"fingerprint\": \"\(fingerprint)\""))
        #expect(results.contains("\"rule\": \"agency-hours-in-period\""))
        #expect(run.stdout.contains("Recorded data: \(data) (fingerprint \(fingerprint.prefix(16))…)"))
    }
}

extension ImportTests {
    /// Two imports into one store at once: the second waits for the first instead of being
    /// refused as "database is locked", and both land whole.
    @Test func twoImportsAtOnceBothLand() throws {
        let directory = try Support.temporaryDirectory()
        let store = directory + "/shared.sqlite"
        #expect(try Support.sroi(["data", "import", store, "Scenarios/use-it/data/researchers.csv"]).status == 0)
        var processes: [Process] = []
        for file in ["Scenarios/use-it/data/shifts.csv", "Scenarios/use-it/data/participants.csv"] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Support.binary)
            process.arguments = ["data", "import", store, file]
            process.currentDirectoryURL = Support.packageRoot
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let status = try Support.sroi(["data", "status", store])
        #expect(status.status == 0)
        for dataset in ["researchers", "shifts", "participants"] { #expect(status.stdout.contains(dataset)) }
    }
}

extension ImportTests {
    /// A date that cannot be gets the reason, not only the format expected.
    @Test(arguments: [
        ("2025-02-31", "February 2025 has 28 days, not 31"), ("2024-02-30", "February 2024 has 29 days, not 30"),
        ("2025-13-01", "month 13 does not exist"), ("1 March 2025", "is not a date written YYYY-MM-DD"),
    ])
    func anImpossibleDateSaysWhy(_ date: String, _ reason: String) throws {
        let text = "person,role,started,hours,shifts\nB1,nurse,\(date),1,1\n"
        let (directory, file) = try People.write(text)
        let result = try Support.sroi(["data", "import", directory + "/store.sqlite", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains(reason), "\(result.stderr)")
        #expect(result.stderr.contains("people.csv:2:"), "\(result.stderr)")
    }
}

extension ImportTests {
    @Test func anEnumerationValueInAnotherCaseGetsDidYouMean() throws {
        let (directory, file) = try People.write("person,role,started,hours,shifts\nB1,Nurse,2020-01-01,1,1\n")
        let result = try Support.sroi(["data", "import", directory + "/store.sqlite", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("did you mean 'nurse'?"), "\(result.stderr)")
    }

    @Test func aFileWithoutADefinitionIsPointedAtDataInit() throws {
        let directory = try Support.temporaryDirectory()
        try "a,b\n1,2\n".write(toFile: directory + "/loose.csv", atomically: true, encoding: .utf8)
        let result = try Support.sroi(["data", "import", directory + "/store.sqlite", directory + "/loose.csv"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("sroi data init"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/store.sqlite"))
    }
}

extension ImportTests {
    /// An evaluation reads one state of the data: an import that arrives while it reads waits,
    /// and lands once the evaluation's snapshot ends.
    @Test func anImportWaitsForTheSnapshotAnEvaluationReads() throws {
        let path = try Support.sampleStore()
        let store = try RecordStore.openForReading(path: path)
        let count = "SELECT count(*) FROM records_shifts"
        let importer = Process()
        importer.executableURL = URL(fileURLWithPath: Support.binary)
        importer.arguments = ["data", "replace", path, "Scenarios/use-it/data/shifts.csv"]
        importer.currentDirectoryURL = Support.packageRoot
        importer.standardOutput = FileHandle.nullDevice
        importer.standardError = FileHandle.nullDevice
        let seen = try store.snapshot { () throws -> [Int] in
            let before = try store.read { db in try Int.fetchOne(db, sql: count)! }
            try importer.run()
            Thread.sleep(forTimeInterval: 1.5)
            let history = try store.history().count
            let after = try store.read { db in try Int.fetchOne(db, sql: count)! }
            return [before, after, history]
        }
        #expect(seen[0] == seen[1], "the snapshot saw the rows change")
        #expect(seen[2] == 0, "the import landed inside the snapshot")
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0, "the import waited and then landed")
        let reopened = try RecordStore.openForReading(path: path)
        #expect(try reopened.history().count == 1)
    }
}

extension ImportTests {
    /// An enumeration's values are listed quoted: one holding a comma still reads as one value.
    @Test func enumerationValuesAreListedSoACommaIsNotASeparator() {
        let type = DatasetDefinition.ColumnType.enumeration(["yes", "no, not yet", "no"])
        #expect(type.description == "one of 'yes', 'no, not yet', 'no'")
    }
}
