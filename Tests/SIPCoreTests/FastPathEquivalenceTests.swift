@testable import SIPCore
import XCTest

/// The fast paths added for the packet path (docs/performance.md) against the code they
/// replaced, kept here as reference implementations, over fixed and generated adversarial
/// input: the parser handles untrusted bytes, so a fast path must accept and refuse exactly
/// what the old one did, with the same error.
final class FastPathEquivalenceTests: XCTestCase {
    /// A deterministic generator (SplitMix64), so a failure names a reproducible case.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    // MARK: - contacts()

    /// The former `SIPRequest.contacts()`: one string per list element, then parsed.
    static func referenceContacts(_ request: SIPRequest) -> Result<ContactList, SIPParseError> {
        Result { () throws(SIPParseError) -> ContactList in
            let elements = request.headers.listElements("Contact")
            if elements.isEmpty { return .addresses([]) }
            var addresses: [NameAddress] = []
            for element in elements {
                guard !element.isEmpty else {
                    throw SIPParseError(.malformedHeader, header: "Contact", detail: "empty Contact element (stray comma)")
                }
                if element.utf8.first == UInt8(ascii: "*") {
                    guard elements.count == 1 else {
                        throw SIPParseError(.malformedHeader, header: "Contact", detail: "'*' must be the only Contact")
                    }
                    let parameters = try SIPGrammar.withBytes(element) { (buf) throws(SIPParseError) -> SIPParameters in
                        try SIPGrammar.parseHeaderParameters(buf, 1, buf.count, header: "Contact")
                    }
                    return .wildcard(parameters: parameters)
                }
                addresses.append(try SIPGrammar.withBytes(element) { (buf) throws(SIPParseError) -> NameAddress in
                    try NameAddress.parse(buf, 0..<buf.count, header: "Contact")
                })
            }
            return .addresses(addresses)
        }
    }

    static func request(contactLines: [String]) throws -> SIPRequest {
        var headers = SIPHeaders([
            ("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1"), ("From", "<sip:a@example.com>;tag=1"),
            ("To", "<sip:a@example.com>"), ("Call-ID", "c1"), ("CSeq", "1 REGISTER"),
        ])
        for line in contactLines { headers.add("Contact", line) }
        return try SIPRequest(method: .register, uri: try SIPURI.parse("sip:example.com"), headers: headers)
    }

    func assertSameContacts(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let request = try Self.request(contactLines: lines)
        let fast = Result { () throws(SIPParseError) -> ContactList in try request.contacts() }
        let reference = Self.referenceContacts(request)
        switch (fast, reference) {
        case (.success(let a), .success(let b)):
            XCTAssertEqual(a, b, "\(lines)", file: file, line: line)
        case (.failure(let a), .failure(let b)):
            XCTAssertEqual(a.kind, b.kind, "\(lines)", file: file, line: line)
            XCTAssertEqual(a.detail, b.detail, "\(lines)", file: file, line: line)
            XCTAssertEqual(a.header, b.header, "\(lines)", file: file, line: line)
        default:
            XCTFail("\(lines): fast \(fast), reference \(reference)", file: file, line: line)
        }
    }

    func testContactsMatchTheFormerParserOnEdgeCases() throws {
        let cases: [[String]] = [
            [], ["*"], ["* ;expires=0"], ["*;expires=0", "<sip:a@b>"], ["<sip:a@b>", "*"], ["*, *"], ["*,"],
            [""], [","], ["<sip:a@b>,"], [",<sip:a@b>"], ["<sip:a@b>,,<sip:c@d>"], ["<sip:a@b>", ""],
            ["\"x, y\" <sip:a@b>;q=0.5, <sip:c@d>;expires=60"], ["<sip:a@b;lr,x>"], ["\"unterminated <sip:a@b>"],
            ["<sip:a@b"], ["sip:a@b, sip:c@d;q=1"], ["sip:a@b?x=y"], ["Bell, Alexander <sip:a@b>"],
            ["<sip:a@b>;+sip.instance=\"<urn:uuid:1,2>\";reg-id=1"], ["*x"], ["* garbage"], ["<sip:a@b> junk"],
            ["<>"], ["<sip:a@b>;=1"], ["<sip:a@b>;q="], ["\"\\\"quoted\\\\\" <sip:a@b>"], ["<sip:a@[::1]:5060>"],
        ]
        for lines in cases { try assertSameContacts(lines) }
    }

    func testContactsMatchTheFormerParserOnGeneratedLines() throws {
        let pieces = [
            "*", ",", " ", ";", "=", "\"", "\\", "<", ">", "sip:", "a", "@", "b.example", ":5060", "<sip:a@b>",
            ";expires=0", ";q=0.7", ";+sip.instance=\"<urn:uuid:x>\"", "\"Al, B\" ", "tel:+1", "%41", "?h=v", "\t",
        ]
        var generator = Generator(state: 4475)
        for _ in 0..<3000 {
            var lines: [String] = []
            for _ in 0..<Int(generator.next() % 3 + 1) {
                var line = ""
                for _ in 0..<Int(generator.next() % 8) { line += generator.pick(pieces) }
                lines.append(line.trimmingCharacters(in: .whitespaces))
            }
            try assertSameContacts(lines)
        }
    }

    // MARK: - quote and sanitizing

    /// The former `SIPGrammar.quote`.
    static func referenceQuote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"", "\\":
                out.append("\\")
                out.unicodeScalars.append(scalar)
            case "\r", "\n":
                continue
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.append("\"")
        return out
    }

    /// The former `SIPSerializer.appendSanitized`.
    static func referenceSanitized(_ text: String) -> [UInt8] {
        text.utf8.map { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F ? 0x20 : $0 }
    }

    static let awkward = ["", "plain", "a\"b", "back\\slash", "cr\rlf\nboth\r\n", "tab\there", "nul\u{0}", "del\u{7F}",
                          "é ünïcødé", "\u{1F600}", "\u{2028}", "sip:a@b;x=\"y\""]

    func testQuoteMatchesTheFormerCode() {
        var generator = Generator(state: 3261)
        var inputs = Self.awkward
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 6) { text += generator.pick(Self.awkward) }
            inputs.append(text)
        }
        for text in inputs { XCTAssertEqual(SIPGrammar.quote(text), Self.referenceQuote(text), text.debugDescription) }
    }

    func testChallengeHeaderValueMatchesTheFormerCode() {
        var generator = Generator(state: 2617)
        for _ in 0..<500 {
            let realm = generator.pick(Self.awkward) + generator.pick(Self.awkward)
            let nonce = generator.pick(Self.awkward)
            let opaque = generator.next() % 2 == 0 ? nil : generator.pick(Self.awkward)
            let qop = generator.next() % 3 == 0 ? nil : "auth"
            let stale = generator.next() % 2 == 0
            let challenge = DigestChallenge(realm: realm, nonce: nonce, algorithm: .md5, qop: qop, stale: stale, opaque: opaque)
            // The former `headerValue`: string concatenation of quoted pieces.
            var expected = "Digest realm=" + Self.referenceQuote(realm) + ", nonce=" + Self.referenceQuote(nonce)
            if let opaque { expected += ", opaque=" + Self.referenceQuote(opaque) }
            expected += ", algorithm=MD5"
            if let qop { expected += ", qop=" + Self.referenceQuote(qop) }
            if stale { expected += ", stale=true" }
            XCTAssertEqual(challenge.headerValue, expected)
            // Written straight into a response's headers, it reads back the same.
            var headers = SIPHeaders()
            headers.add("Via", "SIP/2.0/UDP a")
            headers.add("WWW-Authenticate") { challenge.appendHeaderValue(to: &$0) }
            headers.add("Contact", "<sip:b>")
            XCTAssertEqual(headers.values("WWW-Authenticate"), [expected])
            XCTAssertEqual(headers.values("Contact"), ["<sip:b>"], "the next line starts where the written value ends")
        }
    }

    func testDecimalsMatchStringConversion() {
        var generator = Generator(state: 10)
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 3600, Int64.max, Int64.min, Int64.min + 1]
        for _ in 0..<2000 { values.append(Int64(bitPattern: generator.next()) >> (generator.next() % 64)) }
        for value in values {
            var out: [UInt8] = [0x41]
            SIPHeaders.appendDecimal(value, to: &out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "A" + String(value))
        }
    }

    func testSanitizingMatchesTheFormerCode() {
        var generator = Generator(state: 5626)
        var inputs = Self.awkward
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int(generator.next() % 6) { text += generator.pick(Self.awkward) }
            inputs.append(text)
        }
        inputs.append(String(Substring("xx\r\nInjected: yes".dropFirst())))
        for text in inputs {
            var out: [UInt8] = [0x41]
            SIPSerializer.appendSanitized(text, to: &out)
            XCTAssertEqual(out, [0x41] + Self.referenceSanitized(text), text.debugDescription)
            XCTAssertFalse(out.contains(13) || out.contains(10), "no line break survives: \(text.debugDescription)")
        }
    }

    // MARK: - Via, hex

    func testViaTransportCaseAndParametersRoundTrip() throws {
        let via = try Via.parse("sip / 2.0 / udp Host.Example:5060 ;branch=z9hG4bKx;rport;received=192.0.2.1")
        XCTAssertEqual(via.protocolName, "sip")
        XCTAssertEqual(via.transport, "UDP")
        XCTAssertEqual(via.host, "host.example")
        XCTAssertEqual(via.description, "sip/2.0/UDP host.example:5060;branch=z9hG4bKx;rport;received=192.0.2.1")
        XCTAssertEqual(try Via.parse("SIP/2.0/TcP h").transport, "TCP")
        XCTAssertEqual(try Via.parse("SIP/2.0/UDP h").description, "SIP/2.0/UDP h")
        for bad in ["SIP/2.0 h", "SIP/2.0/UDPh", "SIP//UDP h", "SIP/2.0/", "/2.0/UDP h", "SIP/2.0/UDP"] {
            XCTAssertThrowsError(try Via.parse(bad), bad)
        }
    }

    func testHexOfRawBytesMatchesTheSequenceForm() {
        var generator = Generator(state: 7616)
        for count in [0, 1, 16, 32, 33] {
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            XCTAssertEqual(bytes.withUnsafeBytes { Hex.encode($0) }, Hex.encode(bytes))
        }
        XCTAssertEqual([UInt8]([0x00, 0x0f, 0xa0, 0xff]).withUnsafeBytes { Hex.encode($0) }, "000fa0ff")
    }

    // MARK: - auth-params

    func testAuthParametersFindDuplicatesAmongFewAndMany() throws {
        let head = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"00\""
        let many = (1...40).map { ", x\($0)=\($0)" }.joined()
        let parsed = try XCTUnwrap(try DigestCredentials.parse(headerValue: Substring(head + many + ", cnonce=\"late\", NC=0000000a")))
        XCTAssertEqual(parsed.username, "u")
        XCTAssertEqual(parsed.cnonce, "late", "found past the linear part")
        XCTAssertEqual(parsed.nonceCount, 10)
        for (text, name) in [(head + ", Username=\"v\"", "username"), (head + many + ", X7=1", "x7"), (head + many + ", nonce=m", "nonce")] {
            XCTAssertThrowsError(try DigestCredentials.parse(headerValue: Substring(text)), name) { error in
                let error = error as? SIPParseError
                XCTAssertEqual(error?.kind, .invalidCredentials)
                XCTAssertEqual(error?.detail, "parameter \(name) appears twice")
            }
        }
        XCTAssertThrowsError(try DigestCredentials.parse(headerValue: Substring(head.replacingOccurrences(of: ", uri=\"sip:x\"", with: "") + many))) { error in
            XCTAssertEqual((error as? SIPParseError)?.detail, "Digest credentials lack uri")
        }
    }

    // MARK: - header names compared by length first

    func testHeaderNamesMatchWhateverTheirSpellingAndLength() throws {
        var headers = SIPHeaders([("v", "SIP/2.0/UDP h;branch=z9hG4bK1"), ("FROM", "<sip:a@b>;tag=1"), ("t", "<sip:a@b>"),
                                  ("call-id", "c"), ("cseq", "1 REGISTER"), ("CONTENT-length", "99"), ("X-Via", "not a via")])
        XCTAssertEqual(headers.first("Content-Length"), "99")
        XCTAssertEqual(headers.lines("via"), ["SIP/2.0/UDP h;branch=z9hG4bK1"], "X-Via is not Via")
        let request = try SIPRequest(method: .register, uri: try SIPURI.parse("sip:b"), headers: headers)
        XCTAssertEqual(request.via.count, 1)
        let wire = String(decoding: request.serialize(), as: UTF8.self)
        XCTAssertTrue(wire.contains("\r\nContent-Length: 0\r\nX-Via: not a via\r\n\r\n"), "the stale length is replaced in place: \(wire)")
        XCTAssertFalse(wire.contains("99"), wire)
        headers.add("f", "<sip:c@d>;tag=2")
        XCTAssertThrowsError(try SIPRequest(method: .register, uri: try SIPURI.parse("sip:b"), headers: headers)) { error in
            XCTAssertEqual((error as? SIPParseError)?.kind, .duplicateHeader)
            XCTAssertEqual((error as? SIPParseError)?.header, "From")
        }
    }
}
