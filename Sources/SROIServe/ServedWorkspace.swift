import Foundation
import SROICore
import SROIData
import SROILoad
import SROIReport

/// The folder a server shows: its scenario files, each loaded with its records and evaluated,
/// the record store, and the simulations running.
///
/// Only files found by listing the folder are ever read or served: a name in a request is looked
/// up in that list, never joined to a path.
actor ServedWorkspace {
    let settings: ServeSettings
    private var loaded: [String: (modified: Date, result: Result<Loaded, ValidationFailure>)] = [:]
    private var jobs: [String: Job] = [:]
    /// The folder's scenario files as last listed.
    private var listing: [String] = []

    init(settings: ServeSettings) { self.settings = settings }

    /// A scenario loaded with its records, evaluated, with its report's content.
    struct Loaded: Sendable {
        var file: String
        var scenario: LoadedScenario
        var input: ReportInput
        /// The assumptions with a range, each a slider.
        var ranged: [UncertainParameter]
    }

    /// A simulation running or done.
    struct Job: Sendable {
        var draws: Int
        var done: Int
        var html: String?
        var error: String?
    }

    /// The scenario files of the folder, relative to it, in name order, listed afresh.
    func scenarioFiles() -> [String] {
        listing = listScenarioFiles()
        return listing
    }

    private func listScenarioFiles() -> [String] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: settings.folder) else { return [] }
        var found: [String] = []
        while let name = walker.nextObject() as? String {
            guard name.hasSuffix(".yaml"), !name.hasSuffix(".dataset.yaml"), found.count < 500 else { continue }
            let path = (settings.folder as NSString).appendingPathComponent(name)
            guard let head = try? InputFiles.read(path, limit: InputFiles.documentLimit),
                String(decoding: head.prefix(4096), as: UTF8.self).contains("sroi-scenario/")
            else { continue }
            found.append(name)
        }
        return found.sorted()
    }

    /// The path of a listed scenario file, or `nil` for any other name; the folder is listed
    /// again only for a name the last listing did not have (a file saved since).
    func path(of file: String) -> String? {
        if !listing.contains(file) { listing = listScenarioFiles() }
        return listing.contains(file) ? (settings.folder as NSString).appendingPathComponent(file) : nil
    }

    /// The scenario loaded and evaluated, reloaded when its file changes.
    func load(_ file: String) -> Result<Loaded, ValidationFailure>? {
        guard let path = path(of: file) else { return nil }
        let modified =
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
        if let cached = loaded[file], cached.modified == modified { return cached.result }
        let result: Result<Loaded, ValidationFailure>
        do {
            let scenario = try ScenarioWithRecords.load(path, data: settings.data)
            let evaluation = try Evaluator().evaluate(scenario.scenario)
            let input = try ReportInput.prepare(
                scenario.scenario, evaluation: evaluation, provenance: Provenance(scenario))
            result = .success(
                Loaded(
                    file: file, scenario: scenario, input: input,
                    ranged: scenario.scenario.uncertainParameters.filter { $0.uncertainty.hasRange }))
        } catch {
            result = .failure(error)
        }
        loaded[file] = (modified, result)
        return result
    }

    /// The file's text, for showing the lines problems are on.
    func text(of file: String) -> [Substring] {
        guard let path = path(of: file), let data = try? InputFiles.read(path),
            let text = try? InputFiles.text(data, path: path)
        else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    // MARK: Simulations

    func startSimulation(of loaded: Loaded, draws: Int) -> String {
        let id = ServeSettings.newToken().prefix(16).description
        jobs[id] = Job(draws: draws, done: 0)
        let scenario = loaded.scenario.scenario
        let workspace = self
        Task.detached {
            do {
                let simulation = try Simulation.run(
                    scenario, draws: draws, seed: 42, threads: ProcessInfo.processInfo.activeProcessorCount,
                    progress: { done in Task { await workspace.progress(id, done) } })
                await workspace.finish(id, html: ReportDocuments.simulationHTML(simulation), error: nil)
            } catch {
                await workspace.finish(id, html: nil, error: String(describing: error))
            }
        }
        return id
    }

    // Each job is read whole, changed and stored back: an assignment through `jobs[id]?` would
    // hold the dictionary for writing while its right-hand side reads it, which Swift's
    // exclusivity checks stop with a fatal error.
    func progress(_ id: String, _ done: Int) {
        guard var job = jobs[id] else { return }
        job.done = max(job.done, done)
        jobs[id] = job
    }

    func finish(_ id: String, html: String?, error: String?) {
        guard var job = jobs[id] else { return }
        job.done = job.draws
        job.html = html
        job.error = error
        jobs[id] = job
    }

    func job(_ id: String) -> Job? { jobs[id] }

    /// Forgets what was loaded, after the records changed.
    func forget() { loaded.removeAll() }
}
