/// A page, a redirect, an asset or an event stream, as the console answers a request.
struct ConsoleResponse: Sendable {
    /// The HTTP status.
    var status: Int
    /// Headers besides Content-Length and Connection.
    var headers: [(String, String)]
    /// The body (empty for a stream).
    var body: [UInt8]
    /// For Server-Sent Events: the stream of `data:` payloads (see `ConsoleEventStream`).
    var stream: ConsoleEventStream?

    /// An HTML page with status 200.
    static func html(_ text: String) -> ConsoleResponse { html(200, text) }

    /// An HTML page.
    static func html(_ status: Int, _ text: String) -> ConsoleResponse {
        ConsoleResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }

    /// A "303 See Other" to `location` (after a form post, so a reload does not repeat it).
    static func redirect(_ location: String, headers: [(String, String)] = []) -> ConsoleResponse {
        ConsoleResponse(status: 303, headers: [("Location", location)] + headers, body: [])
    }

    /// A download or asset.
    static func file(_ contentType: String, _ bytes: [UInt8], filename: String? = nil) -> ConsoleResponse {
        var headers = [("Content-Type", contentType)]
        if let filename { headers.append(("Content-Disposition", "attachment; filename=\"\(filename)\"")) }
        return ConsoleResponse(status: 200, headers: headers, body: bytes)
    }
}

/// A Server-Sent Events stream: `next` is asked every `interval` for the current payload; a
/// payload that differs from the last one sent goes out as one `data:` line, and nil ends the
/// stream (the session expired).
struct ConsoleEventStream: Sendable {
    /// How often `next` is asked.
    var interval: Duration = .seconds(1)
    /// The current payload (one line of text, JSON), or nil to end the stream.
    var next: @Sendable () async -> String?
}
