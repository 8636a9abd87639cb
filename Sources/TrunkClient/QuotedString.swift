/// The quoted-string of RFC 3261 §25.1 for the values the trunk client writes.
enum QuotedString {
    /// `text` in double quotes, `"` and `\` escaped, CR and LF dropped.
    static func quote(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"", "\\": out.append("\\"); out.append(character)
            case "\r", "\n", "\r\n": continue
            default: out.append(character)
            }
        }
        out.append("\"")
        return out
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
