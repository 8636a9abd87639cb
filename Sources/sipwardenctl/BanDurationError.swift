/// A ban duration the CLI cannot use, with the sentence to show the operator.
struct BanDurationError: Error, CustomStringConvertible {
    /// What was typed.
    var text: String
    /// Whether it parsed but is zero or longer than ten years.
    var outOfRange = false

    /// "invalid duration '90x': give ...".
    var description: String {
        outOfRange
            ? "the duration '\(text)' is out of range; give 1s to 3650d"
            : "invalid duration '\(text)'; give \(BanDuration.examples)"
    }
}
