import ControlAPI

/// Text made safe for HTML, and the small pieces every page builds from.
enum HTML {
    /// Escapes `& < > " '`.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A URL query from fields, values percent-encoded; "" when there are none.
    static func query(_ fields: [(String, String?)]) -> String {
        let pairs = fields.compactMap { name, value in value.map { "\(name)=\(PercentEncoding.encode($0))" } }
        return pairs.isEmpty ? "" : "?" + pairs.joined(separator: "&")
    }

    /// The hidden CSRF field every changing form carries.
    static func csrfField(_ session: ConsoleSessions.Session) -> String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">"
    }

    /// A seconds count as "1h 02m 03s" / "4m 05s" / "6s".
    static func duration(_ seconds: Int) -> String {
        let seconds = max(0, seconds)
        let h = seconds / 3600, m = (seconds % 3600) / 60, s = seconds % 60
        if h > 0 { return "\(h)h \(pad(m))m \(pad(s))s" }
        if m > 0 { return "\(m)m \(pad(s))s" }
        return "\(s)s"
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// An error line shown next to a form or field.
    static func problem(_ text: String?) -> String {
        guard let text else { return "" }
        return "<p class=\"problem\" role=\"alert\">\(escape(text))</p>"
    }
}
