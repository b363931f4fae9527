import Crypto
import Foundation

/// The Content-Security-Policy of the pages sroi writes: nothing is fetched, and the only
/// scripts that run are the page's own, named by their SHA-256. Inline event handlers,
/// `javascript:` links and any script that is not one of those are refused by the browser.
public enum PagePolicy {
    /// The `'sha256-…'` source of one inline script.
    public static func hash(_ script: String) -> String {
        "'sha256-\(Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString())'"
    }

    /// The policy for a page whose scripts are `scripts`; `connect` allows requests back to the
    /// page's own server (the web workspace).
    public static func policy(scripts: [String], connect: Bool = false) -> String {
        let sources = scripts.isEmpty ? "'none'" : scripts.map(hash).joined(separator: " ")
        return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src \(sources); "
            + "connect-src \(connect ? "'self'" : "'none'"); form-action \(connect ? "'self'" : "'none'"); base-uri 'none'"
    }

    /// The policy as the first element of a file's head.
    static func meta(scripts: [String]) -> String {
        "<meta http-equiv=\"Content-Security-Policy\" content=\"\(HTML.escape(policy(scripts: scripts)))\">\n"
    }
}
