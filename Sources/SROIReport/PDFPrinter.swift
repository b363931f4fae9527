import Foundation

/// Prints an HTML report to PDF with a headless Chromium, A4 with the page sizes the report's
/// print stylesheet asks for.
public enum PDFPrinter {
    /// Why no PDF was written.
    public struct Failure: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The browsers looked for, in order, on the `PATH`.
    static let browsers = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]

    /// The first browser found on the `PATH`.
    public static func browser() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in browsers {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Prints `html` (a file) to `pdf`, whole or not at all: a temporary file beside it is renamed
    /// once the browser has finished.
    public static func print(html: String, to pdf: String) throws(Failure) {
        guard let browser = browser() else {
            throw Failure(
                reason:
                    "no headless browser to print with: install Chromium (Debian and Ubuntu: sudo apt install chromium) and run again; report.html prints from any browser too"
            )
        }
        let directory = (pdf as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/\(OutputFiles.temporaryMarker)\(getpid())-report.pdf"
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("sroi-chromium-\(getpid())").path
        defer {
            unlink(temporary)
            try? FileManager.default.removeItem(atPath: profile)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
            "--no-pdf-header-footer", "--print-to-pdf=\(temporary)",
            URL(fileURLWithPath: html).absoluteString,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(reason: "\(browser) cannot be started: \(error.localizedDescription)")
        }
        process.waitUntilExit()
        var status = stat()
        guard process.terminationStatus == 0, stat(temporary, &status) == 0, status.st_size > 0 else {
            throw Failure(reason: "\(browser) did not print the report (exit status \(process.terminationStatus))")
        }
        guard rename(temporary, pdf) == 0 else {
            throw Failure(reason: "\(pdf): \(String(cString: strerror(errno)))")
        }
    }
}
