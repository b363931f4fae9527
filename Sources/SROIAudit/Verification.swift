import Foundation
import SROICore
import SROILoad

/// What `sroi verify` found in a bundle.
public struct Verification: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Every file is intact and every figure recomputes to the same bits.
        case verified(files: Int, figures: Int)
        /// Files changed, missing or not in the manifest: each named.
        case filesChanged([String])
        /// The files are intact, but recomputing gives other figures, or cannot be done.
        case recomputedDifferently([String])
        /// The bundle cannot be read at all.
        case unreadable(String)
    }

    public var outcome: Outcome
    /// How many files the manifest lists, once it could be read.
    public var intactFiles: Int?

    /// The exit status `sroi verify` gives this outcome.
    public var exitCode: Int32 {
        switch outcome {
        case .verified: return 0
        case .filesChanged: return 1
        case .recomputedDifferently: return 2
        case .unreadable: return 3
        }
    }
}

extension AuditBundle {
    /// The largest bundle archive `verify` reads.
    public static let maximumArchiveBytes = 4 << 30

    /// Checks a bundle folder, or its archive: every file against its hash, then every figure
    /// recomputed from the bundle alone. An archive is extracted, member by checked member, into
    /// a private folder in `temporary`, which is removed afterwards whatever happens.
    public static func verify(_ bundle: String, temporary: String = NSTemporaryDirectory()) -> Verification {
        var status = stat()
        guard stat(bundle, &status) == 0 else {
            return Verification(outcome: .unreadable("\(bundle): no such bundle"))
        }
        if status.st_mode & S_IFMT == S_IFDIR { return verifyFolder(bundle) }
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
        return verifyFolder(folder)
    }

    static func verifyFolder(_ root: String) -> Verification {
        let manifestPath = (root as NSString).appendingPathComponent(manifestName)
        guard let manifestData = try? InputFiles.read(manifestPath),
            let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            let files = manifest["files"] as? [[String: String]], let scenario = manifest["scenario"] as? String
        else {
            return Verification(outcome: .filesChanged(["CHANGED \(manifestName): not a readable manifest"]))
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
        var listed: Set<String> = [manifestName]
        for file in files {
            guard let path = file["path"], let hash = file["sha256"] else { continue }
            listed.insert(path)
            guard InputFiles.isInside(path),
                let data = try? InputFiles.read((root as NSString).appendingPathComponent(path))
            else {
                changed.append("MISSING \(UserText.clip(path))")
                continue
            }
            let actual = sha256(data)
            if actual != hash {
                changed.append(
                    "CHANGED \(UserText.clip(path)): sha256 \(actual), the manifest says \(UserText.clip(hash))")
            }
        }
        for path in InputFiles.regularFiles(below: root) where !listed.contains(path) {
            changed.append("EXTRA \(UserText.clip(path)): not in the manifest")
        }
        if !changed.isEmpty { return Verification(outcome: .filesChanged(changed)) }

        let recomputed: [(name: String, contents: Data)]
        do {
            let data = manifest["data"] as? String
            guard InputFiles.isInside(scenario), data.map(InputFiles.isInside) ?? true else {
                return Verification(
                    outcome: .recomputedDifferently(["the manifest names a scenario or data outside the bundle"]),
                    intactFiles: files.count)
            }
            recomputed = try outputs(root: root, scenario: scenario, data: data)
        } catch {
            return Verification(
                outcome: .recomputedDifferently(error.diagnostics.map(\.description)), intactFiles: files.count)
        }
        var mismatches: [String] = []
        let trace = recomputed.first { $0.name == "results/trace.json" }!.contents
        let bundled = (try? InputFiles.read((root as NSString).appendingPathComponent("results/trace.json"))) ?? Data()
        let ours = nodeValues(String(decoding: trace, as: UTF8.self))
        let theirs = nodeValues(String(decoding: bundled, as: UTF8.self))
        for (id, value) in ours.sorted(by: { $0.key < $1.key }) where theirs[id] != value {
            mismatches.append("MISMATCH \(id): recomputed \(value), the bundle says \(theirs[id] ?? "nothing")")
        }
        for file in recomputed {
            let stored = try? InputFiles.read((root as NSString).appendingPathComponent(file.name))
            if stored != file.contents { mismatches.append("MISMATCH \(file.name): recomputed bytes differ") }
        }
        if !mismatches.isEmpty {
            return Verification(outcome: .recomputedDifferently(mismatches), intactFiles: files.count)
        }
        return Verification(outcome: .verified(files: files.count, figures: ours.count), intactFiles: files.count)
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
