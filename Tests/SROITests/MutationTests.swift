import Foundation
import PropertyBased
import SROICore
import SROIData
import SROILoad
import Testing

/// Careless edits of real files: a byte changed, a line lost or repeated, a token put where it
/// does not belong. Each is refused with a place to look, or accepted; never a crash.
@Suite struct MutationTests {
    /// An edit of a text: what to do, where, and with what.
    struct Edit: Sendable, CustomStringConvertible {
        var kind: Int
        var position: Int
        var token: Int

        static let tokens = [
            "", "-", "1e308", "-1e308", "nan", ".inf", "0", "\"", "'", ":", ",", "{", "}", "[", "]", "- ", "  ", "\t",
            "!!str ", "&a ", "*a", "\u{0}", "\u{1b}[2J", "é", "99999999999999999999", "formula: x/0", "\n",
            "records: {dataset: x, aggregate: count}", "year", "@", "=SUM(A1)",
        ]

        var description: String {
            "edit \(kind) at \(position) with \(Self.tokens[token % Self.tokens.count].debugDescription)"
        }

        func apply(to text: String) -> String {
            var lines = text.components(separatedBy: "\n")
            let line = position % lines.count
            let token = Self.tokens[token % Self.tokens.count]
            switch kind % 6 {
            case 0: lines.remove(at: line)
            case 1: lines.insert(lines[line], at: line)
            case 2:
                var characters = Array(lines[line])
                let at = characters.isEmpty ? 0 : position % characters.count
                characters.insert(contentsOf: token, at: at)
                lines[line] = String(characters)
            case 3:
                var characters = Array(lines[line])
                if !characters.isEmpty { characters.remove(at: position % characters.count) }
                lines[line] = String(characters)
            case 4: lines[line] = token + lines[line]
            default:
                // A number changed to another.
                lines[line] = lines[line].replacingOccurrences(of: "0.", with: token.isEmpty ? "1." : token)
            }
            return lines.joined(separator: "\n")
        }
    }

    static let edits = zip(Gen.int(in: 0...1000), Gen.int(in: 0...100_000), Gen.int(in: 0...1000)).map {
        Edit(kind: $0, position: $1, token: $2)
    }

    static let scenarioFiles = [
        "Scenarios/use-it/health-professionals.yaml", "Scenarios/use-it/social-enterprise.yaml",
        "Scenarios/use-it/trust-recruited-staff.yaml", "Scenarios/use-it/programme.yaml",
    ]

    @Test func editedScenariosAreRefusedWithAPlaceOrEvaluated() async throws {
        let store = try RecordStore.openForReading(path: Support.sampleStore())
        let texts = try Self.scenarioFiles.map {
            (file: $0, text: try String(contentsOf: Support.packageRoot.appendingPathComponent($0), encoding: .utf8))
        }
        await propertyCheck(count: 300, input: Gen.int(in: 0...3), Self.edits, Self.edits) { which, first, second in
            let original = texts[which]
            let text = second.apply(to: first.apply(to: original.text))
            let directory = Support.packageRoot.appendingPathComponent("Scenarios/use-it").path
            do {
                let loaded = try ScenarioLoader().load(text: text, file: original.file, directory: directory)
                let scenario = try RecordResolver(store: store, databaseName: "outcomes.sqlite").resolve(
                    loaded.scenario)
                let evaluation = try Evaluator().evaluate(scenario)
                // Accepted: every figure of the trace recomputes.
                #expect(evaluation.trace.inconsistencies().isEmpty)
            } catch let failure as ValidationFailure {
                // Refused: every error says where to look, in which file.
                for diagnostic in failure.errors {
                    #expect(diagnostic.location != nil || diagnostic.field == "--data", "\(diagnostic)")
                }
                #expect(!failure.errors.isEmpty)
            } catch {
                Issue.record("refused without diagnostics: \(error)")
            }
        }
    }

    @Test func editedCSVFilesAreRefusedWithTheirPlaceAndLeaveTheStoreUnchanged() async throws {
        let directory = try Support.temporaryDirectory()
        let source = Support.packageRoot.appendingPathComponent("Scenarios/use-it/data/entrepreneurs.csv")
        let original = try String(contentsOf: source, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: Support.packageRoot.appendingPathComponent("Scenarios/use-it/data/entrepreneurs.dataset.yaml").path,
            toPath: (directory as NSString).appendingPathComponent("entrepreneurs.dataset.yaml"))
        let csv = (directory as NSString).appendingPathComponent("entrepreneurs.csv")
        let path = (directory as NSString).appendingPathComponent("store.sqlite")
        let store = try RecordStore.openForWriting(path: path)
        await propertyCheck(count: 150, input: Self.edits, Self.edits) { first, second in
            let text = second.apply(to: first.apply(to: original))
            try Data(text.utf8).write(to: URL(fileURLWithPath: csv))
            let before = try store.fingerprint()
            do {
                _ = try CSVImporter().run(files: [csv], into: store, allowReimport: true)
                // Accepted: the rows it reports are the rows stored.
                #expect(try store.fingerprint() != before)
            } catch let failure as ImportFailure {
                #expect(try store.fingerprint() == before)
                for diagnostic in failure.diagnostics {
                    #expect(diagnostic.location?.file == csv, "\(diagnostic)")
                    #expect((diagnostic.location?.line ?? 0) >= 1, "\(diagnostic)")
                }
            } catch {
                Issue.record("refused without diagnostics: \(error)")
            }
        }
    }
}
