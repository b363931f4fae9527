import ArgumentParser
import Foundation
import SROIAudit
import SROICore

struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write an audit bundle: scenario, models, recorded data, results, trace, report and a manifest of hashes.",
        discussion: """
            Writes the bundle folder (--out, new or empty) and the same files as one archive beside it
            (DIR.tar), whole or not at all; nothing already there is replaced. Anyone can then check it
            with 'sroi verify', which recomputes every figure from the bundle alone.
            Example:
              sroi bundle Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out bundle/
              sroi bundle Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out internal/ --records full
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    @Option(
        help: ArgumentHelp(
            "What of the recorded data to include: 'minimised' (the columns the scenario reads, personal identifiers as keyed pseudonyms) or 'full' (the store as it is, for internal use).",
            valueName: "minimised|full"))
    var records: String = "minimised"

    func validate() throws {
        guard output.out != nil else { throw ValidationError("name the bundle folder with --out DIR") }
        guard scenario.whatIf.settings.isEmpty else {
            throw ValidationError(
                "a bundle holds the figures its own scenario file gives, so that 'sroi verify' can recompute them; write the what-if into a copy of the scenario instead of --set"
            )
        }
        guard AuditBundle.Records(rawValue: records) != nil else {
            throw ValidationError("--records takes minimised or full")
        }
    }

    func run() throws {
        let out = (output.out! as NSString).standardizingPath
        let loaded = try scenario.load()
        _ = try loaded.evaluate()
        do {
            let chosen = AuditBundle.Records(rawValue: records)!
            let count = try AuditBundle.write(loaded, data: scenario.data, to: out, records: chosen)
            Terminal.write("Wrote \(out)/ (\(count) files) and \(out).tar\n")
            if scenario.data != nil {
                Terminal.write(
                    chosen == .minimised
                        ? "The recorded data holds only the columns the scenario reads, personal identifiers as keyed pseudonyms (--records full keeps everything).\n"
                        : "The recorded data is the whole store, personal identifiers included: for internal use.\n")
            }
        } catch let failure as ValidationFailure {
            Terminal.error(failure.description)
            throw ExitCode.failure
        } catch {
            Terminal.error("error: the bundle was not written: \(error)")
            throw ExitCode.failure
        }
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Check an audit bundle: every file against its hash, then every figure recomputed from the bundle alone.",
        discussion: """
            Exit status: 0 when every file is intact and every figure recomputes to the same bits;
            1 when a file was changed, is missing or is not in the manifest (each is named);
            2 when the files are intact but recomputing gives other figures (another engine version);
            3 when the bundle cannot be read. An archive is checked member by member and unpacked
            into a private temporary folder, which is removed afterwards.
            Example:
              sroi verify bundle/
              sroi verify bundle.tar
            """)

    @Argument(help: "A bundle folder, or its .tar archive.")
    var bundle: String

    func run() throws {
        let verification = AuditBundle.verify(bundle)
        switch verification.outcome {
        case .unreadable(let reason):
            Terminal.error("error: \(reason)")
        case .filesChanged(let findings):
            Terminal.write(findings.joined(separator: "\n") + "\n")
            Terminal.write(
                "\(findings.count) file\(findings.count == 1 ? "" : "s") changed, missing or unlisted; figures not recomputed.\n"
            )
        case .recomputedDifferently(let findings):
            if let files = verification.intactFiles { Terminal.write("\(files) files intact.\n") }
            Terminal.write(findings.joined(separator: "\n") + "\n")
            Terminal.write("\(findings.count) mismatch\(findings.count == 1 ? "" : "es") on recomputation.\n")
        case .verified(let files, let figures):
            Terminal.write("\(files) files intact.\n")
            Terminal.write("\(figures) figures recomputed from the bundle alone: every one matches, bit for bit.\n")
        }
        if verification.exitCode != 0 { throw ExitCode(verification.exitCode) }
    }
}
