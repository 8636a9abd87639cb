/// An HTTP/1.1 response as the control client received it.
public struct ControlHTTPResponse: Hashable, Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// The reason phrase, e.g. "OK".
    public var reason: String
    /// The header fields, names lower-cased; a repeated field keeps its last value.
    public var headers: [String: String]
    /// The body (de-chunked when it was sent chunked).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, reason: String, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Where the head ends in `bytes` (the index after "\r\n\r\n"), or nil when it has not
    /// arrived yet; the search starts at `start`.
    static func headEnd(in bytes: [UInt8], from start: Int = 0) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = max(0, start)
        while index + 3 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }

    /// The state of a partly received response: complete (with the response), or how to go on.
    enum ParseState {
        /// Everything has arrived.
        case complete(ControlHTTPResponse)
        /// More bytes are needed; `untilClose` says the body runs to the end of the connection.
        case incomplete(untilClose: Bool)
    }

    /// Parses `bytes` received so far. `closed` says the peer has closed the connection, so
    /// whatever arrived is all there is.
    static func parse(_ bytes: [UInt8], closed: Bool) throws(ResponseParseError) -> ParseState {
        guard let end = headEnd(in: bytes) else {
            if closed {
                throw ResponseParseError(
                    bytes.isEmpty ? "the daemon closed the connection without answering" : "the response head is incomplete")
            }
            return .incomplete(untilClose: false)
        }
        let headText = String(decoding: bytes[0..<(end - 4)], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard !lines.isEmpty else { throw ResponseParseError("the response has no status line") }
        let statusLine = lines.removeFirst()
        let statusParts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]),
              (100...599).contains(status)
        else { throw ResponseParseError("the status line '\(statusLine.prefix(80))' is not HTTP/1.x") }
        let reason = statusParts.count > 2 ? String(statusParts[2]) : ""
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw ResponseParseError("the header line '\(line.prefix(80))' has no colon")
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingBlanks()
            headers[name] = value
        }
        let rest = Array(bytes[end...])
        if let encoding = headers["transfer-encoding"], encoding.lowercased().contains("chunked") {
            switch try dechunk(rest) {
            case .some(let body):
                return .complete(ControlHTTPResponse(status: status, reason: reason, headers: headers, body: body))
            case .none:
                if closed { throw ResponseParseError("the chunked body ended early") }
                return .incomplete(untilClose: false)
            }
        }
        if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw ResponseParseError("the Content-Length '\(lengthText)' is not a number")
            }
            if rest.count >= length {
                return .complete(
                    ControlHTTPResponse(status: status, reason: reason, headers: headers, body: Array(rest[0..<length])))
            }
            if closed { throw ResponseParseError("the body ended after \(rest.count) of \(length) bytes") }
            return .incomplete(untilClose: false)
        }
        if status == 204 || status == 304 || (100..<200).contains(status) {
            return .complete(ControlHTTPResponse(status: status, reason: reason, headers: headers, body: []))
        }
        if closed {
            return .complete(ControlHTTPResponse(status: status, reason: reason, headers: headers, body: rest))
        }
        return .incomplete(untilClose: true)
    }

    /// Decodes a chunked body; nil when it has not fully arrived.
    private static func dechunk(_ bytes: [UInt8]) throws(ResponseParseError) -> [UInt8]? {
        var body: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = findCRLF(bytes, from: index) else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            let sizeField = sizeText.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeField.trimmingBlanks(), radix: 16), size >= 0 else {
                throw ResponseParseError("the chunk size '\(sizeText.prefix(20))' is not hexadecimal")
            }
            index = lineEnd + 2
            if size == 0 { return body }
            guard index + size + 2 <= bytes.count else { return nil }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    private static func findCRLF(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index + 1 < bytes.count {
            if bytes[index] == 13, bytes[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
