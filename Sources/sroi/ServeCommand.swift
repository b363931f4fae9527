import ArgumentParser
import Foundation
import SROICore
import SROIServe

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A local web workspace over a folder of scenarios: figures, derivations, what-if, imports.",
        discussion: """
            The first line printed is the address to open; it carries a random token that every request
            must present. The server listens on 127.0.0.1 only unless --host says otherwise, answers only
            to this machine's own name, refuses requests from other sites, and serves nothing outside the
            folder and the record store. Imports and saving scenarios are refused unless --allow-edits.
            Stop it with Ctrl-C.
            Examples:
              sroi serve Scenarios/use-it --data outcomes.sqlite
              sroi serve Scenarios/use-it --data outcomes.sqlite --port 0 --allow-edits
            """)

    @Argument(help: ArgumentHelp("The folder of scenario files.", valueName: "DIR"))
    var folder: String

    @Option(name: .long, help: ArgumentHelp("The record store quantities are read from.", valueName: "DB"))
    var data: String?

    @Option(help: "The port to listen on; 0 takes any free port.")
    var port: Int = 8080

    @Option(help: "The address to listen on. Anything but loopback lets other machines connect.")
    var host: String = "127.0.0.1"

    @Flag(help: "Allow importing CSV files into the record store and saving scenarios as new files.")
    var allowEdits = false

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("\(folder) is not a folder")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() throws {
        let settings = ServeSettings(folder: folder, data: data, host: host, port: port, allowEdits: allowEdits)
        if !["127.0.0.1", "localhost", "::1"].contains(host) {
            Terminal.error("warning: listening on \(host): other machines on the network can connect (with the token)")
        }
        let done = DispatchSemaphore(value: 0)
        let failure = Shared<String>()
        Task {
            do {
                try await Server.run(settings) { url in
                    Terminal.write("\(url)\n")
                }
            } catch {
                failure.set("\(error)")
            }
            done.signal()
        }
        done.wait()
        if let message = failure.value {
            Terminal.error("error: the server stopped: \(message)")
            throw ExitCode.failure
        }
    }
}
