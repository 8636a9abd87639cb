@testable import SIPCore
import Foundation
import XCTest

/// Header values kept as bytes (`SIPHeaders`' buffer) against the `String` form they had
/// before: parsing, equality, serializing and echoing must give what the strings gave, over
/// fixed cases and the RFC 4475 torture corpus; and the generated header-name `switch`
/// against the table it was generated from.
final class ByteHeadersTests: XCTestCase {
    /// The headers rebuilt from their `String` values (what the parser used to store).
    static func fromStrings(_ headers: SIPHeaders) -> SIPHeaders {
        var rebuilt = SIPHeaders()
        for field in headers.fields { rebuilt.add(field.name, field.value) }
        return rebuilt
    }

    /// The former `SIPResponse.reply`: every value copied as a `String`.
    static func referenceReply(to request: SIPRequest, statusCode: Int, toTag: String?) -> SIPResponse {
        var headers = SIPHeaders()
        for value in request.headers.lines("Via") { headers.appendCanonical("Via", value) }
        headers.appendCanonical("From", request.headers.first("From") ?? request.from.description)
        var to = request.headers.first("To") ?? request.to.description
        if let toTag, request.to.tag == nil { to += ";tag=" + toTag }
        headers.appendCanonical("To", to)
        headers.appendCanonical("Call-ID", request.callID)
        headers.appendCanonical("CSeq", request.headers.first("CSeq") ?? request.cseq.description)
        return SIPResponse(statusCode: statusCode, headers: headers)
    }

    func testParsedHeadersEqualTheirStringForm() throws {
        let bytes = TestMessages.wire([
            "REGISTER sip:example.com SIP/2.0",
            "v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1",
            "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bK-2, SIP/2.0/TCP 192.0.2.3;branch=z9hG4bK-3",
            "f: \"Alice\" <sip:alice@example.com>;tag=88",
            "To:   <sip:alice@example.com>  ",
            "i: a84b4c76e66710",
            "CSeq: 314159 REGISTER",
            "X-Thing: one",
            "x-thing: two",
            "Subject: folded",
            "  across\t",
            " \tthree lines",
            "Contact: <sip:alice@192.0.2.1>;expires=60",
            "l: 0",
        ])
        let request = try TestMessages.request(bytes)
        let rebuilt = Self.fromStrings(request.headers)
        XCTAssertEqual(request.headers, rebuilt)
        XCTAssertEqual(request.headers.hashValue, rebuilt.hashValue)
        XCTAssertEqual(request.headers.map(\.name), [
            "Via", "Via", "From", "To", "Call-ID", "CSeq", "X-Thing", "X-Thing", "Subject", "Contact", "Content-Length",
        ])
        XCTAssertEqual(request.headers.first("Subject"), "folded across three lines")
        XCTAssertEqual(request.headers.first("To"), "<sip:alice@example.com>")
        XCTAssertEqual(request.headers.values("x-THING"), ["one", "two"])
        XCTAssertEqual(request.headers.values("Via").count, 3)
        XCTAssertEqual(request.serialize(), try SIPRequest(method: request.method, uri: request.uri, headers: rebuilt).serialize())
        var changed = rebuilt
        changed.set("X-Thing", "other")
        XCTAssertNotEqual(request.headers, changed)
    }

    func testSetAndRemoveAfterParsing() throws {
        var headers = try TestMessages.request(TestMessages.register()).headers
        let count = headers.count
        headers.set("Expires", "120")
        headers.set("Expires", "30")
        XCTAssertEqual(headers.lines("Expires"), ["30"])
        headers.remove("Expires")
        XCTAssertNil(headers.first("Expires"))
        XCTAssertFalse(headers.contains("Expires"))
        XCTAssertLessThanOrEqual(headers.count, count)
        XCTAssertNotNil(headers.first("Call-ID"))
    }

    func testCopyingAValueKeepsItsBytes() throws {
        let request = try TestMessages.request(TestMessages.register())
        var headers = SIPHeaders()
        XCTAssertTrue(headers.add("t", copyingFirst: "to", of: request.headers, appending: ";tag=x"))
        XCTAssertFalse(headers.add("Route", copyingFirst: "Route", of: request.headers))
        XCTAssertEqual(headers.map(\.name), ["To"])
        XCTAssertEqual(headers.first("To"), (request.headers.first("To") ?? "") + ";tag=x")
    }

    func testInvalidUTF8IsRepairedOnTheWireAsBefore() throws {
        var bytes = TestMessages.register()
        // A User-Agent with a stray 0xFF and a valid é: written as U+FFFD and é, as the String was.
        let marker = Array("User-Agent: ".utf8)
        let extra = marker + [0x58, 0xFF, 0x59, 0xC3, 0xA9, 0x0D, 0x0A]
        let index = try XCTUnwrap(bytes.firstIndex(of: 0x0A)) + 1
        bytes.insert(contentsOf: extra, at: index)
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.userAgent, "X\u{FFFD}Yé")
        let wire = request.serialize()
        let reference = try SIPRequest(method: request.method, uri: request.uri, headers: Self.fromStrings(request.headers)).serialize()
        XCTAssertEqual(wire, reference)
        XCTAssertNotNil(String(bytes: wire, encoding: .utf8), "the repaired message is valid UTF-8")
    }

    func testRepliesEqualTheStringBuiltOnes() throws {
        for tag in [nil, "abc"] as [String?] {
            let request = try TestMessages.request(TestMessages.register())
            let reply = SIPResponse.reply(to: request, statusCode: 200, toTag: tag)
            XCTAssertEqual(reply, Self.referenceReply(to: request, statusCode: 200, toTag: tag))
            XCTAssertEqual(reply.serialize(), Self.referenceReply(to: request, statusCode: 200, toTag: tag).serialize())
        }
    }

    /// Every message of the RFC 4475 corpus that parses: its headers equal their String form,
    /// it serializes to the same bytes, and a reply to it is the one Strings built.
    func testTortureCorpusSerializesAsTheStringForm() throws {
        let directory = RFC4475CorpusTests.corpusDirectory()
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw XCTSkip("RFC 4475 corpus not found at \(directory.path); skipped (it exists in CI)")
        }
        var checked = 0
        for file in files.sorted() where file.hasSuffix(".dat") {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
            guard let message = try? SIPParser.parse(bytes) else { continue }
            switch message {
            case .request(let request):
                let rebuilt = Self.fromStrings(request.headers)
                XCTAssertEqual(request.headers, rebuilt, file)
                XCTAssertEqual(request.serialize(),
                               try SIPRequest(method: request.method, uri: request.uri, headers: rebuilt, body: request.body).serialize(), file)
                XCTAssertEqual(SIPResponse.reply(to: request, statusCode: 400, toTag: "t").serialize(),
                               Self.referenceReply(to: request, statusCode: 400, toTag: "t").serialize(), file)
            case .response(let response):
                XCTAssertEqual(response.serialize(),
                               SIPResponse(statusCode: response.statusCode, reasonPhrase: response.reasonPhrase,
                                           headers: Self.fromStrings(response.headers), body: response.body).serialize(), file)
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }

    func testJoinedValuesEqualValuesJoined() {
        let cases: [[(String, String)]] = [
            [], [("Via", "SIP/2.0/UDP a;branch=z9hG4bK1")], [("Via", "")], [("Via", " x ")], [("Via", "a,b")], [("Via", "a, b ,,c")],
            [("Via", "a"), ("Via", "b")], [("User-Agent", "Phone, v1")], [("User-Agent", "a"), ("User-Agent", "b")],
            [("Contact", "\"x,y\" <sip:a@b>")], [("To", "t")],
        ]
        for pairs in cases {
            let headers = SIPHeaders(pairs)
            for name in ["Via", "v", "User-Agent", "Contact", "Route"] {
                XCTAssertEqual(headers.joinedValues(name, separator: ", "), headers.values(name).joined(separator: ", "), "\(pairs) \(name)")
            }
        }
    }

    // MARK: - Byte scans and keys

    func testPrintableASCIIScanMatchesTheByteRule() {
        // Every byte value at every position of a 19-byte value (words and the tail).
        for position in 0..<19 {
            for byte in 0...255 {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 19)
                bytes[position] = UInt8(byte)
                let expected = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
                bytes.withUnsafeBufferPointer { buf in
                    XCTAssertEqual(SIPSerializer.isPrintableASCII(buf, 0..<19), expected, "byte \(byte) at \(position)")
                    XCTAssertEqual(SIPSerializer.isPrintableASCII(buf, position..<19), expected, "byte \(byte) from \(position)")
                }
            }
        }
    }

    /// The former `SIPURI.comparisonKey`, built by String concatenation.
    static func referenceComparisonKey(_ uri: SIPURI) -> String {
        if let opaque = uri.opaque { return uri.scheme + ":" + opaque }
        var out = uri.scheme + ":"
        PercentCoding.encode(uri.user ?? "", allowed: .unreserved, into: &out)
        if let password = uri.password {
            out += ":"
            PercentCoding.encode(password, allowed: .unreserved, into: &out)
        }
        out += "@"
        out += uri.host
        if let port = uri.port { out += ":" + String(port) }
        let params = uri.parameters.map { p -> String in
            var item = PercentCoding.encode(SIPGrammar.lowercased(p.name), allowed: .unreserved)
            if let value = p.value {
                item += "=" + PercentCoding.encode(SIPGrammar.lowercased(value), allowed: .unreserved)
            }
            return item
        }.sorted()
        for item in params { out += ";" + item }
        let headerItems = uri.headers.map {
            PercentCoding.encode(SIPGrammar.lowercased($0.name), allowed: .uriHeader) + "="
                + PercentCoding.encode(SIPGrammar.lowercased($0.value), allowed: .uriHeader)
        }.sorted()
        if !headerItems.isEmpty { out += "?" + headerItems.joined(separator: "&") }
        return out
    }

    func testComparisonKeyMatchesTheStringBuiltOne() throws {
        let fixed = [
            "sip:alice@example.com", "sip:Alice@Example.COM:5060;Transport=UDP", "sips:a:pw@[2001:db8::1]:5061;lr;maddr=X",
            "sip:%41lice@h;b=2;a=1;A=0;c", "sip:u@h;x=%E2%82%AC;y=%c3%a9", "sip:u@h?Subject=Hi&priority=Urgent",
            "tel:+1-201-555-0123;phone-context=Example", "urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF", "sip:h",
            "sip:100000@127.0.0.1:5191;transport=UDP",
        ]
        for text in fixed {
            let uri = try SIPURI.parse(text)
            XCTAssertEqual(uri.comparisonKey, Self.referenceComparisonKey(uri), text)
        }
        var generator = FastPathEquivalenceTests.Generator(state: 19_1_4)
        let pieces = ["a", "B", "%41", "%e9", "1", "-", "_", ".", "~", "!", "Zz"]
        let names = ["transport", "LR", "x", "Maddr", "user", "ttl", "a-b", "%61", "q"]
        var checked = 0
        for _ in 0..<3000 {
            var text = generator.pick(["sip:", "sips:", "SIP:"])
            text += (0..<(1 + Int(generator.next() % 4))).map { _ in generator.pick(pieces) }.joined() + "@"
            text += generator.pick(["Host.Example", "192.0.2.1", "[::1]", "h"])
            if generator.next() % 2 == 0 { text += ":" + String(generator.next() % 65536) }
            for _ in 0..<Int(generator.next() % 4) {
                text += ";" + generator.pick(names)
                if generator.next() % 3 != 0 { text += "=" + generator.pick(pieces) + generator.pick(pieces) }
            }
            guard let uri = try? SIPURI.parse(text) else { continue }
            XCTAssertEqual(uri.comparisonKey, Self.referenceComparisonKey(uri), text)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1000)
    }

    // MARK: - Header names

    func testHeaderNameSwitchMatchesTheTable() {
        func both(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
            var text = text
            text.withUTF8 { buf in
                XCTAssertEqual(HeaderNameTable.canonical(buf, 0..<buf.count), HeaderNameTable.canonicalByTable(buf, 0..<buf.count),
                               "'\(String(decoding: buf, as: UTF8.self))'", file: file, line: line)
            }
        }
        let names = HeaderNameTable.knownNames
        XCTAssertEqual(names.count, 64)
        for name in names {
            var exact = name
            exact.withUTF8 { XCTAssertEqual(HeaderNameTable.canonical($0, 0..<$0.count), name) }
            both(name.lowercased())
            both(name.uppercased())
            both(String(name.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.lowercased()) : Character($0.element.uppercased()) }))
            both(name + "x")
            both(String(name.dropLast()))
            let characters = Array(name)
            for position in characters.indices {
                var mutated = characters
                mutated[position] = mutated[position] == "q" ? "z" : "q"
                both(String(mutated))
            }
        }
        for letter in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.!" { both(String(letter)) }
        var generator = FastPathEquivalenceTests.Generator(state: 4475)
        let alphabet = Array("acdefiklmnoprstuvwxy-ACEFITV")
        for _ in 0..<20_000 {
            let length = 1 + Int(generator.next() % 20)
            both(String((0..<length).map { _ in generator.pick(alphabet) }))
        }
    }
}
