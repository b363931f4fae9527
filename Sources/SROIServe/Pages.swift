import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SROICore
import SROIData
import SROIReport

/// The pages, rendered on the server: readable without JavaScript, with a little plain script
/// for the sliders, imports and simulations.
enum Pages {
    static func html(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func json(_ object: Any) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func file(_ data: Data, name: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let page = document(
            title: "Refused",
            body: "<h1>\(status.code) \(HTML.escape(status.reasonPhrase))</h1><p>\(HTML.escape(message))</p>")
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Every page's policy: only the workspace's own scripts run, each named by its hash, and
    /// requests go back to this server alone; no page may be framed.
    static let contentSecurityPolicy =
        PagePolicy.policy(scripts: ["", importScript, ReportDocuments.script, scenarioScript], connect: true)
        + "; frame-ancestors 'none'"

    static func document(title: String, body: String, script: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) — sroi</title><style>\(ReportDocuments.style)\(style)</style></head>
        <body>\(body)<script>\(script)</script></body></html>
        """
    }

    static let style = """
        nav.top{display:flex;gap:1rem;align-items:baseline;border-bottom:1px solid #ccd;padding-bottom:.4rem;margin-bottom:1rem}
        .ok{color:#1d6b2f;font-weight:600}.problem{color:#a12a1c;font-weight:600}
        pre.line{background:#f6f6f6;padding:.3rem .5rem;overflow-x:auto;margin:.2rem 0 .8rem}
        .panel{border:1px solid #ccd;border-radius:6px;padding:.8rem 1rem;margin:1rem 0;background:#fafbfd}
        .slider{display:grid;grid-template-columns:minmax(12rem,2fr) 3fr 6rem;gap:.6rem;align-items:center;margin:.3rem 0}
        .slider input{width:100%}.live{font-size:1.2rem}.live strong{font-size:1.5rem}
        #drop{border:2px dashed #99a;padding:1rem;text-align:center;margin:.6rem 0}
        progress{width:100%}textarea{width:100%;min-height:6rem;font-family:ui-monospace,Menlo,monospace}
        @media screen and (max-width:760px){.slider{grid-template-columns:1fr}}
        """

    // MARK: The workspace

    static func workspace(_ workspace: ServedWorkspace) async throws -> String {
        let settings = workspace.settings
        var body = "<nav class=\"top\"><strong>sroi</strong><span>\(HTML.escape(settings.folder))</span></nav>"
        body += "<h1>Scenarios</h1>"
        var rows: [String] = []
        var problems = ""
        for file in await workspace.scenarioFiles() {
            guard let result = await workspace.load(file) else { continue }
            let link = "/scenario?file=\(percent(file))"
            switch result {
            case .success(let loaded):
                let results = loaded.input.evaluation.results
                rows.append(
                    "<tr><td data-label=\"Scenario\"><a href=\"\(link)\">\(HTML.escape(loaded.scenario.scenario.title))</a><br><span class=\"id\">\(HTML.escape(file))</span></td>"
                        + "<td class=\"number\" data-label=\"SROI ratio\">\(HTML.escape(loaded.input.show(results.sroiRatio)))</td>"
                        + "<td class=\"number\" data-label=\"Net present value\">\(HTML.escape(loaded.input.show(results.netPresentValue)))</td>"
                        + "<td data-label=\"Check\"><span class=\"ok\">passes</span></td></tr>")
            case .failure(let failure):
                let count = failure.errors.count
                rows.append(
                    "<tr><td data-label=\"Scenario\">\(HTML.escape(file))</td><td data-label=\"SROI ratio\">—</td><td data-label=\"Net present value\">—</td>"
                        + "<td data-label=\"Check\"><a class=\"problem\" href=\"#problems-\(anchor(file))\">\(count) problem\(count == 1 ? "" : "s")</a></td></tr>"
                )
                let lines = await workspace.text(of: file)
                problems += "<h3 id=\"problems-\(anchor(file))\">\(HTML.escape(file))</h3>"
                for diagnostic in failure.diagnostics.prefix(30) {
                    problems += "<p class=\"diagnostic\">\(HTML.escape(diagnostic.description))</p>"
                    if let location = diagnostic.location, location.cell == nil,
                        location.file.hasSuffix(file), lines.indices.contains(location.line - 1)
                    {
                        let line = String(lines[location.line - 1])
                        let caret = String(repeating: " ", count: max(location.column - 1, 0)) + "^"
                        problems +=
                            "<pre class=\"line\">\(location.line) | \(HTML.escape(UserText.clip(line, limit: 300)))\n\(String(repeating: " ", count: String(location.line).count)) | \(caret)</pre>"
                    }
                }
            }
        }
        body +=
            "<table id=\"scenarios\"><thead><tr><th>Scenario</th><th>SROI ratio</th><th>Net present value</th><th>Check</th></tr></thead><tbody>"
            + rows.joined() + "</tbody></table>"
        if !problems.isEmpty { body += "<h2>Problems</h2>" + problems }
        body += try records(settings)
        return document(title: "Workspace", body: body, script: importScript)
    }

    /// The record store: datasets, rows and imports; and the import form.
    static func records(_ settings: ServeSettings) throws -> String {
        var body = "<h2>Recorded data</h2>"
        guard let data = settings.data else {
            return body + "<p>No record store: start sroi serve with --data DB to read and import records.</p>"
        }
        if FileManager.default.fileExists(atPath: data), let store = try? RecordStore.openForReading(path: data),
            let datasets = try? store.datasets()
        {
            body += ReportDocuments.table(
                ["Dataset", "Rows", "Imports", "Columns"],
                datasets.map { dataset in
                    [
                        dataset.definition.name, String(dataset.rows),
                        dataset.imports.map { "\($0.fileName) (\($0.importedAt))" }.joined(separator: "; "),
                        dataset.definition.columns.map(\.name).joined(separator: ", "),
                    ]
                }, numericFrom: nil, id: "datasets")
        } else {
            body += "<p>\(HTML.escape(data)) holds no records yet.</p>"
        }
        if settings.allowEdits {
            body += """
                <div class="panel"><h3>Import a CSV file</h3>
                <p>Checked against the dataset definition of the same name in this folder; if any row is refused, nothing is stored.</p>
                <div id="drop">Drop a .csv file here, or <input type="file" id="csv-file" accept=".csv,text/csv"></div>
                <div id="import-result" aria-live="polite"></div></div>
                """
        } else {
            body += "<p>Imports are off; start sroi serve with --allow-edits to import from this page.</p>"
        }
        return body
    }

    static let importScript = """
        (function(){var input=document.getElementById('csv-file');if(!input)return;var out=document.getElementById('import-result');
        function send(file){out.textContent='Importing '+file.name+'…';var reader=new FileReader();reader.onload=function(){
        fetch('/api/import?name='+encodeURIComponent(file.name),{method:'POST',body:reader.result}).then(function(r){return r.json();}).then(function(a){
        out.innerHTML='';var list=document.createElement('ul');list.id=a.ok?'import-ok':'import-problems';
        (a.ok?a.messages:a.problems).forEach(function(m){var li=document.createElement('li');li.textContent=m;list.appendChild(li);});
        var head=document.createElement('p');head.className=a.ok?'ok':'problem';head.textContent=a.ok?'Imported.':'Refused.';out.appendChild(head);out.appendChild(list);});};
        reader.readAsArrayBuffer(file);}
        input.addEventListener('change',function(){if(input.files.length)send(input.files[0]);});
        var drop=document.getElementById('drop');drop.addEventListener('dragover',function(e){e.preventDefault();});
        drop.addEventListener('drop',function(e){e.preventDefault();if(e.dataTransfer.files.length)send(e.dataTransfer.files[0]);});})();
        """

    // MARK: A scenario

    /// The scenario's report, with the what-if panel, simulation and downloads above it.
    static func scenario(_ loaded: ServedWorkspace.Loaded, allowEdits: Bool) -> String {
        let file = percent(loaded.file)
        let input = loaded.input
        var panel =
            "<nav class=\"top\"><a href=\"/\">← Workspace</a><span class=\"id\">\(HTML.escape(loaded.file))</span>"
        panel +=
            " <a href=\"/download/report?file=\(file)\">Report</a> <a href=\"/download/workbook?file=\(file)\">Workbook</a> <a href=\"/download/bundle?file=\(file)\">Audit bundle</a></nav>"
        panel += "<div class=\"panel\" id=\"what-if\" data-file=\"\(HTML.escape(file))\"><h2>What if</h2>"
        panel +=
            "<p class=\"live\">SROI ratio <strong id=\"live-ratio\">\(HTML.escape(input.evaluation.results.sroiRatio.value.number.map { Display.fixed($0) } ?? "undefined"))</strong>"
            + " · NPV <span id=\"live-npv\">\(HTML.escape(input.show(input.evaluation.results.netPresentValue)))</span>"
            + " · present value <span id=\"live-pv\">\(HTML.escape(input.show(input.evaluation.results.totalPresentValue)))</span></p>"
        if loaded.ranged.isEmpty {
            panel += "<p>No assumption of this scenario declares a range, so there is nothing to move.</p>"
        } else {
            panel += "<p>Each assumption with a range has a slider within it. The file is not changed.</p>"
            for (index, parameter) in loaded.ranged.enumerated() {
                let low = min(parameter.uncertainty.low!, parameter.uncertainty.high!)
                let high = max(parameter.uncertainty.low!, parameter.uncertainty.high!)
                let step = parameter.isWholeNumber ? 1 : (high - low) / 100
                panel +=
                    "<div class=\"slider\"><label for=\"p\(index)\">\(HTML.escape(input.parameterName(parameter)))</label>"
                    + "<input type=\"range\" id=\"p\(index)\" data-index=\"\(index)\" min=\"\(NumberFormat.shortest(low))\" max=\"\(NumberFormat.shortest(high))\" step=\"\(NumberFormat.shortest(step))\" value=\"\(NumberFormat.shortest(parameter.base))\" data-base=\"\(NumberFormat.shortest(parameter.base))\">"
                    + "<output id=\"o\(index)\">\(NumberFormat.shortest(parameter.base))</output></div>"
            }
            panel += "<p><button type=\"button\" id=\"reset\">Reset</button>"
            if allowEdits { panel += " <button type=\"button\" id=\"save\">Save as a new scenario</button>" }
            panel +=
                "</p><ul id=\"changes\"></ul><details><summary>The changed values as YAML</summary><textarea id=\"yaml\" readonly></textarea></details><p id=\"save-result\"></p>"
        }
        panel += "</div>"
        panel +=
            "<div class=\"panel\" id=\"simulate\"><h2>Simulation</h2><p><label>Draws <input type=\"number\" id=\"draws\" value=\"20000\" min=\"100\" max=\"2000000\"></label> <button type=\"button\" id=\"run-simulation\">Run</button></p><progress id=\"simulation-progress\" value=\"0\" max=\"1\" hidden></progress><div id=\"simulation-result\"></div></div>"
        return ReportDocuments.html(
            input, before: panel, after: "<script>\(scenarioScript)</script><style>\(style)</style>")
    }

    static let scenarioScript = """
        (function(){var file=document.getElementById('what-if').dataset.file;var sliders=[].slice.call(document.querySelectorAll('#what-if input[type=range]'));var pending=null;var busy=false;
        function values(){var v={};sliders.forEach(function(s){if(s.dataset.touched)v[s.dataset.index]=parseFloat(s.value);});return v;}
        function show(a){if(a.error){document.getElementById('changes').textContent=a.error;return;}
        document.getElementById('live-ratio').textContent=a.ratio;document.getElementById('live-npv').textContent=a.npv;document.getElementById('live-pv').textContent=a.pv;
        document.getElementById('live-ratio').dataset.exact=a.ratioExact;document.getElementById('what-if').dataset.milliseconds=a.milliseconds;
        var charts=document.getElementById('charts');if(charts)charts.innerHTML='<h2>Where the value arises</h2>'+a.charts;
        var sens=document.getElementById('sensitivity');if(sens&&a.sensitivity)sens.innerHTML='<h2>Sensitivity</h2>'+a.sensitivity;
        var list=document.getElementById('changes');list.innerHTML='';a.changes.forEach(function(c){var li=document.createElement('li');li.textContent=c;list.appendChild(li);});
        document.getElementById('yaml').value=a.yaml;document.getElementById('what-if').dataset.updated=String(Date.now());}
        function update(){if(busy){pending=true;return;}busy=true;fetch('/api/whatif?file='+file,{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({values:values()})})
        .then(function(r){return r.json();}).then(show).finally(function(){busy=false;if(pending){pending=false;update();}});}
        sliders.forEach(function(s){s.addEventListener('input',function(){s.dataset.touched='yes';document.getElementById('o'+s.dataset.index).textContent=s.value;update();});});
        var reset=document.getElementById('reset');if(reset)reset.addEventListener('click',function(){sliders.forEach(function(s){delete s.dataset.touched;s.value=s.dataset.base;document.getElementById('o'+s.dataset.index).textContent=s.dataset.base;});update();});
        var save=document.getElementById('save');if(save)save.addEventListener('click',function(){fetch('/api/save?file='+file,{method:'POST',body:JSON.stringify({values:values()})}).then(function(r){return r.json();}).then(function(a){document.getElementById('save-result').textContent=(a.ok?a.messages:a.problems).join(' ');});});
        document.getElementById('run-simulation').addEventListener('click',function(){var bar=document.getElementById('simulation-progress');bar.hidden=false;bar.value=0;
        fetch('/api/simulate?file='+file+'&draws='+encodeURIComponent(document.getElementById('draws').value),{method:'POST'}).then(function(r){return r.json();}).then(function(a){
        if(!a.job){document.getElementById('simulation-result').textContent='Refused.';return;}
        (function poll(){fetch('/api/job?id='+a.job).then(function(r){return r.json();}).then(function(j){bar.value=j.done/j.draws;
        if(j.html){document.getElementById('simulation-result').innerHTML=j.html;bar.hidden=true;}else if(j.error){document.getElementById('simulation-result').textContent=j.error;}else{setTimeout(poll,200);}});})();});});})();
        """

    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/")))
            ?? ""
    }

    static func anchor(_ text: String) -> String {
        text.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
    }
}
