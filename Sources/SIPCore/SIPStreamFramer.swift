/// Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3: the header block ends at
/// the first empty line, the body is exactly Content-Length octets).
///
/// Feed it whatever arrives with `append`, then call `nextFrame()` until it returns nil.
/// Several messages in one read and one message over many reads both work. Between
/// messages, RFC 5626 keep-alives are recognised: a double CRLF ("\r\n\r\n") is a ping
/// (`.keepalive`, which the caller answers with a single CRLF pong); a lone CRLF is skipped.
///
/// A thrown error means the framing is lost (no or bad Content-Length, a header block or
/// message larger than `maxMessageSize`): the caller must close the connection.
public struct SIPStreamFramer: Sendable {
    /// One unit cut from the stream.
    public enum Frame: Hashable, Sendable {
        /// The bytes of one complete message, ready for `SIPParser.parse(_:isStream: true)`.
        case message([UInt8])
        /// A double-CRLF keep-alive ping (RFC 5626 §4.4.1).
        case keepalive
    }

    /// The largest message (header block plus body) accepted.
    public let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the end of the header block resumes (bytes before were searched).
    private var searchFrom = 0
    /// The total length of the message at `start`, once its header block has been read.
    private var pendingLength: Int?
    private var pings = 0

    /// Creates a framer for messages of at most `maxMessageSize` bytes.
    public init(maxMessageSize: Int = 65536) {
        self.maxMessageSize = max(1, maxMessageSize)
    }

    /// How many bytes are buffered and not yet returned.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds bytes read from the connection.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes read from the connection.
    public mutating func append(contentsOf bytes: [UInt8]) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Drops consumed bytes once they are a good share of the buffer (amortized O(1) per byte).
    private mutating func compact() {
        guard start > 0, start >= 4096 || start * 2 >= buffer.count else { return }
        buffer.removeFirst(start)
        searchFrom -= start
        start = 0
    }

    /// The next message or keep-alive, or nil when more bytes are needed.
    public mutating func nextFrame() throws(SIPParseError) -> Frame? {
        let count = buffer.count
        if pendingLength == nil {
            // Keep-alives and stray line ends between messages.
            while start < count, buffer[start] == SIPGrammar.cr || buffer[start] == SIPGrammar.lf {
                let ping: [UInt8] = [13, 10, 13, 10]
                var matched = 0
                while matched < 4, start + matched < count, buffer[start + matched] == ping[matched] { matched += 1 }
                if matched == 4 {
                    start += 4
                    searchFrom = start
                    return .keepalive
                }
                if start + matched == count, matched > 0 { return nil }  // maybe the start of a ping
                start += (matched >= 2) ? 2 : 1
                searchFrom = start
            }
            guard start < count else { return nil }
            guard let headerEnd = findHeaderEnd() else {
                if count - start > maxMessageSize {
                    throw SIPParseError(.messageTooLarge, detail: "header block exceeds \(maxMessageSize) bytes")
                }
                return nil
            }
            let contentLength = try Self.contentLength(buffer, start..<headerEnd, limit: maxMessageSize)
            let total = headerEnd - start + contentLength
            guard total <= maxMessageSize else {
                throw SIPParseError(.messageTooLarge, detail: "message of \(total) bytes exceeds \(maxMessageSize)")
            }
            pendingLength = total
        }
        guard let total = pendingLength, count - start >= total else { return nil }
        let message = Array(buffer[start..<(start + total)])
        start += total
        searchFrom = start
        pendingLength = nil
        return .message(message)
    }

    /// The next complete message, or nil when more bytes are needed; keep-alive pings met on
    /// the way are counted for `takeKeepalivePings()`.
    public mutating func nextMessage() throws(SIPParseError) -> [UInt8]? {
        while let frame = try nextFrame() {
            switch frame {
            case .message(let bytes): return bytes
            case .keepalive: pings += 1
            }
        }
        return nil
    }

    /// How many keep-alive pings `nextMessage()` skipped since the last call (then resets).
    public mutating func takeKeepalivePings() -> Int {
        defer { pings = 0 }
        return pings
    }

    /// The index just past the empty line ending the header block at `start`, or nil.
    private mutating func findHeaderEnd() -> Int? {
        let count = buffer.count
        var i = max(searchFrom, start)
        while i < count {
            if buffer[i] == SIPGrammar.lf {
                if i + 1 < count, buffer[i + 1] == SIPGrammar.lf { return i + 2 }
                if i + 2 < count, buffer[i + 1] == SIPGrammar.cr, buffer[i + 2] == SIPGrammar.lf { return i + 3 }
                if i + 2 >= count { break }  // the blank line may still be arriving
            }
            i += 1
        }
        searchFrom = max(start, min(i, count))
        return nil
    }

    /// The Content-Length of the header block `range`: exactly one, 1*DIGIT, within `limit`.
    static func contentLength(_ buffer: [UInt8], _ range: Range<Int>, limit: Int) throws(SIPParseError) -> Int {
        let result: Result<Int, SIPParseError> = buffer.withUnsafeBufferPointer { buf in
            Result { () throws(SIPParseError) -> Int in
                var found: Int?
                var seen = 0
                var i = range.lowerBound
                let end = range.upperBound
                while i < end {
                    var le = i
                    while le < end, buf[le] != SIPGrammar.lf { le += 1 }
                    // Extend over folded continuation lines.
                    var next = le + 1
                    while next < end, SIPGrammar.isWhitespace(buf[next]) {
                        le = next
                        while le < end, buf[le] != SIPGrammar.lf { le += 1 }
                        next = le + 1
                    }
                    let nameEnd = SIPGrammar.scanToken(buf, i, le)
                    let colon = SIPGrammar.skipWhitespace(buf, nameEnd, le)
                    if nameEnd > i, colon < le, buf[colon] == UInt8(ascii: ":"),
                       HeaderNameTable.canonical(buf, i..<nameEnd) == "Content-Length" {
                        seen += 1
                        // Same rule as the parser: after unfolding and trimming, only digits
                        // ("1 2" is not 12), so framer and parser never disagree on a length.
                        var value: [UInt8] = []
                        for j in (colon + 1)..<le {
                            let b = buf[j]
                            value.append(b == SIPGrammar.cr || b == SIPGrammar.lf || b == SIPGrammar.tab ? SIPGrammar.space : b)
                        }
                        found = value.withUnsafeBufferPointer { v in
                            let digits = SIPGrammar.trim(v, 0..<v.count)
                            return SIPGrammar.isDigits(v, digits)
                                ? SIPGrammar.parseDecimal(v, digits, limit: UInt64(limit)).map { Int($0) } : nil
                        }
                        if found == nil {
                            throw SIPParseError(.invalidContentLength, header: "Content-Length", detail: "invalid Content-Length on a stream")
                        }
                    }
                    i = next
                }
                guard seen <= 1 else {
                    throw SIPParseError(.duplicateHeader, header: "Content-Length", detail: "Content-Length appears \(seen) times")
                }
                guard let found else {
                    throw SIPParseError(.missingHeader, header: "Content-Length", detail: "Content-Length is required on a stream transport")
                }
                return found
            }
        }
        return try result.get()
    }
}
