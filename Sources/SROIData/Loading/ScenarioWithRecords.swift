import Foundation
import SROICore
import SROILoad

/// The one way every command loads a scenario: the file and its models, validated, with the
/// figures it declares from records read from a record store.
public enum ScenarioWithRecords {
    /// Loads `scenario` and reads its recorded figures from `data`. With `root`, both paths are
    /// read below it and must stay there, but are named as given (an audit bundle names its own
    /// files). A problem with the store is reported as a diagnostic of `--data`.
    public static func load(_ scenario: String, data: String?, root: String? = nil) throws(ValidationFailure)
        -> LoadedScenario
    {
        var loaded = try ScenarioLoader(root: root).load(path: scenario)
        guard let data else { return loaded }
        let path = root.map { ($0 as NSString).appendingPathComponent(data) } ?? data
        do {
            let store = try RecordStore.openForReading(path: path)
            loaded.scenario = try RecordResolver(store: store, databaseName: data).resolve(loaded.scenario)
        } catch let failure as ValidationFailure {
            throw failure
        } catch {
            throw ValidationFailure([Diagnostic(code: .store, at: nil, field: "--data", message: "\(error)")])
        }
        return loaded
    }
}
