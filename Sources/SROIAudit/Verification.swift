import Foundation
import SROICore
import SROILoad

/// What `sroi verify` found in a bundle.
public struct Verification: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Every file is intact and every figure recomputes to the same bits.
        case verified(files: Int, figures: Int)
        /// The bundle was changed after it was written: files changed, missing or not in the
        /// manifest, or outputs that its own inputs do not give under the engine that wrote it.
        case tampered([String])
        /// The files are intact, but this engine, another version or build than the one that
        /// wrote the bundle, recomputes other figures, or cannot recompute them.
        case recomputedDifferently([String])
        /// The bundle cannot be read at all.
        case unreadable(String)
        /// The signature does not match the manifest, names a key not trusted, or is missing
        /// where a trusted key was asked for.
        case signatureRefused(String)
    }

    /// Who signed the bundle, as far as its signature shows.
    public enum Signature: Sendable, Equatable {
        case unsigned
        /// A valid signature by the key named; `trusted` when that key is one the reader trusts.
        case signed(name: String, fingerprint: String, trusted: Bool)
    }

    public var outcome: Outcome
    /// How many files the manifest lists, once it could be read.
    public var intactFiles: Int?
    public var signature: Signature = .unsigned
    /// When the manifest says the bundle was written, and by which engine.
    public var created: String?
    public var engine: String?

    /// The exit status `sroi verify` gives this outcome.
    public var exitCode: Int32 {
        switch outcome {
        case .verified: return 0
        case .tampered: return 1
        case .recomputedDifferently: return 2
        case .unreadable: return 3
        case .signatureRefused: return 4
        }
    }
}

/// Why a bundle's signature was not accepted.
struct SignatureRefusal: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension AuditBundle {
    /// The largest bundle archive `verify` reads.
    public static let maximumArchiveBytes = 4 << 30

    /// Checks a bundle folder, or its archive: every file against its hash, then every figure
    /// recomputed from the bundle alone. An archive is extracted, member by checked member, into
    /// a private folder in `temporary`, which is removed afterwards whatever happens.
    public static func verify(
        _ bundle: String, trusting trusted: [PublicSigningKey] = [], temporary: String = NSTemporaryDirectory()
    ) -> Verification {
        var status = stat()
        guard stat(bundle, &status) == 0 else {
            return Verification(outcome: .unreadable("\(bundle): no such bundle"))
        }
        if status.st_mode & S_IFMT == S_IFDIR { return verifyFolder(bundle, trusting: trusted) }
        let archive: Data
        do {
            archive = try InputFiles.read(bundle, limit: maximumArchiveBytes)
        } catch {
            return Verification(outcome: .unreadable("\(error)"))
        }
        let folder: String
        do {
            folder = try TarArchive.extract(archive, into: temporary)
        } catch {
            return Verification(outcome: .unreadable("\(bundle): not a bundle archive this engine accepts: \(error)"))
        }
        defer { TarArchive.removeTree(folder) }
        return verifyFolder(folder, trusting: trusted)
    }

    /// The signature beside the manifest, checked against the manifest's bytes and the keys trusted.
    static func checkSignature(root: String, manifest: Data, trusting trusted: [PublicSigningKey]) -> Result<
        Verification.Signature, SignatureRefusal
    > {
        let path = (root as NSString).appendingPathComponent(signatureName)
        var status = stat()
        guard lstat(path, &status) == 0 else {
            return trusted.isEmpty
                ? .success(.unsigned)
                : .failure(
                    SignatureRefusal("the bundle is unsigned, but --trust asks for a signature by a key you trust"))
        }
        guard let data = try? InputFiles.read(path, limit: SigningKey.fileLimit),
            let fields = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?.compactMapValues({
                $0 as? String
            }), fields["format"] == signatureFormat, fields["algorithm"] == "Ed25519",
            let name = fields["signer"], let encoded = fields["public_key"],
            let key = PublicSigningKey(name: name, encoded: encoded),
            let signature = fields["signature"].flatMap({ Data(base64Encoded: $0) })
        else { return .failure(SignatureRefusal("\(signatureName) is not a signature this engine reads")) }
        guard key.isValidSignature(signature, of: manifest) else {
            return .failure(
                SignatureRefusal(
                    "the signature does not match \(manifestName): the bundle was changed after \(UserText.clip(name)) signed it"
                ))
        }
        let isTrusted = trusted.contains(key)
        if !trusted.isEmpty, !isTrusted {
            return .failure(
                SignatureRefusal(
                    "signed by \(UserText.clip(name)) with key \(key.fingerprint), which is not a key you trust (--trust)"
                ))
        }
        return .success(.signed(name: name, fingerprint: key.fingerprint, trusted: isTrusted))
    }

    static func verifyFolder(_ root: String, trusting trusted: [PublicSigningKey]) -> Verification {
        let manifestPath = (root as NSString).appendingPathComponent(manifestName)
        guard let manifestData = try? InputFiles.read(manifestPath),
            let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let files = manifest["files"] as? [[String: String]], let scenario = manifest["scenario"] as? String
        else {
            return Verification(outcome: .tampered(["CHANGED \(manifestName): not a readable manifest"]))
        }
        let engine = manifest["engine"] as? [String: String]
        let writtenBy = engine.map {
            "\($0["name"] ?? "?") \($0["version"] ?? "?") (\($0["build"] ?? "build not recorded"))"
        }
        let sameEngine = engine?["version"] == Engine.version && engine?["build"] == Engine.build
        var verification = Verification(outcome: .verified(files: 0, figures: 0))
        verification.created = (manifest["created"] as? String).map { UserText.clip($0) }
        verification.engine = writtenBy.map { UserText.clip($0) }
        switch checkSignature(root: root, manifest: manifestData, trusting: trusted) {
        case .failure(let refusal):
            verification.outcome = .signatureRefused(refusal.reason)
            return verification
        case .success(let signature):
            verification.signature = signature
        }
        // Counted as `bundle` counts them: every file, the manifest and its signature included.
        let present = InputFiles.regularFiles(below: root)
        let fileCount = present.count
        func finish(_ outcome: Verification.Outcome) -> Verification {
            verification.outcome = outcome
            if case .tampered = outcome {
            } else if case .unreadable = outcome {
            } else {
                verification.intactFiles = fileCount
            }
            return verification
        }
        var changed: [String] = []
        // The manifest's own hash, over its text with that hash blanked.
        let text = String(decoding: manifestData, as: UTF8.self)
        if let claimed = manifest["manifest_sha256"] as? String {
            let blanked = text.replacingOccurrences(
                of: "\"manifest_sha256\": \"\(claimed)\"", with: "\"manifest_sha256\": \"\(blankHash)\"")
            if sha256(Data(blanked.utf8)) != claimed || blanked == text {
                changed.append("CHANGED \(manifestName): its own hash does not match its contents")
            }
        } else {
            changed.append("CHANGED \(manifestName): it has no hash of its own")
        }
        var listed: Set<String> = [manifestName, signatureName]
        for file in files {
            guard let path = file["path"], let hash = file["sha256"] else { continue }
            listed.insert(path)
            guard InputFiles.isInside(path),
                let actual = try? FileDigest.sha256(fileAt: (root as NSString).appendingPathComponent(path))
            else {
                changed.append("MISSING \(UserText.clip(path))")
                continue
            }
            if actual != hash {
                changed.append(
                    "CHANGED \(UserText.clip(path)): sha256 \(actual), the manifest says \(UserText.clip(hash))")
            }
        }
        for path in present where !listed.contains(path) {
            changed.append("EXTRA \(UserText.clip(path)): not in the manifest")
        }
        if !changed.isEmpty { return finish(.tampered(changed)) }

        var simulation: (draws: Int, seed: UInt64)?
        if let declared = manifest["simulation"] as? [String: Any] {
            guard let draws = declared["draws"] as? Int, (2...Simulation.maximumDraws).contains(draws),
                let seed = (declared["seed"] as? String).flatMap(UInt64.init)
            else { return finish(.tampered(["CHANGED \(manifestName): its simulation is not draws and a seed"])) }
            simulation = (draws, seed)
        }
        let recomputed: [(name: String, contents: Data)]
        do {
            let data = manifest["data"] as? String
            guard InputFiles.isInside(scenario), data.map(InputFiles.isInside) ?? true else {
                return finish(.tampered(["the manifest names a scenario or data outside the bundle"]))
            }
            recomputed = try outputs(root: root, scenario: scenario, data: data, simulation: simulation).files
        } catch {
            return finish(.recomputedDifferently(error.diagnostics.map(\.description)))
        }
        var mismatches: [String] = []
        let trace = recomputed.first { $0.name == "results/trace.json" }!.contents
        let bundled = (try? InputFiles.read((root as NSString).appendingPathComponent("results/trace.json"))) ?? Data()
        let ours = nodeValues(String(decoding: trace, as: UTF8.self))
        let theirs = nodeValues(String(decoding: bundled, as: UTF8.self))
        for (id, value) in ours.sorted(by: { $0.key < $1.key }) where theirs[id] != value {
            mismatches.append("MISMATCH \(id): recomputed \(value), the bundle says \(theirs[id] ?? "nothing")")
        }
        let outputs = Set(recomputed.map(\.name))
        for file in recomputed {
            let stored = try? InputFiles.read(
                (root as NSString).appendingPathComponent(file.name), limit: InputFiles.recordStoreLimit)
            if stored != file.contents { mismatches.append("MISMATCH \(file.name): recomputed bytes differ") }
        }
        for file in files {
            guard let path = file["path"], file["role"] == "output", !outputs.contains(path) else { continue }
            mismatches.append("MISMATCH \(UserText.clip(path)): listed as an output, but the inputs give no such file")
        }
        if !mismatches.isEmpty {
            // The same engine gives the same bytes from the same inputs: a difference is an edit.
            guard sameEngine else {
                return finish(
                    .recomputedDifferently(
                        [
                            "the bundle was written by \(writtenBy ?? "an engine it does not name"); this is \(Engine.name) \(Engine.version) (\(Engine.build))"
                        ]
                            + mismatches))
            }
            return finish(
                .tampered(
                    mismatches.map { $0.replacingOccurrences(of: "MISMATCH ", with: "CHANGED ") }
                        + [
                            "the engine that wrote the bundle gives other outputs from its inputs: files were changed after it was written"
                        ]))
        }
        return finish(.verified(files: fileCount, figures: ours.count))
    }

    /// Each trace node's value as written: nodes open at four spaces, values sit at six.
    static func nodeValues(_ trace: String) -> [String: String] {
        var values: [String: String] = [:]
        var current = ""
        for line in trace.split(separator: "\n") {
            if line.hasPrefix("    \""), !line.hasPrefix("     "), line.hasSuffix("\": {") {
                current = String(line.dropFirst(5).dropLast(4))
            } else if line.hasPrefix("      \"value\": ") {
                values[current] = String(line.dropFirst("      \"value\": ".count).dropLast())
            }
        }
        return values
    }
}
