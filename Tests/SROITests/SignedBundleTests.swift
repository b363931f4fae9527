import Crypto
import Foundation
import GRDB
import SROIAudit
import SROICore
import SROIReport
import Testing

/// What a funder holds: a bundle signed by a key it trusts, that reads as tampered when anything
/// in it was changed after it was written, however carefully the hashes were redone.
@Suite struct SignedBundleTests {
    /// A key pair in a fresh folder, and a signed bundle of the flagship scenario.
    private func signedBundle(pdf: Bool = false, data: String? = nil) throws -> (keys: String, bundle: String) {
        let parent = try Support.temporaryDirectory()
        let keys = parent + "/keys"
        let made = try Support.sroi(["key", "new", "--name", "USE-IT! evaluation team", "--out", keys])
        #expect(made.status == 0, "\(made.stderr)")
        let out = parent + "/bundle"
        let bundled = try Support.sroi(
            [
                "bundle", Support.exampleScenario, "--data", try data ?? Support.sampleStore(), "--out", out, "--sign",
                keys + "/" + SigningKey.privateFileName,
            ] + (pdf ? [] : ["--no-pdf"]))
        #expect(bundled.status == 0, "\(bundled.stderr)")
        #expect(bundled.stdout.contains("Signed by USE-IT! evaluation team"))
        return (keys, out)
    }

    @Test func aSignedBundleVerifiesWithItsKeyAndFailsWithAnother() throws {
        let (keys, bundle) = try signedBundle()
        let trusted = try Support.sroi(["verify", bundle + ".tar", "--trust", keys + "/" + SigningKey.publicFileName])
        #expect(trusted.status == 0, "\(trusted.stdout)\(trusted.stderr)")
        #expect(trusted.stdout.contains("Signed by USE-IT! evaluation team with key"))
        #expect(trusted.stdout.contains("a key you trust"))
        #expect(trusted.stdout.contains("it is not assurance"))

        let other = try Support.temporaryDirectory() + "/other"
        #expect(try Support.sroi(["key", "new", "--name", "Someone else", "--out", other]).status == 0)
        let untrusted = try Support.sroi(["verify", bundle, "--trust", other + "/" + SigningKey.publicFileName])
        #expect(untrusted.status == 4, "\(untrusted.stdout)")
        #expect(untrusted.stdout.contains("not a key you trust"))

        // Without --trust a valid signature is shown, and said to be unchecked against a trusted key.
        let unchecked = try Support.sroi(["verify", bundle])
        #expect(unchecked.status == 0)
        #expect(unchecked.stdout.contains("not checked against one you trust"))
    }

    @Test func anUnsignedBundleSaysSoAndFailsWhereASignatureIsAskedFor() throws {
        let (keys, _) = try signedBundle()
        let out = try Support.temporaryDirectory() + "/unsigned"
        #expect(
            try Support.sroi([
                "bundle", Support.exampleScenario, "--data", try Support.sampleStore(), "--out", out, "--no-pdf",
            ]).status == 0)
        let plain = try Support.sroi(["verify", out])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("Unsigned: nothing shows who wrote it."))
        let asked = try Support.sroi(["verify", out, "--trust", keys + "/" + SigningKey.publicFileName])
        #expect(asked.status == 4)
        #expect(asked.stdout.contains("the bundle is unsigned"))
    }

    /// Changes report.md, then redoes its hash in the manifest and the manifest's own hash, as a
    /// forger who read the format would.
    private func forgeReport(in bundle: String) throws {
        let report = bundle + "/results/report.md"
        var text = try String(contentsOfFile: report, encoding: .utf8)
        let original = text
        text = text.replacingOccurrences(of: "SROI ratio", with: "SROI ratio (assured)")
        #expect(text != original)
        let oldHash = SHA256.hash(data: Data(original.utf8)).map { String(format: "%02x", $0) }.joined()
        let newHash = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        try text.write(toFile: report, atomically: true, encoding: .utf8)
        var manifest = try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: oldHash, with: newHash)
        let claimed = try #require(
            manifest.range(of: #""manifest_sha256": "[0-9a-f]{64}""#, options: .regularExpression))
        let blank = "\"manifest_sha256\": \"" + String(repeating: "0", count: 64) + "\""
        manifest.replaceSubrange(claimed, with: blank)
        let selfHash = SHA256.hash(data: Data(manifest.utf8)).map { String(format: "%02x", $0) }.joined()
        manifest = manifest.replacingOccurrences(of: blank, with: "\"manifest_sha256\": \"\(selfHash)\"")
        try manifest.write(toFile: bundle + "/manifest.json", atomically: true, encoding: .utf8)
    }

    @Test func aForgedFileWithItsHashesRedoneReadsAsTampering() throws {
        let (keys, signed) = try signedBundle()
        // Unsigned: the hashes agree, but the engine that wrote it gives another report.md.
        let unsigned = try Support.temporaryDirectory() + "/unsigned"
        #expect(
            try Support.sroi([
                "bundle", Support.exampleScenario, "--data", try Support.sampleStore(), "--out", unsigned, "--no-pdf",
            ]).status == 0)
        try forgeReport(in: unsigned)
        let forged = try Support.sroi(["verify", unsigned])
        #expect(forged.status == 1, "\(forged.stdout)")
        #expect(forged.stdout.contains("CHANGED results/report.md"))
        #expect(forged.stdout.contains("TAMPERED"))
        #expect(!forged.stdout.contains("another engine"))

        // Signed: the manifest is no longer the one signed.
        try forgeReport(in: signed)
        let refused = try Support.sroi(["verify", signed, "--trust", keys + "/" + SigningKey.publicFileName])
        #expect(refused.status == 4, "\(refused.stdout)")
        #expect(refused.stdout.contains("the signature does not match manifest.json"))
    }

    @Test func theManifestSaysWhenByWhomAndFromWhichFiles() throws {
        let records = try Support.sampleStore()
        let (_, bundle) = try signedBundle(data: records)
        let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let created = try #require(manifest["created"] as? String)
        #expect(created.hasPrefix("20") && created.hasSuffix("Z"))
        let signer = try #require(manifest["signer"] as? [String: String])
        #expect(signer["name"] == "USE-IT! evaluation team")
        let engine = try #require(manifest["engine"] as? [String: String])
        #expect(engine["version"] == Engine.version && engine["build"] == Engine.build)
        // The grantee's sample CSV files, with the hashes of the files imported.
        let sources = try #require(manifest["source_files"] as? [[String: Any]])
        for name in Support.sampleData {
            let csv = try Data(contentsOf: Support.packageRoot.appendingPathComponent(name))
            let hash = SHA256.hash(data: csv).map { String(format: "%02x", $0) }.joined()
            #expect(sources.contains { $0["sha256"] as? String == hash }, "\(name) is not among the source files")
        }
        let store = try #require(manifest["grantee_store"] as? [String: String])
        let storeBytes = try Data(contentsOf: URL(fileURLWithPath: records))
        #expect(store["sha256"] == SHA256.hash(data: storeBytes).map { String(format: "%02x", $0) }.joined())
        // Archive members carry the time written, not 1970.
        let archive = try Data(contentsOf: URL(fileURLWithPath: bundle + ".tar"))
        let mtime = Int(String(decoding: archive[136..<147], as: UTF8.self), radix: 8) ?? 0
        #expect(mtime > 1_700_000_000)
    }

    @Test func bundleAndVerifyCountTheSameFiles() throws {
        let (keys, bundle) = try signedBundle(pdf: true)
        let files = FileManager.default.enumerator(atPath: bundle)!.compactMap { $0 as? String }.filter { file in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: bundle + "/" + file, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        for expected in [
            "results/simulation.json", "results/value-map.xlsx", "results/report.html", "signature.json",
            "manifest.json",
        ] {
            #expect(files.contains(expected), "\(expected) is not in the bundle")
        }
        if PDFPrinter.browser() != nil { #expect(files.contains("results/report.pdf")) }
        let verified = try Support.sroi(["verify", bundle + ".tar", "--trust", keys + "/" + SigningKey.publicFileName])
        #expect(verified.stdout.contains("\(files.count) files intact."), "\(verified.stdout)")
    }

    @Test func thePrivateKeyIsOwnersOnlyAndNeverReplaced() throws {
        let folder = try Support.temporaryDirectory() + "/keys"
        #expect(try Support.sroi(["key", "new", "--name", "A", "--out", folder]).status == 0)
        let path = folder + "/" + SigningKey.privateFileName
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let again = try Support.sroi(["key", "new", "--name", "B", "--out", folder])
        #expect(again.status != 0)
        #expect(again.stderr.contains("a key is never replaced"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // A private key others may read is not used.
        chmod(path, 0o644)
        #expect(throws: SigningKey.KeyError.self) { try SigningKey.read(path) }
    }
}

extension SignedBundleTests {
    @Test func theBundlesReadmeSaysWhatWasMinimisedAndThatItIsStillPersonalData() throws {
        let (_, bundle) = try signedBundle()
        let readme = try String(contentsOfFile: bundle + "/README.md", encoding: .utf8)
        #expect(readme.contains("Signed by USE-IT! evaluation team"))
        #expect(readme.contains("- participants: participant_id, profession, refugee, nhs_start_on"))
        #expect(readme.contains("to the start of the year: nhs_start_on"))
        #expect(readme.contains("Pseudonymised records are still personal data"))
        // Reports count integrity findings and name no record; the grantee's own report too.
        let report = try String(contentsOfFile: bundle + "/results/report.md", encoding: .utf8)
        #expect(!report.contains("participant_id = "))
        let own = try Support.temporaryDirectory()
        #expect(
            try Support.sroi(["report", Support.exampleScenario, "--data", try Support.sampleStore(), "--out", own])
                .status == 0)
        let ownReport = try String(contentsOfFile: own + "/report.md", encoding: .utf8)
        let counted = try #require(
            ownReport.split(separator: "\n").first {
                $0.contains("left out of outcome agency-cover-replaced by its query")
            })
        #expect(counted.hasSuffix("| 99 |"), "\(counted)")
        #expect(!ownReport.contains("participant_id = "))
        #expect(ownReport.contains("dated 2020-06-01 to 2023-12-01") || ownReport.contains("2023-12"))
        let results = try String(contentsOfFile: bundle + "/results/results.json", encoding: .utf8)
        #expect(!results.contains("participant_id = "))
        #expect(!results.contains("\"key\": "))
    }
}

extension SignedBundleTests {
    /// The edit a grantee could make by hand: lift the protection, multiply the hours, put the
    /// protection back. The store is then refused, rather than read under its old fingerprint.
    @Test func rowsEditedBehindTheStoresBackAreRefused() throws {
        let data = try Support.sampleStore()
        let before = try Support.sroi(["run", Support.exampleScenario, "--data", data])
        #expect(before.status == 0)
        let queue = try DatabaseQueue(path: data)
        try queue.write { db in
            let triggers = try Row.fetchAll(
                db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records_shifts'")
            #expect(triggers.count == 2)
            for trigger in triggers { try db.execute(sql: "DROP TRIGGER \"\(trigger["name"] as String)\"") }
            try db.execute(sql: "UPDATE records_shifts SET hours = hours * 10")
            for trigger in triggers { try db.execute(sql: trigger["sql"] as String) }
        }
        try queue.close()
        let after = try Support.sroi(["run", Support.exampleScenario, "--data", data])
        #expect(after.status != 0, "\(after.stdout)")
        #expect(after.stderr.contains("changed outside sroi"), "\(after.stderr)")
        #expect(!after.stdout.contains("Total present value"))
        // Nor can an import launder it.
        let again = try Support.sroi(["data", "import", data, "Scenarios/use-it/data/shifts.csv", "--replace"])
        #expect(again.status != 0)
    }
}
