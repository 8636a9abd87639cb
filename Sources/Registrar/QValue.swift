/// The q-value grammar of RFC 3261 §25.1: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")].
enum QValue {
    /// The value in thousandths (0...1000), or nil when `text` is not a q-value.
    static func parse(_ text: String) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole == "0" || whole == "1" else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 3, fraction.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        fraction += String(repeating: "0", count: 3 - fraction.count)
        guard let thousandths = Int(fraction) else { return nil }
        let value = (whole == "1" ? 1000 : 0) + thousandths
        return value <= 1000 ? value : nil
    }

    /// "0.5", "1", "0.125": the shortest text for a value in thousandths.
    static func format(_ thousandths: Int) -> String {
        if thousandths >= 1000 { return "1" }
        var digits = String(thousandths)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return digits.isEmpty ? "0" : "0." + digits
    }
}
