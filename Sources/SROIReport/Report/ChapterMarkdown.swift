import Ink

/// Markdown written by a scenario's author, as HTML that can run nothing.
///
/// The author's `&`, `<` and `>` are escaped before Ink reads the text, so every `<` in Ink's
/// output opens a tag Ink wrote. Each of those tags is then rebuilt from an allow-list: only
/// the elements Markdown makes, only the attributes listed for them, every attribute value
/// escaped again, and links only to the web, mail or a place in the page. Whatever an author
/// puts inside a link's target (`"`, an event handler, `javascript:`) can neither leave the
/// attribute nor survive as one.
enum ChapterMarkdown {
    static func html(_ markdown: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(markdown.utf8.count)
        for character in markdown {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        var parser = MarkdownParser()
        parser.addModifier(
            Modifier(target: .images) { _, markdown in
                // Nothing is fetched from anywhere: an image is shown as its description.
                String(markdown)
            })
        return sanitised(parser.html(from: escaped))
    }

    /// The elements Markdown writes, each with the attributes it may keep.
    static let allowed: [String: Set<String>] = [
        "p": [], "br": [], "hr": [], "h1": [], "h2": [], "h3": [], "h4": [], "h5": [], "h6": [],
        "em": [], "strong": [], "del": [], "code": [], "pre": [], "blockquote": [],
        "ul": [], "ol": ["start"], "li": [], "a": ["href", "title"],
        "table": [], "thead": [], "tbody": [], "tr": [], "th": [], "td": [],
    ]

    /// Ink's output with every tag rebuilt from the allow-list; a tag not on it is dropped, its
    /// text kept.
    static func sanitised(_ html: String) -> String {
        var out = ""
        out.reserveCapacity(html.utf8.count)
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                out += HTML.escape(String(rest[open...]))
                return out
            }
            out += rebuilt(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// One tag's inside (`a href="…"`, `/p`), rebuilt, or nothing.
    static func rebuilt(_ tag: Substring) -> String {
        var scanner = tag[...]
        let closing = scanner.first == "/"
        if closing { scanner = scanner.dropFirst() }
        let name = String(scanner.prefix { $0.isLetter || $0.isNumber }).lowercased()
        guard let attributes = allowed[name] else { return "" }
        if closing { return "</\(name)>" }
        scanner = scanner.dropFirst(name.count)
        var kept = ""
        for (attribute, value) in parseAttributes(scanner) where attributes.contains(attribute) {
            if attribute == "href", !isSafeLink(value) { continue }
            if attribute == "start", Int(value) == nil { continue }
            kept += " \(attribute)=\"\(HTML.escape(value))\""
        }
        return "<\(name)\(kept)>"
    }

    /// `name="value"`, `name='value'`, `name=value` and bare names, in order.
    static func parseAttributes(_ text: Substring) -> [(String, String)] {
        var found: [(String, String)] = []
        var rest = text
        func skipSpace() { rest = rest.drop { $0.isWhitespace || $0 == "/" } }
        skipSpace()
        while !rest.isEmpty {
            let name = String(rest.prefix { !$0.isWhitespace && $0 != "=" && $0 != "/" }).lowercased()
            rest = rest.dropFirst(max(name.count, 1))
            rest = rest.drop { $0.isWhitespace }
            var value = ""
            if rest.first == "=" {
                rest = rest.dropFirst().drop { $0.isWhitespace }
                if let quote = rest.first, quote == "\"" || quote == "'" {
                    rest = rest.dropFirst()
                    value = String(rest.prefix { $0 != quote })
                    rest = rest.dropFirst(value.count + 1)
                } else {
                    value = String(rest.prefix { !$0.isWhitespace })
                    rest = rest.dropFirst(value.count)
                }
            }
            if !name.isEmpty { found.append((name, unescaped(value))) }
            skipSpace()
        }
        return found
    }

    /// The few entities Ink and the escaping above write, decoded, so the value is checked and
    /// escaped as the browser would read it.
    static func unescaped(_ value: String) -> String {
        value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Web and mail links and places in the page; nothing a browser would run.
    static func isSafeLink(_ target: String) -> Bool {
        let lowered = target.lowercased()
        guard !lowered.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        return lowered.hasPrefix("https://") || lowered.hasPrefix("http://") || lowered.hasPrefix("mailto:")
            || lowered.hasPrefix("#")
    }
}
