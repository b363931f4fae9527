import Foundation
import PropertyBased
import SROICore
import SROIData
import SROILoad
import Testing

/// Sums and means over records are exactly rounded (SROI-METHOD, "Numbers and determinism"):
/// checked against hand arithmetic, against Python's `math.fsum`, and through the record store
/// whatever the order of the rows.
@Suite struct ExactSumTests {
    @Test func tenTenthsSumToOneWhereAddingInTurnDoesNot() {
        let tenths = Array(repeating: 0.1, count: 10)
        // The binary64 0.1 is 0.1000000000000000055511151231257827…; ten of them are
        // 1.000000000000000055511151231257827…, whose nearest binary64 is 1. Added in turn they
        // give 0.9999999999999999.
        #expect(tenths.reduce(0, +) == 0.9999999999999999)
        #expect(ExactSum(tenths).value == 1)
        #expect(ExactSum(tenths).mean == 0.1)
        // 1e16 + 1 rounds back to 1e16 (the spacing there is 2); the exact sum is 1.
        #expect([1e16, 1, -1e16].reduce(0, +) == 0)
        #expect(ExactSum([1e16, 1, -1e16]).value == 1)
        // Whole numbers beyond 2^53 are added exactly: 2^53 + 1 + 1 = 2^53 + 2.
        var whole = ExactSum()
        for value in [Int64(1) << 53, 1, 1] { whole.add(value) }
        #expect(whole.value == 9_007_199_254_740_994)
        #expect(whole.count == 3)
        #expect(ExactSum([Double]()).value == 0)
        #expect(ExactSum([Double]()).mean.isNaN)
        // A sum beyond binary64 has no value, never infinity.
        #expect(ExactSum([1e308, 1e308]).value.isNaN)
    }

    /// Lists of values of every magnitude and sign, with cancellations.
    static let lists = Gen.int(in: 0...1_000_000).array(of: 1...60).map { seeds in
        seeds.map { seed -> Double in
            let mantissa = Double(seed % 10_007) / 37 - 135
            let exponent = Double(seed % 41) - 20
            return mantissa * pow(10, exponent)
        }
    }

    @Test func agreesWithPythonsFsumBitForBit() async throws {
        guard let python = Self.python else {
            print("note: python3 is not on PATH, so ExactSum is not compared with math.fsum")
            return
        }
        var lists: [[Double]] = []
        await propertyCheck(count: 200, input: Self.lists) { list in lists.append(list) }
        let input = lists.map { $0.map(NumberFormat.shortest).joined(separator: " ") }.joined(separator: "\n")
        let script =
            "import math,sys\nfor line in sys.stdin.read().splitlines():\n"
            + "    print(repr(math.fsum(float(x) for x in line.split())))\n"
        let answers = try Self.run(python, ["-c", script], input: input).split(separator: "\n").map(String.init)
        try #require(answers.count == lists.count)
        for (list, answer) in zip(lists, answers) {
            let theirs = try #require(Double(answer))
            #expect(ExactSum(list).value.bitPattern == theirs.bitPattern, "\(list)")
        }
    }

    @Test func anyOrderGivesTheSameBits() async {
        await propertyCheck(count: 300, input: Self.lists, Gen.int(in: 0...1000)) { list, seed in
            var generator = SplitMix(seed: UInt64(seed))
            let shuffled = list.shuffled(using: &generator)
            #expect(ExactSum(list).value.bitPattern == ExactSum(shuffled).value.bitPattern)
        }
    }

    private static let definition = """
        schema: sroi-dataset/1
        name: sessions
        columns:
          - {name: volunteer, type: text}
          - {name: held, type: date}
          - {name: hours, type: decimal}
          - {name: year, type: integer}
        """

    /// A store holding `rows` (`held,hours,year`) of dataset `sessions`, and a scenario whose
    /// one outcome's quantity is read from it with `records`.
    private func quantities(_ rows: [String], records: [String]) throws -> Evaluation {
        let directory = try Support.temporaryDirectory()
        let csv = (directory as NSString).appendingPathComponent("sessions.csv")
        let lines = rows.enumerated().map { "v\($0.offset),\($0.element)" }
        try (["volunteer,held,hours,year"] + lines).joined(separator: "\n").appending("\n")
            .write(toFile: csv, atomically: true, encoding: .utf8)
        try Self.definition.write(toFile: CSVImporter.definitionPath(for: csv), atomically: true, encoding: .utf8)
        let path = (directory as NSString).appendingPathComponent("store.sqlite")
        _ = try CSVImporter().run(files: [csv], into: RecordStore.openForWriting(path: path))
        let yaml = Support.scenario(
            outcome: ["quantity:", "  records:"] + records.map { "    " + $0 } + [
                "proxy: {value: 1, currency: GBP, source: Test}", "duration: 1", "value_type: social",
            ]
        )
        .replacingOccurrences(of: "analysis_period: {years: 5}", with: "analysis_period: {years: 5, first_year: 2020}")
        let resolved = try RecordResolver(store: RecordStore.openForReading(path: path), databaseName: "store.sqlite")
            .resolve(Support.load(yaml).scenario)
        return try Evaluator().evaluate(resolved)
    }

    @Test func aSumOverRecordsIsExactlyRoundedInEveryRowOrder() throws {
        // Ten sessions of 0.1 hours and two of 1e16 and -1e16 cancelling: exactly 1 hour.
        let rows =
            Array(repeating: "2020-03-01,0.1,2020", count: 10) + [
                "2020-04-01,10000000000000000,2020", "2020-05-01,-10000000000000000,2020",
            ]
        var generator = SplitMix(seed: 7)
        for order in [rows, rows.reversed(), rows.shuffled(using: &generator)] {
            let sum = try quantities(order, records: ["dataset: sessions", "aggregate: sum", "column: hours"])
            #expect(sum.trace["outcome.jobs.quantity"]?.value == .number(1))
            let mean = try quantities(order, records: ["dataset: sessions", "aggregate: mean", "column: hours"])
            #expect(mean.trace["outcome.jobs.quantity"]?.value == .number(1.0 / 12))
        }
    }

    @Test func aColumnNamedYearDoesNotChangeTheCohorts() throws {
        // Both rows say year 2020, but one was held in 2021: one cohort of one in each year.
        let evaluation = try quantities(
            ["2020-05-01,1,2020", "2021-02-01,1,2020"],
            records: ["dataset: sessions", "aggregate: count", "by_year: held"])
        #expect(evaluation.results.outcomes.map(\.id) == ["jobs@year1", "jobs@year2"])
        #expect(evaluation.trace["outcome.jobs@year1.quantity"]?.value == .number(1))
        #expect(evaluation.trace["outcome.jobs@year2.quantity"]?.value == .number(1))
    }

    static var python: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func run(_ executable: String, _ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}

/// A seeded generator for shuffles the tests can repeat.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
