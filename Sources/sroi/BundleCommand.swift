import ArgumentParser
import Foundation
import SROIAudit
import SROICore

struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Write an audit bundle: scenario, models, recorded data, results, trace, report, workbook, simulation and a manifest of hashes.",
        discussion: """
            Writes the bundle folder (--out, new or empty) and the same files as one archive beside it
            (DIR.tar), whole or not at all; nothing already there is replaced. The manifest records
            when and by which engine the bundle was written, the files imported into the store and the
            store's hash. With --sign, the manifest is signed with a key from 'sroi key new', so that a
            funder holding the public key can tell who wrote it. Anyone can check a bundle with
            'sroi verify', which recomputes every figure from the bundle alone.
            Example:
              sroi key new --name "USE-IT! evaluation team" --out keys/
              sroi bundle Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out bundle/ --sign keys/sroi-signing.key
              sroi bundle Scenarios/use-it/health-professionals.yaml --data outcomes.sqlite --out internal/ --records full
            """)

    @OptionGroup var scenario: ScenarioArgument
    @OptionGroup var output: OutputOptions

    @Option(
        help: ArgumentHelp(
            "What of the recorded data to include: 'minimised' (the rows and columns the scenario reads, personal identifiers as keyed pseudonyms) or 'full' (the store as it is, for internal use).",
            valueName: "minimised|full"))
    var records: String = "minimised"

    @Option(help: ArgumentHelp("Sign the manifest with this private key (from 'sroi key new').", valueName: "KEY"))
    var sign: String?

    @Option(help: "Draws of the simulation the bundle holds, when assumptions declare distributions.")
    var draws = 20_000

    @Option(help: "The seed of the simulation's pseudo-random generator.")
    var seed: UInt64 = 42

    @Flag(help: "Leave out report.pdf, which is printed with Chromium where one is installed.")
    var noPDF = false

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
        guard draws >= 2, draws <= Simulation.maximumDraws else {
            throw ValidationError("--draws must be from 2 to \(Simulation.maximumDraws)")
        }
    }

    func run() throws {
        let out = (output.out! as NSString).standardizingPath
        var options = AuditBundle.Options()
        options.records = AuditBundle.Records(rawValue: records)!
        options.draws = draws
        options.seed = seed
        options.pdf = !noPDF
        if let sign {
            do {
                options.signer = try SigningKey.read(sign)
            } catch {
                Terminal.error("error: --sign: \(error)")
                throw ExitCode.failure
            }
        }
        let loaded = try scenario.load()
        _ = try loaded.evaluate()
        do {
            let count = try AuditBundle.write(loaded, data: scenario.data, to: out, options: options)
            Terminal.write("Wrote \(out)/ (\(count) files) and \(out).tar\n")
            if let signer = options.signer {
                Terminal.write(
                    "Signed by \(signer.name), key \(signer.publicKey.fingerprint): send the public key to the funder by another way than the bundle.\n"
                )
            } else {
                Terminal.write("Unsigned: nothing in it shows who wrote it (sign with --sign KEY).\n")
            }
            if scenario.data != nil {
                Terminal.write(
                    options.records == .minimised
                        ? "The recorded data holds only the rows and columns the scenario reads, dates no finer than its queries use, personal identifiers as keyed pseudonyms (--records full keeps everything). Pseudonymised records are still personal data.\n"
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
            "Check an audit bundle: its signature, every file against its hash, then every figure recomputed from the bundle alone.",
        discussion: """
            Exit status: 0 when every file is intact and every figure recomputes to the same bits;
            1 when the bundle was changed after it was written: a file changed, missing or not in the
            manifest, or an output its own inputs do not give under the engine that wrote it;
            2 when the files are intact but this engine (another version or build) recomputes other figures;
            3 when the bundle cannot be read;
            4 when the signature does not match the manifest, the key is not one --trust names, or the
            bundle is unsigned though --trust asks for a signature.
            Recomputing checks the arithmetic; it is not assurance of the analysis. An archive is
            checked member by member and unpacked into a private temporary folder, removed afterwards.
            Example:
              sroi verify bundle.tar --trust keys/sroi-signing.pub
              sroi verify bundle/
            """)

    @Argument(help: "A bundle folder, or its .tar archive.")
    var bundle: String

    @Option(
        help: ArgumentHelp(
            "A public key (sroi-signing.pub) whose signature you accept; repeat for several. The bundle must be signed by one.",
            valueName: "PUBLIC_KEY"))
    var trust: [String] = []

    func run() throws {
        var keys: [PublicSigningKey] = []
        for path in trust {
            do {
                keys.append(try PublicSigningKey.read(path))
            } catch {
                Terminal.error("error: --trust: \(error)")
                throw ExitCode(3)
            }
        }
        let verification = AuditBundle.verify(bundle, trusting: keys)
        if let created = verification.created, let engine = verification.engine {
            Terminal.write("Written \(created) by \(engine).\n")
        }
        switch verification.signature {
        case .unsigned:
            if case .signatureRefused = verification.outcome {
            } else {
                Terminal.write("Unsigned: nothing shows who wrote it.\n")
            }
        case .signed(let name, let fingerprint, let trusted):
            Terminal.write(
                trusted
                    ? "Signed by \(name) with key \(fingerprint), a key you trust.\n"
                    : "Signed by \(name) with key \(fingerprint); the key is not checked against one you trust (--trust PUBLIC_KEY).\n"
            )
        }
        switch verification.outcome {
        case .unreadable(let reason):
            Terminal.error("error: \(reason)")
        case .signatureRefused(let reason):
            Terminal.write("SIGNATURE REFUSED: \(reason).\n")
        case .tampered(let findings):
            Terminal.write(findings.joined(separator: "\n") + "\n")
            Terminal.write(
                "TAMPERED: \(findings.count) finding\(findings.count == 1 ? "" : "s"); the bundle is not as it was written.\n"
            )
        case .recomputedDifferently(let findings):
            if let files = verification.intactFiles { Terminal.write("\(files) files intact.\n") }
            Terminal.write(findings.joined(separator: "\n") + "\n")
            Terminal.write("\(findings.count) difference\(findings.count == 1 ? "" : "s") on recomputation.\n")
        case .verified(let files, let figures):
            Terminal.write("\(files) files intact.\n")
            Terminal.write(
                "\(figures) figures recomputed from the bundle alone: every one matches, bit for bit. That checks the arithmetic; it is not assurance of the analysis.\n"
            )
        }
        if verification.exitCode != 0 { throw ExitCode(verification.exitCode) }
    }
}

struct Key: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a key pair for signing audit bundles.",
        subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new Ed25519 key pair: sroi-signing.key (private, owner-only) and sroi-signing.pub.",
            discussion: """
                The private key is written with owner-only permissions and never replaced; keep it
                where only the people who sign can read it. Send sroi-signing.pub to the funder by
                another way than the bundle, and read its fingerprint to them to compare.
                Example:
                  sroi key new --name "USE-IT! evaluation team" --out keys/
                """)

        @Option(help: ArgumentHelp("Who signs: the organisation or person the key stands for.", valueName: "NAME"))
        var name: String

        @Option(help: ArgumentHelp("Folder for the key files (created if missing).", valueName: "DIR"))
        var out: String

        func validate() throws {
            guard !name.allSatisfy(\.isWhitespace), name.count <= 200 else {
                throw ValidationError("--name names who signs, in 1 to 200 characters")
            }
        }

        func run() throws {
            let key = SigningKey(name: name)
            do {
                let written = try key.write(into: out)
                Terminal.write(
                    "Wrote \(written.privateKey) (private: keep it) and \(written.publicKey) (public: send it).\n")
                Terminal.write("Key fingerprint: \(key.publicKey.fingerprint)\n")
            } catch {
                Terminal.error("error: \(error)")
                throw ExitCode.failure
            }
        }
    }
}
