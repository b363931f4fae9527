import SROICore

/// Charts drawn as inline SVG: no scripts, no fonts fetched, printable.
enum Charts {
    struct Bar {
        var label: String
        /// `nil` for an undefined figure: no bar is drawn, and its text says why.
        var value: Double?
        var text: String
    }

    /// Horizontal bars from zero, each under its label with its value beside it. Narrow, so that
    /// on a phone's width its text stays readable.
    static func horizontalBars(_ bars: [Bar], title: String, id: String) -> String {
        let width = 560.0
        let rowHeight = 46.0
        let barWidth = 360.0
        let height = Double(bars.count) * rowHeight + 36
        let defined = bars.compactMap(\.value)
        let maximum = defined.map { abs($0) }.max() ?? 0
        let minimum = min(defined.min() ?? 0, 0)
        let hasNegative = minimum < 0
        let zero = hasNegative ? barWidth * (abs(minimum) / (maximum + abs(minimum))) : 0
        let scale = maximum > 0 ? (hasNegative ? barWidth * maximum / (maximum + abs(minimum)) : barWidth) / maximum : 0
        var svg = open(width: width, height: height, title: title, id: id)
        for (index, bar) in bars.enumerated() {
            let y = 30 + Double(index) * rowHeight
            svg += "<text x=\"0\" y=\"\(f(y + 14))\">\(HTML.escape(short(bar.label, limit: 60)))</text>"
            if let value = bar.value {
                let length = abs(value) * scale
                let x = value < 0 ? zero - length : zero
                svg +=
                    "<rect class=\"bar\(value < 0 ? " negative" : "")\" x=\"\(f(x))\" y=\"\(f(y + 20))\" width=\"\(f(max(length, 0.5)))\" height=\"18\"><title>\(HTML.escape(bar.label)): \(HTML.escape(bar.text))</title></rect>"
            }
            svg += "<text x=\"\(f(barWidth + 8))\" y=\"\(f(y + 35))\">\(HTML.escape(bar.text))</text>"
        }
        svg += "<line class=\"axis\" x1=\"\(f(zero))\" y1=\"44\" x2=\"\(f(zero))\" y2=\"\(f(height - 4))\"/>"
        return svg + "</svg>"
    }

    /// Vertical columns, one per category, labelled beneath.
    static func columns(_ bars: [Bar], title: String, id: String, caption: String? = nil) -> String {
        let width = 560.0
        let plotHeight = 200.0
        let top = 30.0
        let count = Double(max(bars.count, 1))
        let slot = (width - 80) / count
        let defined = bars.compactMap(\.value)
        let maximum = max(defined.max() ?? 0, 0)
        let minimum = min(defined.min() ?? 0, 0)
        let span = maximum - minimum
        let scale = span > 0 ? plotHeight / span : 0
        let zero = top + maximum * scale
        var svg = open(width: width, height: top + plotHeight + 50, title: title, id: id)
        for (index, bar) in bars.enumerated() {
            let x = 60 + Double(index) * slot
            if let value = bar.value {
                let length = abs(value) * scale
                let y = value >= 0 ? zero - length : zero
                svg +=
                    "<rect class=\"bar\(value < 0 ? " negative" : "")\" x=\"\(f(x + slot * 0.1))\" y=\"\(f(y))\" width=\"\(f(slot * 0.8))\" height=\"\(f(max(length, 0.5)))\"><title>\(HTML.escape(bar.label)): \(HTML.escape(bar.text))</title></rect>"
            }
            if bars.count <= 8 || index % max(1, (bars.count + 7) / 8) == 0 {
                svg +=
                    "<text class=\"tick\" x=\"\(f(x + slot / 2))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(HTML.escape(bar.label))</text>"
            }
        }
        svg += "<line class=\"axis\" x1=\"55\" y1=\"\(f(zero))\" x2=\"\(f(width - 20))\" y2=\"\(f(zero))\"/>"
        if let caption {
            svg +=
                "<text class=\"tick\" x=\"\(f(width / 2))\" y=\"\(f(top + plotHeight + 42))\" text-anchor=\"middle\">\(HTML.escape(caption))</text>"
        }
        return svg + "</svg>"
    }

    struct Swing {
        var label: String
        var low: Double
        var high: Double
        var lowText: String
        var highText: String
    }

    /// A tornado: for each assumption a bar from the ratio at one end of its range to the other,
    /// around a line at the base ratio.
    static func tornado(_ swings: [Swing], base: Double, title: String, id: String) -> String {
        let width = 560.0
        let rowHeight = 46.0
        let height = Double(swings.count) * rowHeight + 56
        let values = swings.flatMap { [$0.low, $0.high] } + [base]
        let minimum = values.min() ?? 0
        let maximum = values.max() ?? 1
        let span = maximum > minimum ? maximum - minimum : 1
        func x(_ value: Double) -> Double { 50 + (value - minimum) / span * (width - 100) }
        var svg = open(width: width, height: height, title: title, id: id)
        for (index, swing) in swings.enumerated() {
            let y = 30 + Double(index) * rowHeight
            let left = min(x(swing.low), x(swing.high))
            let right = max(x(swing.low), x(swing.high))
            svg += "<text x=\"0\" y=\"\(f(y + 14))\">\(HTML.escape(short(swing.label, limit: 60)))</text>"
            svg +=
                "<rect class=\"bar\" x=\"\(f(left))\" y=\"\(f(y + 20))\" width=\"\(f(max(right - left, 0.5)))\" height=\"18\"><title>\(HTML.escape(swing.label)): \(HTML.escape(swing.lowText)) to \(HTML.escape(swing.highText))</title></rect>"
            svg +=
                "<text class=\"tick\" x=\"\(f(left - 4))\" y=\"\(f(y + 34))\" text-anchor=\"end\">\(HTML.escape(x(swing.low) <= x(swing.high) ? swing.lowText : swing.highText))</text>"
            svg +=
                "<text class=\"tick\" x=\"\(f(right + 4))\" y=\"\(f(y + 34))\">\(HTML.escape(x(swing.low) <= x(swing.high) ? swing.highText : swing.lowText))</text>"
        }
        svg += "<line class=\"base\" x1=\"\(f(x(base)))\" y1=\"44\" x2=\"\(f(x(base)))\" y2=\"\(f(height - 22))\"/>"
        svg +=
            "<text class=\"tick\" x=\"\(f(x(base)))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">base \(HTML.escape(Display.fixed(base)))</text>"
        return svg + "</svg>"
    }

    /// A label short enough for its column; the full text stays in the bar's tooltip.
    static func short(_ label: String, limit: Int = 46) -> String {
        label.count <= limit ? label : String(label.prefix(limit - 1)) + "…"
    }

    private static func open(width: Double, height: Double, title: String, id: String) -> String {
        "<svg class=\"chart\" id=\"\(id)\" role=\"img\" aria-label=\"\(HTML.escape(title))\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(HTML.escape(title))</title><text class=\"chart-title\" x=\"0\" y=\"16\">\(HTML.escape(title))</text>"
    }

    /// Coordinates to one decimal: enough for a screen, and the same text run after run.
    static func f(_ value: Double) -> String {
        Display.fixed(value, decimals: 1).replacingOccurrences(of: ",", with: "")
    }
}

/// HTML text escaping for text from users' files.
public enum HTML {
    public static func escape(_ text: String) -> String {
        // By bytes: the five are ASCII, so a quote joined to a combining mark is escaped too, and
        // text with none of them (most of it) is returned as it is.
        let utf8 = text.utf8
        func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        guard utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
