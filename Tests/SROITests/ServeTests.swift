import Foundation
import SROICore
import SROIData
import SROILoad
import Testing

/// `sroi serve` started as a user would, driven by a real Chromium through selenium, and probed
/// with requests no browser of the user's would make.
@Suite(.serialized) struct ServeTests {
    /// A server on a free port over the bundled scenarios, with its own copy of the sample records.
    final class Running {
        let process = Process()
        let url: String
        let store: String

        init(allowEdits: Bool = true) throws {
            let directory = try Support.temporaryDirectory()
            store = directory + "/outcomes.sqlite"
            try FileManager.default.copyItem(atPath: try Support.sampleStore(), toPath: store)
            process.executableURL = URL(fileURLWithPath: Support.binary)
            process.arguments =
                ["serve", "Scenarios/use-it", "--data", store, "--port", "0"] + (allowEdits ? ["--allow-edits"] : [])
            process.currentDirectoryURL = Support.packageRoot
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            // The first line is the address to open.
            var line = Data()
            let handle = out.fileHandleForReading
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            url = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        var port: Int { Int(url.split(separator: ":")[2].prefix { $0.isNumber }) ?? 0 }
        var token: String { String(url.split(separator: "=").last ?? "") }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    static func python(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let file = try Support.temporaryDirectory() + "/script.py"
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errors)")
        let lastLine = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "{}"
        return (try JSONSerialization.jsonObject(with: Data(lastLine.utf8)) as? [String: Any]) ?? [:]
    }

    static let probes = """
        import http.client, json, sys
        port, token = int(sys.argv[1]), sys.argv[2]
        def status(path, headers={}):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.putrequest("GET", path, skip_host=True)
            names = {k.lower() for k in headers}
            if "host" not in names:
                connection.putheader("Host", f"127.0.0.1:{port}")
            for key, value in headers.items():
                connection.putheader(key, value)
            connection.endheaders()
            return connection.getresponse().status
        own = f"http://127.0.0.1:{port}"
        print(json.dumps({
            "no token": status("/"),
            "wrong token": status("/?token=" + "0" * 64),
            "token": status("/?token=" + token),
            "header token": status("/", {"X-SROI-Token": token}),
            "foreign host": status("/?token=" + token, {"Host": f"attacker.example:{port}"}),
            "foreign origin": status("/?token=" + token, {"Origin": "http://attacker.example"}),
            "own origin": status("/?token=" + token, {"Origin": own}),
            "cross site": status("/?token=" + token, {"Sec-Fetch-Site": "cross-site"}),
            "dot dot": status("/../../etc/passwd?token=" + token),
            "encoded dot dot": status("/%2e%2e/%2e%2e/etc/passwd?token=" + token),
            "file outside": status("/scenario?file=../../Package.swift&token=" + token),
            "download outside": status("/download/report?file=/etc/passwd&token=" + token),
        }))
        """

    static var available: Bool { PrintTests.seleniumAvailable }

    @Test func requestsWithoutTheTokenOrFromElsewhereAreRefusedAndOnlyLoopbackListens() throws {
        let server = try Running(allowEdits: false)
        #expect(server.url.hasPrefix("http://127.0.0.1:"), "\(server.url)")
        let statuses = try Self.python(Self.probes, [String(server.port), server.token])
        let expected: [String: Int] = [
            "no token": 401, "wrong token": 401, "token": 200, "header token": 200, "foreign host": 403,
            "foreign origin": 403, "own origin": 200, "cross site": 403, "dot dot": 400, "encoded dot dot": 400,
            "file outside": 404, "download outside": 404,
        ]
        for (probe, status) in expected {
            #expect(statuses[probe] as? Int == status, "\(probe): \(String(describing: statuses[probe]))")
        }
        // The listening socket is bound to 127.0.0.1 (0100007F in /proc/net/tcp), not to every address.
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let port = String(format: "%04X", server.port)
        let listening = table.split(separator: "\n").filter { $0.contains(":\(port) ") && $0.contains(" 0A ") }
        #expect(!listening.isEmpty)
        #expect(listening.allSatisfy { $0.contains("0100007F:\(port)") }, "\(listening)")
        // Without --allow-edits every write is refused.
        let write = try Self.python(
            """
            import http.client, json, sys
            c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
            c.request("POST", "/api/import?name=researchers.csv", body=b"researcher_id,trained_on,fieldwork_hours\\n", headers={"X-SROI-Token": sys.argv[2]})
            print(json.dumps({"status": c.getresponse().status}))
            """, [String(server.port), server.token])
        #expect(write["status"] as? Int == 403)
    }

    /// Every answer carries the headers, refusals and "not found" too; a refused request's body
    /// is not read to its end; a client that says nothing is dropped.
    @Test func everyAnswerCarriesTheHeadersAndARefusedBodyIsNotRead() throws {
        let server = try Running(allowEdits: false)
        let seen = try Self.python(
            """
            import http.client, json, socket, sys, time
            port, token = int(sys.argv[1]), sys.argv[2]
            def headers(path, extra={}):
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                c.request("GET", path, headers=extra)
                r = c.getresponse()
                return {"status": r.status, "csp": r.getheader("Content-Security-Policy") is not None,
                        "frame": r.getheader("X-Frame-Options"), "referrer": r.getheader("Referrer-Policy"),
                        "sniff": r.getheader("X-Content-Type-Options")}
            seen = {"unauthorised": headers("/"), "missing": headers("/no-such-page?token=" + token),
                    "forbidden": headers("/?token=" + token, {"Origin": "http://attacker.example"})}
            # 256 MiB announced without the token: the server answers 401 and stops reading.
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(f"POST /api/import?name=x.csv HTTP/1.1\\r\\nHost: 127.0.0.1:{port}\\r\\nContent-Length: {256 << 20}\\r\\n\\r\\n".encode())
            sent, chunk, started = 0, b"x" * (1 << 20), time.time()
            try:
                while sent < (256 << 20) and time.time() - started < 20:
                    s.sendall(chunk)
                    sent += len(chunk)
            except OSError:
                pass
            seen["sent before the server stopped reading"] = sent
            s.close()
            print(json.dumps(seen))
            """, [String(server.port), server.token])
        for probe in ["unauthorised", "missing", "forbidden"] {
            let answer = try #require(seen[probe] as? [String: Any], "\(probe)")
            #expect(answer["csp"] as? Bool == true, "\(probe): \(answer)")
            #expect(answer["frame"] as? String == "DENY", "\(probe)")
            #expect(answer["referrer"] as? String == "no-referrer", "\(probe)")
            #expect(answer["sniff"] as? String == "nosniff", "\(probe)")
        }
        #expect((seen["unauthorised"] as? [String: Any])?["status"] as? Int == 401)
        #expect((seen["missing"] as? [String: Any])?["status"] as? Int == 404)
        let sent = try #require(seen["sent before the server stopped reading"] as? Int)
        #expect(sent < 256 << 20, "the server read all \(sent) bytes of a refused body")
    }

    static let simulations = """
        import http.client, json, sys, time, threading
        port, token, file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        def call(method, path, body=None):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request(method, path, body=body, headers={"X-SROI-Token": token, "Host": f"127.0.0.1:{port}"})
            r = c.getresponse()
            return r.status, r.read()
        seen = {"jobs": [], "whatif during": None}
        # Two simulations at once, and a what-if step while they run.
        started = [json.loads(call("POST", f"/api/simulate?file={file}&draws={n}")[1])["job"] for n in (20000, 30000)]
        status, body = call("POST", f"/api/whatif?file={file}", json.dumps({"values": {"0": 0.5}}).encode())
        seen["whatif during"] = status
        deadline = time.time() + 120
        for job in started:
            while time.time() < deadline:
                status, body = call("GET", f"/api/job?id={job}")
                answer = json.loads(body)
                if "html" in answer or "error" in answer:
                    seen["jobs"].append({"status": status, "draws": answer["draws"], "done": answer["done"],
                                         "histogram": "chart-histogram" in answer.get("html", ""),
                                         "error": answer.get("error")})
                    break
                time.sleep(0.1)
        seen["alive"] = call("GET", "/?token=" + token)[0]
        seen["draws not a number"] = call("POST", f"/api/simulate?file={file}&draws=abc")[0]
        print(json.dumps(seen))
        """

    @Test func twoSimulationsAndAWhatIfAtOnceAllFinishAndTheServerStaysUp() throws {
        let server = try Running(allowEdits: false)
        let seen = try Self.python(
            Self.simulations, [String(server.port), server.token, "health-professionals.yaml"])
        #expect(seen["whatif during"] as? Int == 200, "\(seen)")
        let jobs = try #require(seen["jobs"] as? [[String: Any]])
        #expect(jobs.count == 2, "\(seen)")
        for (job, draws) in zip(jobs, [20000, 30000]) {
            #expect(job["histogram"] as? Bool == true, "\(job)")
            #expect(job["draws"] as? Int == draws)
            #expect(job["done"] as? Int == draws)
        }
        #expect(seen["alive"] as? Int == 200, "the server is still running")
        #expect(seen["draws not a number"] as? Int == 400)
        #expect(server.process.isRunning)
    }

    static let browse = """
        import json, os, sys, time
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        url, browser, driver_path, artefacts, bad, good = sys.argv[1:7]
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for argument in ["--headless=new", "--no-sandbox", "--disable-gpu"]:
            options.add_argument(argument)
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        driver.set_window_size(1280, 1000)
        wait = WebDriverWait(driver, 30)
        seen = {}
        try:
            driver.get(url)
            rows = driver.find_elements(By.CSS_SELECTOR, "#scenarios tbody tr")
            seen["scenarios"] = len(rows)
            seen["passing"] = len(driver.find_elements(By.CSS_SELECTOR, "#scenarios .ok"))
            driver.save_screenshot(os.path.join(artefacts, "serve-workspace.png"))
            driver.find_element(By.LINK_TEXT, "USE-IT! Overseas health professionals into NHS work").click()
            wait.until(lambda d: d.find_elements(By.ID, "what-if"))
            seen["title"] = driver.find_element(By.TAG_NAME, "h1").text
            driver.save_screenshot(os.path.join(artefacts, "serve-scenario.png"))
            # A figure's derivation, opened down to a leaf read from records.
            driver.find_element(By.ID, "expand-all").click()
            leaves = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".trace p.origin") if "recorded data" in e.text and e.is_displayed()]
            seen["records leaf"] = leaves[0] if leaves else ""
            driver.find_element(By.ID, "collapse-all").click()
            # Move the second slider three steps to the right with the keyboard, as a user would.
            slider = driver.find_element(By.ID, "p1")
            before = driver.find_element(By.ID, "live-ratio").text
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", slider)
            slider.click()
            stamp = driver.find_element(By.ID, "what-if").get_attribute("data-updated")
            from selenium.webdriver.common.keys import Keys
            for _ in range(3):
                slider.send_keys(Keys.ARROW_RIGHT)
            wait.until(lambda d: d.find_element(By.ID, "what-if").get_attribute("data-updated") != stamp and
                       float(d.find_element(By.ID, "o1").text) == float(slider.get_attribute("value")))
            time.sleep(1.0)
            seen["slider value"] = float(slider.get_attribute("value"))
            seen["ratio before"] = before
            seen["ratio shown"] = driver.find_element(By.ID, "live-ratio").text
            seen["ratio exact"] = driver.find_element(By.ID, "live-ratio").get_attribute("data-exact")
            seen["milliseconds"] = float(driver.find_element(By.ID, "what-if").get_attribute("data-milliseconds"))
            seen["changes"] = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#changes li")]
            driver.save_screenshot(os.path.join(artefacts, "serve-what-if.png"))
            # Imports: a bad file is refused with its line and column, a good one stored.
            driver.get(url)
            driver.find_element(By.ID, "csv-file").send_keys(bad)
            wait.until(lambda d: d.find_elements(By.ID, "import-problems"))
            seen["bad import"] = driver.find_element(By.ID, "import-problems").text
            driver.save_screenshot(os.path.join(artefacts, "serve-import-refused.png"))
            driver.get(url)
            driver.find_element(By.ID, "csv-file").send_keys(good)
            wait.until(lambda d: d.find_elements(By.ID, "import-ok"))
            seen["good import"] = driver.find_element(By.ID, "import-ok").text
            driver.get(url)
            seen["datasets"] = driver.find_element(By.ID, "datasets").text
            driver.save_screenshot(os.path.join(artefacts, "serve-imported.png"))
        finally:
            driver.quit()
        print(json.dumps(seen))
        """

    @Test(.enabled(if: ServeTests.available, "selenium is not installed"))
    func aUserOpensTheWorkspaceMovesASliderAndImports() throws {
        let server = try Running()
        let directory = try Support.temporaryDirectory()
        // Researchers as the sample has them, with a bad date on line 3; and three new ones.
        let bad = directory + "/researchers.csv"
        try "researcher_id,trained_on,fieldwork_hours\nR90,2021-02-01,12\nR91,2021-13-40,8\n".write(
            toFile: bad, atomically: true, encoding: .utf8)
        let goodDirectory = try Support.temporaryDirectory()
        let good = goodDirectory + "/researchers.csv"
        try "researcher_id,trained_on,fieldwork_hours\nR90,2021-02-01,12\nR91,2021-03-04,8\nR92,2021-05-06,20\n".write(
            toFile: good, atomically: true, encoding: .utf8)
        let artefacts = Support.packageRoot.appendingPathComponent(".build/test-artifacts").path
        try FileManager.default.createDirectory(atPath: artefacts, withIntermediateDirectories: true)
        let browser = try #require(BrowserTests.chromium)
        let seen = try Self.python(Self.browse, [server.url, browser, "/usr/bin/chromedriver", artefacts, bad, good])

        #expect(seen["scenarios"] as? Int == 7, "\(seen)")
        #expect(seen["passing"] as? Int == 6, "six pass; the one needing the user's HACT values does not")
        #expect(seen["title"] as? String == "USE-IT! Overseas health professionals into NHS work")
        #expect((seen["records leaf"] as? String)?.contains("rows matched") == true, "\(seen)")

        // The ratio shown is what run gives for the scenario with that value.
        let loaded = try ScenarioWithRecords.load(
            Support.packageRoot.appendingPathComponent(Support.exampleScenario).path, data: server.store)
        let ranged = loaded.scenario.uncertainParameters.filter { $0.uncertainty.hasRange }
        let value = try #require(seen["slider value"] as? Double)
        #expect(value != ranged[1].base, "the slider moved")
        let edited = loaded.scenario.setting(ranged[1].kind, to: value)
        let ratio = try #require(try Evaluator().evaluate(edited).results.sroiRatio.value.number)
        #expect(seen["ratio exact"] as? String == NumberFormat.shortest(ratio), "\(seen)")
        #expect(seen["ratio shown"] as? String == String(format: "%.2f", ratio))
        #expect(seen["ratio shown"] as? String != seen["ratio before"] as? String)
        #expect((seen["changes"] as? [String])?.count == 1)
        // How long a step takes is measured by `sroi bench whatif`, not here.
        #expect(seen["milliseconds"] as? Double != nil, "the step reports its time")

        let refused = try #require(seen["bad import"] as? String)
        #expect(refused.contains("researchers.csv:3:5"), "\(refused)")
        #expect(refused.contains("Nothing was imported"))
        #expect((seen["good import"] as? String)?.contains("3 rows into researchers") == true, "\(seen)")
        let dataset = try RecordStore.openForReading(path: server.store).dataset("researchers")
        #expect(dataset.imports.count == 2, "the sample's import and the good file's; the refused one left nothing")
        for name in ["serve-workspace", "serve-scenario", "serve-what-if", "serve-import-refused", "serve-imported"] {
            #expect(FileManager.default.fileExists(atPath: "\(artefacts)/\(name).png"))
        }
    }
}
