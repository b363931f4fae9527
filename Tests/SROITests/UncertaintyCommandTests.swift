import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// `sroi simulate` as separate processes: the same bytes on one thread and on two, and the same
/// numbers as the simulation run in this process. The test script runs this suite again with a
/// Thread Sanitizer build of sroi, so the worker threads are checked for races too.
@Suite struct UncertaintyCommandTests {
    @Test func simulateGivesTheSameBytesOnOneAndTwoThreadsAndTheInProcessNumbers() throws {
        let data = try Support.sampleStore()
        var files: [Data] = []
        for threads in [1, 2] {
            let out = try Support.temporaryDirectory()
            let run = try Support.sroi([
                "simulate", Support.exampleScenario, "--data", data, "--draws", "30000", "--seed", "7",
                "--threads", String(threads), "--out", out,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            files.append(try Data(contentsOf: URL(fileURLWithPath: out + "/simulation.json")))
        }
        #expect(files[0] == files[1], "the threads changed the numbers")
        let json = try #require(try JSONSerialization.jsonObject(with: files[0]) as? [String: Any])
        let ratio = try #require(json["sroi_ratio"] as? [String: Any], "\(json.keys)")
        let local = try Simulation.run(
            ScenarioWithRecords.load(
                Support.packageRoot.appendingPathComponent(Support.exampleScenario).path, data: data
            ).scenario, draws: 30000, seed: 7, threads: 1)
        for (name, value) in [("mean", local.ratio.mean), ("median", local.ratio.median), ("p5", local.ratio.p5)] {
            #expect((ratio[name] as? NSNumber)?.doubleValue.bitPattern == value.bitPattern, "\(name)")
        }
    }
}
