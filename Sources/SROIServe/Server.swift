import Foundation
import Hummingbird
import Logging
import NIOCore
import SROICore

/// How `sroi serve` runs: which folder and record store it shows, where it listens, and whether
/// it may write.
public struct ServeSettings: Sendable {
    /// The folder of scenarios; nothing outside it (and the record store) is ever served.
    public var folder: String
    /// The record store quantities are read from, and imports go into.
    public var data: String?
    /// The address listened on: loopback unless the user says otherwise.
    public var host: String
    /// The port; 0 takes any free one.
    public var port: Int
    /// Whether imports and saving scenarios are allowed.
    public var allowEdits: Bool
    /// The secret every request must carry.
    public var token: String

    public init(
        folder: String, data: String?, host: String = "127.0.0.1", port: Int = 8080, allowEdits: Bool = false,
        token: String = ServeSettings.newToken()
    ) {
        self.folder = folder
        self.data = data
        self.host = host
        self.port = port
        self.allowEdits = allowEdits
        self.token = token
    }

    /// 32 random bytes as hex, from the system's generator.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// The local web workspace: a Hummingbird application over a ``ServedWorkspace``.
public enum Server {
    /// Runs until the process is stopped; `started` is called with the URL to open (with the token).
    public static func run(_ settings: ServeSettings, started: @escaping @Sendable (String) -> Void) async throws {
        let workspace = ServedWorkspace(settings: settings)
        let bound = BoundPort()
        let router = Router(context: ServeContext.self)
        router.add(middleware: Guard(settings: settings, bound: bound))
        Routes.register(on: router, workspace: workspace)
        let app = Application(
            router: router,
            // A client that keeps a connection open and sends nothing is dropped after a minute.
            server: .http1(configuration: .init(idleTimeout: .seconds(60))),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                bound.set(port)
                let shown = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
                started("http://\(shown):\(port)/?token=\(settings.token)")
            },
            logger: {
                var logger = Logger(label: "sroi.serve")
                logger.logLevel = .error
                return logger
            }()
        )
        try await app.runService()
    }
}

/// The port the server got, once it is listening: Origin checks compare with it.
typealias BoundPort = Shared<Int>
