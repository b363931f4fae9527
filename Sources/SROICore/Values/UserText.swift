/// Text a user supplied, made safe to echo: at most 200 characters, with control characters
/// (terminal escape sequences among them) written as visible escapes.
public enum UserText {
    public static let limit = 200

    public static func clip(_ text: String, limit: Int = UserText.limit, keepingLines: Bool = false) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                return out + "… (\(text.utf8.count) bytes in all)"
            }
            if keepingLines, scalar == "\n" {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}
