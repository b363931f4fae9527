import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The rules every request passes before any page is made, so that only the user who started
/// `sroi serve`, in their own browser, can use it:
///
/// - the **token** printed at start, in the URL (`?token=`), which then lives in a cookie that
///   only this site's pages send (`SameSite=Strict`), or in the `X-SROI-Token` header;
/// - the **Host** header names this machine (`127.0.0.1`, `localhost`, `[::1]` or the address
///   given), so a page whose name was re-pointed at 127.0.0.1 (DNS rebinding) is refused;
/// - an **Origin** header, when the browser sends one, is this server's own, so another page open
///   in the browser cannot drive it (cross-site requests), and `Sec-Fetch-Site: cross-site` is
///   refused too;
/// - a path with `..` or a NUL is refused before routing.
struct Guard<Context: InputClosingContext>: RouterMiddleware {
    let settings: ServeSettings
    let bound: BoundPort

    static var cookieName: String { "sroi_token" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let fromQuery = request.uri.queryParameters["token"].map(String.init)
        var response: Response
        if let refusal = refusal(of: request, tokenFromQuery: fromQuery) {
            response = refusal
            // A refused request's body is not read: its sender may be sending gigabytes.
            response.headers[.connection] = "close"
            if request.headers[.contentLength].map({ $0 != "0" }) ?? (request.headers[.transferEncoding] != nil) {
                context.closeInput()
            }
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError {
                response = Pages.refusal(error.status, error.body ?? "There is nothing here by that name.")
            }
            if fromQuery != nil {
                response.headers.append(
                    HTTPField(
                        name: .setCookie,
                        value: "\(Self.cookieName)=\(settings.token); Path=/; HttpOnly; SameSite=Strict"))
            }
        }
        // Every answer, refusals and errors too: the token is in the address bar, so it must not
        // leave in a Referer, nor any page be framed or sniffed.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Content-Security-Policy")!] = Pages.contentSecurityPolicy
        return response
    }

    /// The answer to a request that may not go further, or `nil` when it may.
    func refusal(of request: Request, tokenFromQuery: String?) -> Response? {
        let path = request.uri.path
        if path.contains("..") || path.contains("%2e%2e") || path.contains("%2E%2E") || path.contains("\0")
            || request.uri.description.contains("%00")
        {
            return Pages.refusal(.badRequest, "A path with '..' is never served.")
        }
        guard let host = request.head.authority, hostAllowed(host) else {
            return Pages.refusal(.forbidden, "This server answers only to this machine's own address.")
        }
        if let origin = request.headers[HTTPField.Name("Origin")!], !originAllowed(origin) {
            return Pages.refusal(.forbidden, "Requests from other sites are refused.")
        }
        if request.headers[HTTPField.Name("Sec-Fetch-Site")!] == "cross-site" {
            return Pages.refusal(.forbidden, "Requests from other sites are refused.")
        }
        let supplied =
            tokenFromQuery ?? request.headers[HTTPField.Name("X-SROI-Token")!]
            ?? request.cookies[Self.cookieName]?.value
        guard let supplied, Self.equal(supplied, settings.token) else {
            return Pages.refusal(
                .unauthorized, "Open the address that 'sroi serve' printed: it carries the token this server requires.")
        }
        return nil
    }

    /// The names this machine answers to.
    var hostNames: Set<String> { ["127.0.0.1", "localhost", "[::1]", settings.host] }

    func hostAllowed(_ header: String) -> Bool {
        let name: String
        if header.hasPrefix("[") {
            name = String(header.prefix { $0 != "]" }) + "]"
        } else {
            name = String(header.split(separator: ":", maxSplits: 1).first ?? "")
        }
        return hostNames.contains(name.lowercased())
    }

    func originAllowed(_ origin: String) -> Bool {
        guard let port = bound.value else { return false }
        return hostNames.contains { "http://\($0):\(port)" == origin.lowercased() }
    }

    /// Compares in time that does not depend on where the strings differ.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// A request context that can stop reading its connection: a refused request's body is dropped.
protocol InputClosingContext: RequestContext {
    func closeInput()
}

/// The workspace's request context: Hummingbird's basic one, and the connection it came on.
struct ServeContext: InputClosingContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    func closeInput() { channel.close(mode: .input, promise: nil) }
}
