import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SROIAudit
import SROICore
import SROIData
import SROILoad
import SROIReport
import SROISpreadsheet

/// What the server answers, by path.
enum Routes {
    /// The most a request body may hold: a CSV import.
    static let maximumUpload = 64 << 20

    static func register(on router: Router<ServeContext>, workspace: ServedWorkspace) {
        router.get("/") { _, _ in
            try await Pages.html(Pages.workspace(workspace))
        }
        router.get("/scenario") { request, _ in
            guard let file = request.uri.queryParameters["file"].map(String.init),
                let result = await workspace.load(file)
            else { return Pages.refusal(.notFound, "No such scenario in this folder.") }
            switch result {
            case .success(let loaded):
                return Pages.html(Pages.scenario(loaded, allowEdits: workspace.settings.allowEdits))
            case .failure: return Pages.html(try await Pages.workspace(workspace))
            }
        }
        router.post("/api/whatif") { request, _ in
            var request = request
            guard let file = request.uri.queryParameters["file"].map(String.init),
                case .success(let loaded)? = await workspace.load(file)
            else { return Pages.refusal(.notFound, "No such scenario in this folder.") }
            let body = try await request.collectBody(upTo: 1 << 16)
            let changes = WhatIf.changes(Data(buffer: body), ranged: loaded.ranged)
            return try Pages.json(WhatIf.answer(loaded, changes: changes))
        }
        router.post("/api/simulate") { request, _ in
            guard let file = request.uri.queryParameters["file"].map(String.init),
                case .success(let loaded)? = await workspace.load(file)
            else { return Pages.refusal(.notFound, "No such scenario in this folder.") }
            let asked = request.uri.queryParameters["draws"].map(String.init)
            guard let draws = asked.map({ Int($0) }) ?? 20000, (100...2_000_000).contains(draws) else {
                return Pages.refusal(.badRequest, "Draws must be from 100 to 2,000,000.")
            }
            let id = await workspace.startSimulation(of: loaded, draws: draws)
            return try Pages.json(["job": id])
        }
        router.get("/api/job") { request, _ in
            guard let id = request.uri.queryParameters["id"].map(String.init), let job = await workspace.job(id) else {
                return Pages.refusal(.notFound, "No such job.")
            }
            var answer: [String: Any] = ["draws": job.draws, "done": job.done]
            if let html = job.html { answer["html"] = html }
            if let error = job.error { answer["error"] = error }
            return try Pages.json(answer)
        }
        router.post("/api/import") { request, _ in
            var request = request
            guard workspace.settings.allowEdits else {
                return Pages.refusal(.forbidden, "Imports are off: start sroi serve with --allow-edits to allow them.")
            }
            guard let name = request.uri.queryParameters["name"].map(String.init) else {
                return Pages.refusal(.badRequest, "Name the file.")
            }
            let body = try await request.collectBody(upTo: maximumUpload)
            let answer = await Imports.run(name: name, bytes: Data(buffer: body), workspace: workspace)
            return try Pages.json(answer)
        }
        router.post("/api/save") { request, _ in
            var request = request
            guard workspace.settings.allowEdits else {
                return Pages.refusal(
                    .forbidden, "Saving is off: start sroi serve with --allow-edits to save scenarios.")
            }
            guard let file = request.uri.queryParameters["file"].map(String.init),
                case .success(let loaded)? = await workspace.load(file)
            else { return Pages.refusal(.notFound, "No such scenario in this folder.") }
            let body = try await request.collectBody(upTo: 1 << 16)
            let changes = WhatIf.changes(Data(buffer: body), ranged: loaded.ranged)
            let answer = WhatIf.save(loaded, changes: changes, folder: workspace.settings.folder)
            return try Pages.json(answer)
        }
        router.get("/download/:kind") { request, context in
            guard let kind = context.parameters.get("kind"),
                let file = request.uri.queryParameters["file"].map(String.init),
                case .success(let loaded)? = await workspace.load(file)
            else { return Pages.refusal(.notFound, "No such scenario in this folder.") }
            return try await Downloads.make(kind, loaded: loaded, data: workspace.settings.data)
        }
    }
}

/// Files to take away: the report, the value map workbook, the audit bundle.
enum Downloads {
    static func make(_ kind: String, loaded: ServedWorkspace.Loaded, data: String?) async throws -> Response {
        let base = URL(fileURLWithPath: loaded.file).deletingPathExtension().lastPathComponent
        switch kind {
        case "report":
            return Pages.file(
                Data(ReportDocuments.html(loaded.input).utf8), name: "\(base)-report.html",
                type: "text/html; charset=utf-8")
        case "workbook":
            let bytes = try WorkbookWriter.data(ValueMapWorkbook.make(loaded.input))
            return Pages.file(
                bytes, name: "\(base)-value-map.xlsx",
                type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        case "bundle":
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sroi-serve-\(ServeSettings.newToken().prefix(12))")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let out = directory.appendingPathComponent(base).path
            do {
                var options = AuditBundle.Options()
                options.pdf = false
                _ = try AuditBundle.write(loaded.scenario, data: data, to: out, options: options)
            } catch {
                return Pages.refusal(.internalServerError, "The bundle was not written: \(error)")
            }
            let bytes = try InputFiles.read(out + ".tar", limit: InputFiles.recordStoreLimit)
            try? FileManager.default.removeItem(atPath: out + ".tar")
            return Pages.file(bytes, name: "\(base)-bundle.tar", type: "application/x-tar")
        default:
            return Pages.refusal(.notFound, "Nothing to download by that name.")
        }
    }
}

/// CSV files dropped on the page, imported as `sroi data import` would.
enum Imports {
    static func run(name: String, bytes: Data, workspace: ServedWorkspace) async -> [String: Any] {
        let settings = workspace.settings
        guard let data = settings.data else {
            return [
                "ok": false,
                "problems": ["The server was started without --data: there is no record store to import into."],
            ]
        }
        let plain = (name as NSString).lastPathComponent
        guard plain.hasSuffix(".csv"), !plain.hasPrefix("."), plain.utf8.count < 200 else {
            return ["ok": false, "problems": ["Choose a .csv file."]]
        }
        // The definition beside a CSV file of that name in the folder.
        let definitionName = CSVImporter.definitionPath(for: plain)
        var definition: String?
        if let walker = FileManager.default.enumerator(atPath: settings.folder) {
            while let found = walker.nextObject() as? String {
                if (found as NSString).lastPathComponent == definitionName {
                    definition = (settings.folder as NSString).appendingPathComponent(found)
                    break
                }
            }
        }
        guard let definition else {
            return [
                "ok": false,
                "problems": [
                    "No dataset definition \(definitionName) in the folder: write one (sroi data init) beside the scenarios."
                ],
            ]
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sroi-import-\(ServeSettings.newToken().prefix(12))")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try bytes.write(to: directory.appendingPathComponent(plain))
            try InputFiles.read(definition).write(to: directory.appendingPathComponent(definitionName))
        } catch {
            return ["ok": false, "problems": ["The file could not be staged: \(error.localizedDescription)"]]
        }
        let staged = directory.appendingPathComponent(plain).path
        let store: RecordStore
        do {
            store = try RecordStore.openForWriting(path: data)
        } catch {
            return ["ok": false, "problems": [error.description]]
        }
        do {
            let imported = try CSVImporter().run(files: [staged], into: store)
            await workspace.forget()
            return [
                "ok": true,
                "messages": imported.map { "\(plain): \($0.rows) rows into \($0.dataset) (sha256 \($0.sha256))" },
            ]
        } catch {
            store.removeIfCreatedNow()
            let prefix = directory.path + "/"
            var problems = error.diagnostics.map { $0.description.replacingOccurrences(of: prefix, with: "") }
            if error.omitted > 0 { problems.append("… and \(error.omitted) more") }
            problems.append("Nothing was imported; the store is unchanged.")
            return ["ok": false, "problems": problems]
        }
    }
}
