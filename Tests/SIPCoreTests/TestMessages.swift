import SIPCore
import XCTest

/// Helpers for building wire messages in tests: lines joined with CRLF.
enum TestMessages {
    /// `lines` joined by CRLF, plus the blank line, plus `body`.
    static func wire(_ lines: [String], body: String = "") -> [UInt8] {
        Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    /// A well-formed REGISTER; `replacing` swaps header lines by prefix, `extra` appends lines.
    static func register(
        requestLine: String = "REGISTER sip:example.com SIP/2.0", replacing: [String: String?] = [:],
        extra: [String] = [], body: String = ""
    ) -> [UInt8] {
        var lines = [
            requestLine,
            "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport",
            "Max-Forwards: 70",
            "To: \"Alice\" <sip:alice@example.com>",
            "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
            "Call-ID: a84b4c76e66710@pc33.example.com",
            "CSeq: 314159 REGISTER",
            "Contact: <sip:alice@192.0.2.10:5060;transport=udp>;expires=3600;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"",
            "User-Agent: TestPhone/1.0",
            "Content-Length: \(body.utf8.count)",
        ]
        for (prefix, replacement) in replacing {
            guard let index = lines.firstIndex(where: { $0.hasPrefix(prefix) }) else { continue }
            if let replacement { lines[index] = replacement } else { lines.remove(at: index) }
        }
        lines.append(contentsOf: extra)
        return wire(lines, body: body)
    }

    /// Parses `bytes` as a request or fails the test.
    static func request(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> SIPRequest {
        let message = try SIPParser.parse(bytes)
        guard case .request(let request) = message else {
            XCTFail("expected a request", file: file, line: line)
            throw SIPParseError(.malformedStartLine, detail: "not a request")
        }
        return request
    }

    /// The parse error for `bytes`, or nil when it parses.
    static func error(_ bytes: [UInt8], isStream: Bool = false) -> SIPParseError? {
        do {
            _ = try SIPParser.parse(bytes, isStream: isStream)
            return nil
        } catch {
            return error
        }
    }
}
