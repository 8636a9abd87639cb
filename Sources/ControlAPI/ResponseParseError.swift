/// Why a response could not be parsed.
struct ResponseParseError: Error {
    /// What was wrong.
    var message: String

    init(_ message: String) { self.message = message }
}
