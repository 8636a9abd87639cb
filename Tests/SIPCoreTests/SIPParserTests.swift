import SIPCore
import XCTest

/// The message parser against our own torture messages, one per RFC 4475 category and more.
final class SIPParserTests: XCTestCase {
    func testParsesAWellFormedRegister() throws {
        let request = try TestMessages.request(TestMessages.register())
        XCTAssertEqual(request.method, .register)
        XCTAssertEqual(request.uri.description, "sip:example.com")
        XCTAssertEqual(request.version, "SIP/2.0")
        XCTAssertEqual(request.via.count, 1)
        XCTAssertEqual(request.via[0].host, "192.0.2.10")
        XCTAssertEqual(request.via[0].port, 5060)
        XCTAssertEqual(request.via[0].branch, "z9hG4bK776asdhds")
        XCTAssertTrue(request.via[0].hasRport)
        XCTAssertEqual(request.from.tag, "1928301774")
        XCTAssertEqual(request.to.uri.addressOfRecord, "sip:alice@example.com")
        XCTAssertEqual(request.callID, "a84b4c76e66710@pc33.example.com")
        XCTAssertEqual(request.cseq, CSeq(number: 314159, method: .register))
        XCTAssertEqual(request.maxForwards, 70)
        XCTAssertEqual(request.userAgent, "TestPhone/1.0")
        XCTAssertEqual(request.body, [])
        guard case .addresses(let contacts) = try request.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(contacts.count, 1)
        XCTAssertEqual(contacts[0].parameters["expires"], .some("3600"))
        XCTAssertEqual(contacts[0].parameters.unquoted("+sip.instance"), "<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>")
    }

    func testUnsafeRawBufferEntryPointMatchesArrayEntryPoint() throws {
        let bytes = TestMessages.register()
        let viaArray = try SIPParser.parse(bytes)
        let viaPointer = try bytes.withUnsafeBytes { try SIPParser.parse($0) }
        XCTAssertEqual(viaArray, viaPointer)
    }

    func testLeadingLineEndsAreSkipped() throws {
        let request = try TestMessages.request(Array("\r\n\r\n\n".utf8) + TestMessages.register())
        XCTAssertEqual(request.method, .register)
    }

    func testFoldedHeadersAreUnfolded() throws {
        let bytes = TestMessages.register(
            replacing: ["Call-ID": "Call-ID:\r\n   folded-call-id@host", "CSeq": "CSeq: 7\r\n\tREGISTER"],
            extra: ["Subject: first part\r\n  second part\r\n\t third part"]
        )
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.callID, "folded-call-id@host")
        XCTAssertEqual(request.cseq.number, 7)
        XCTAssertEqual(request.headers.first("Subject"), "first part second part third part")
    }

    func testCompactFormsAndOddSpacingAroundColons() throws {
        let bytes = TestMessages.wire([
            "REGISTER sip:example.com SIP/2.0",
            "v  : SIP/2.0/TCP client.example.com;branch=z9hG4bKabc",
            "t:<sip:bob@example.com>",
            "f :<sip:bob@example.com>;tag=x",
            "i:compact@host",
            "CSEQ: 1 REGISTER",
            "m: <sip:bob@client.example.com>",
            "l: 0",
        ])
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.via.first?.transport, "TCP")
        XCTAssertEqual(request.callID, "compact@host")
        XCTAssertEqual(request.headers.first("Contact"), "<sip:bob@client.example.com>")
        XCTAssertEqual(Array(request.headers.map(\.name)), ["Via", "To", "From", "Call-ID", "CSeq", "Contact", "Content-Length"])
    }

    func testBareLineFeedsAreAccepted() throws {
        let text = String(decoding: TestMessages.register(), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let request = try TestMessages.request(Array(text.utf8))
        XCTAssertEqual(request.callID, "a84b4c76e66710@pc33.example.com")
    }

    func testEscapedNullInUserIsKept() throws {
        let bytes = TestMessages.register(replacing: ["To:": "To: <sip:null-%00-null@example.com>"])
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.to.uri.user, "null-\u{0}-null")
        XCTAssertEqual(request.to.uri.addressOfRecord, "sip:null-%00-null@example.com")
    }

    func testLongValuesAreNotTruncated() throws {
        let longUser = String(repeating: "u", count: 3000)
        let longValue = String(repeating: "x", count: 5000)
        let bytes = TestMessages.register(replacing: ["To:": "To: <sip:\(longUser)@example.com>"], extra: ["X-Long: \(longValue)"])
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.to.uri.user?.count, 3000)
        XCTAssertEqual(request.headers.first("X-Long")?.count, 5000)
    }

    func testDatagramOctetsPastContentLengthAreIgnored() throws {
        let trailing = Array("INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP x\r\n\r\n".utf8)
        let request = try TestMessages.request(TestMessages.register() + trailing)
        XCTAssertEqual(request.method, .register)
        XCTAssertEqual(request.body, [])
    }

    func testDatagramWithoutContentLengthTakesTheRestAsBody() throws {
        let bytes = TestMessages.register(replacing: ["Content-Length": nil], body: "hello\r\nworld")
        XCTAssertEqual(try TestMessages.request(bytes).body, Array("hello\r\nworld".utf8))
        XCTAssertEqual(TestMessages.error(bytes, isStream: true)?.kind, .missingHeader)
    }

    func testUnterminatedHeaderBlockInADatagramHasNoBody() throws {
        var bytes = TestMessages.register()
        bytes.removeLast(2)  // drop the blank line
        XCTAssertEqual(try TestMessages.request(bytes).body, [])
        XCTAssertEqual(TestMessages.error(bytes, isStream: true)?.kind, .truncatedBody)
    }

    func testBinaryMultipartBodyIsFramedByContentLength() throws {
        var body: [UInt8] = Array("--b\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += [0, 1, 2, 10, 0, 13, 255, 254, 10, 10, 13, 10, 13, 10, 0]
        body += Array("\r\n--b--\r\n".utf8)
        var bytes = Array(String(decoding: TestMessages.register(replacing: ["Content-Length": "Content-Length: \(body.count)"], extra: ["Content-Type: multipart/mixed;boundary=b"]), as: UTF8.self).utf8)
        bytes += body
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.body, body)
        XCTAssertEqual(request.serialize().suffix(body.count), ArraySlice(body))
    }

    func testUnusualAndEmptyReasonPhrases() throws {
        let tail = [
            "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", "To: <sip:a@example.com>;tag=2", "From: <sip:a@example.com>;tag=1",
            "Call-ID: r@h", "CSeq: 1 REGISTER", "Content-Length: 0",
        ]
        for (line, code, reason) in [
            ("SIP/2.0 200 = 2**3 * 5**2 но сто", 200, "= 2**3 * 5**2 но сто"),
            ("SIP/2.0 100 ", 100, ""),
            ("SIP/2.0 180", 180, ""),
            ("sip/2.0 486 Busy  Here ", 486, "Busy  Here "),
        ] {
            guard case .response(let response) = try SIPParser.parse(TestMessages.wire([line] + tail)) else {
                return XCTFail("not a response: \(line)")
            }
            XCTAssertEqual(response.statusCode, code)
            XCTAssertEqual(response.reasonPhrase, reason)
            XCTAssertEqual(response.cseq, CSeq(number: 1, method: .register))
        }
    }

    func testBadStatusCodesAreRejected() {
        let tail = ["Via: SIP/2.0/UDP h;branch=z9hG4bK1", "To: <sip:a@b>", "From: <sip:a@b>;tag=1", "Call-ID: c", "CSeq: 1 INVITE", "Content-Length: 0"]
        for line in ["SIP/2.0 4294967301 big", "SIP/2.0 99 low", "SIP/2.0 700 high", "SIP/2.0 2OO OK", "SIP/2.0 20 OK", "SIP/2.0"] {
            let error = TestMessages.error(TestMessages.wire([line] + tail))
            XCTAssertEqual(error?.kind, .malformedStartLine, line)
            XCTAssertNil(error?.responseContext, "responses are never answered")
        }
    }

    func testExtraneousSeparatorsAreRejected() {
        XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["Via": "Via: SIP/2.0/UDP 192.0.2.15;;,;,,"]))?.kind, .malformedHeader)
        XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["Via": "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bK1,"]))?.kind, .malformedHeader)
        let request = try? TestMessages.request(TestMessages.register(replacing: ["Contact": "Contact: \"Joe\" <sip:joe@example.org>;;;;"]))
        XCTAssertThrowsError(try request?.contacts()) { XCTAssertEqual(($0 as? SIPParseError)?.kind, .malformedHeader) }
    }

    func testContentLengthErrors() {
        let cases: [(String, SIPParseError.Kind)] = [
            ("Content-Length: 9999", .truncatedBody),
            ("Content-Length: -999", .invalidContentLength),
            ("Content-Length: 99999999999999999999999999", .invalidContentLength),
            ("Content-Length: 65537", .invalidContentLength),
            ("Content-Length: 1 2", .invalidContentLength),
            ("Content-Length: ", .invalidContentLength),
            ("Content-Length: 0x10", .invalidContentLength),
        ]
        for (line, kind) in cases {
            let error = TestMessages.error(TestMessages.register(replacing: ["Content-Length": line]))
            XCTAssertEqual(error?.kind, kind, line)
            XCTAssertEqual(error?.header, "Content-Length", line)
            XCTAssertNotNil(error?.responseContext, line)
        }
        let twice = TestMessages.register(extra: ["l: 0"])
        XCTAssertEqual(TestMessages.error(twice)?.kind, .duplicateHeader)
    }

    func testOverlargeScalars() {
        let cseq = TestMessages.error(TestMessages.register(replacing: ["CSeq": "CSeq: 36893488147419103232 REGISTER"]))
        XCTAssertEqual(cseq?.kind, .valueOutOfRange)
        XCTAssertEqual(cseq?.header, "CSeq")
        XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["CSeq": "CSeq: 4294967296 REGISTER"]))?.kind, .valueOutOfRange)
        XCTAssertNil(TestMessages.error(TestMessages.register(replacing: ["CSeq": "CSeq: 4294967295 REGISTER"])))
        XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["Max-Forwards": "Max-Forwards: 300"]))?.kind, .valueOutOfRange)
        XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["Max-Forwards": "Max-Forwards: -1"]))?.kind, .malformedHeader)
        XCTAssertEqual(try TestMessages.request(TestMessages.register(replacing: ["Max-Forwards": "Max-Forwards: 0255"])).maxForwards, 255)
    }

    func testUnterminatedQuoteIsRejected() {
        let error = TestMessages.error(TestMessages.register(replacing: ["To:": "To: \"Mr. J. User <sip:j.user@example.com>"]))
        XCTAssertEqual(error?.kind, .malformedHeader)
        XCTAssertEqual(error?.header, "To")
    }

    func testRequestLineShapes() {
        let cases: [(String, SIPParseError.Kind)] = [
            ("INVITE <sip:user@example.com> SIP/2.0", .invalidURI),
            ("INVITE sip:user@example.com; lr SIP/2.0", .malformedStartLine),
            ("INVITE  sip:user@example.com  SIP/2.0", .malformedStartLine),
            ("OPTIONS sip:user@example.com SIP/2.0  ", .malformedStartLine),
            ("OPTIONS sip:user@example.com SIP/2.0\t", .malformedStartLine),
            ("INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0", .invalidURI),
            ("INVITE sip:user@example.com", .malformedStartLine),
            ("INVITE sip:user@example.com HTTP/1.1", .malformedStartLine),
            ("OPTIONS sip:user@example.com SIP/7.0", .unsupportedVersion),
            ("OPTIONS sip:user@example.com SIP/2.00", .unsupportedVersion),
            ("OPT(ONS sip:user@example.com SIP/2.0", .malformedStartLine),
            (" OPTIONS sip:user@example.com SIP/2.0", .malformedStartLine),
        ]
        for (line, kind) in cases {
            let method = line.split(separator: " ").first.map(String.init) ?? "OPTIONS"
            let bytes = TestMessages.register(requestLine: line, replacing: ["CSeq": "CSeq: 1 \(method)"])
            let error = TestMessages.error(bytes)
            XCTAssertEqual(error?.kind, kind, line)
            XCTAssertNotNil(error?.responseContext, "a 400/505 can still be sent: \(line)")
        }
        XCTAssertEqual(TestMessages.error(TestMessages.register(requestLine: "OPTIONS sip:u@example.com SIP/7.0", replacing: ["CSeq": "CSeq: 1 OPTIONS"]))?.suggestedStatus, 505)
        XCTAssertNoThrow(try TestMessages.request(TestMessages.register(requestLine: "REGISTER sip:example.com sip/2.0")))
    }

    func testBadDateIsIgnored() throws {
        let request = try TestMessages.request(TestMessages.register(extra: ["Date: Fri, 01 Jan 2010 16:00:00 EST"]))
        XCTAssertEqual(request.headers.first("Date"), "Fri, 01 Jan 2010 16:00:00 EST")
    }

    func testNameAddressShapesInToAndFrom() {
        let bad = [
            "To: sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            "To: \"Watson, Thomas\" < sip:t.watson@example.org >",
            "To: sip:user @example.org",
            "To: Watson, Thomas <sip:t.watson@example.org>",
            "To: <sip:a@example.com>, <sip:b@example.com>",
            "To: <sip:a@example.com",
            "To: ",
        ]
        for line in bad {
            let error = TestMessages.error(TestMessages.register(replacing: ["To:": line]))
            XCTAssertNotNil(error, line)
            XCTAssertEqual(error?.header, "To", line)
        }
    }

    func testStartLineAndCSeqMethodsMustMatch() {
        let mismatch = TestMessages.register(replacing: ["CSeq": "CSeq: 1 INVITE"])
        XCTAssertEqual(TestMessages.error(mismatch)?.kind, .cseqMethodMismatch)
        let caseOnly = TestMessages.register(replacing: ["CSeq": "CSeq: 1 register"])
        XCTAssertEqual(TestMessages.error(caseOnly)?.kind, .cseqMethodMismatch)
        let unknown = TestMessages.register(requestLine: "NEWMETHOD sip:example.com SIP/2.0", replacing: ["CSeq": "CSeq: 1 INVITE"])
        XCTAssertEqual(TestMessages.error(unknown)?.kind, .cseqMethodMismatch)
    }

    func testMissingBranchIsAccepted() throws {
        let request = try TestMessages.request(TestMessages.register(replacing: ["Via": "Via: SIP/2.0/UDP 192.0.2.1"]))
        XCTAssertNil(request.via.first?.branch)
        let magicOnly = try TestMessages.request(TestMessages.register(replacing: ["Via": "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK"]))
        XCTAssertEqual(magicOnly.via.first?.branch, "z9hG4bK")
    }

    func testMissingMandatoryHeaders() {
        for header in ["Via", "From", "To:", "Call-ID", "CSeq"] {
            let error = TestMessages.error(TestMessages.register(replacing: [header: nil]))
            XCTAssertEqual(error?.kind, .missingHeader, header)
            XCTAssertEqual(error?.header, header == "To:" ? "To" : header)
            XCTAssertNil(error?.responseContext, "cannot address a reply without \(header)")
        }
        XCTAssertNil(try TestMessages.request(TestMessages.register(replacing: ["Max-Forwards": nil])).maxForwards)
    }

    func testUnknownSchemesParseAsOpaque() throws {
        let request = try TestMessages.request(TestMessages.register(
            requestLine: "OPTIONS nobodyKnowsThisScheme:totallyopaquecontent SIP/2.0",
            replacing: ["CSeq": "CSeq: 1 OPTIONS", "To:": "To: isbn:2983792873", "From": "From: <http://www.example.com>;tag=3"]
        ))
        XCTAssertEqual(request.uri.scheme, "nobodyknowsthisscheme")
        XCTAssertEqual(request.uri.opaque, "totallyopaquecontent")
        XCTAssertEqual(request.to.uri.opaque, "2983792873")
        XCTAssertEqual(request.from.uri.description, "http://www.example.com")
    }

    func testSingleValuedHeadersMayNotRepeat() {
        for extra in ["Call-ID: other@host", "From: <sip:x@y>;tag=2", "To: <sip:x@y>", "CSeq: 2 REGISTER", "Max-Forwards: 5", "i: other@host"] {
            let error = TestMessages.error(TestMessages.register(extra: [extra]))
            XCTAssertEqual(error?.kind, .duplicateHeader, extra)
            XCTAssertNotNil(error?.responseContext, extra)
        }
    }

    func testCallIDMustBeVisibleASCII() throws {
        XCTAssertEqual(try TestMessages.request(TestMessages.register(replacing: ["Call-ID": "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"])).callID,
                       "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{")
        for bad in ["Call-ID: a b", "Call-ID: caf\u{E9}@host", "Call-ID: "] {
            XCTAssertEqual(TestMessages.error(TestMessages.register(replacing: ["Call-ID": bad]))?.header, "Call-ID", bad)
        }
    }

    func testMaxForwardsZeroIsLegal() throws {
        XCTAssertEqual(try TestMessages.request(TestMessages.register(replacing: ["Max-Forwards": "Max-Forwards: 0"])).maxForwards, 0)
    }

    func testContactParameterVersusURIParameter() throws {
        let headerParam = try TestMessages.request(TestMessages.register(replacing: ["Contact": "Contact: sip:+19725552222@gw1.example.net;unknownparam"]))
        guard case .addresses(let a) = try headerParam.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(a[0].uri.description, "sip:+19725552222@gw1.example.net")
        XCTAssertTrue(a[0].parameters.contains("unknownparam"))
        let uriParam = try TestMessages.request(TestMessages.register(replacing: ["Contact": "Contact: <sip:+19725552222@gw1.example.net;unknownparam>"]))
        guard case .addresses(let b) = try uriParam.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(b[0].uri.description, "sip:+19725552222@gw1.example.net;unknownparam")
        XCTAssertFalse(b[0].parameters.contains("unknownparam"))
    }

    func testEscapedURIHeaderIsKept() throws {
        let request = try TestMessages.request(TestMessages.register(replacing: ["Contact": "m: <sip:user@example.com?Route=%3Csip:sip.example.com%3E>"]))
        guard case .addresses(let contacts) = try request.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(contacts[0].uri.headers.first?.value, "<sip:sip.example.com>")
        XCTAssertEqual(contacts[0].uri.description, "sip:user@example.com?Route=%3Csip:sip.example.com%3E")
    }

    func testIPv6References() throws {
        let request = try TestMessages.request(TestMessages.register(
            requestLine: "REGISTER sip:[2001:DB8::1] SIP/2.0",
            replacing: ["Via": "Via: SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKv6;received=2001:db8::99;rport=5071",
                        "Contact": "Contact: <sip:alice@[2001:db8::9]:5070;transport=udp>"]
        ))
        XCTAssertEqual(request.uri.host, "[2001:db8::1]")
        XCTAssertEqual(request.via[0].host, "[2001:db8::9]")
        XCTAssertEqual(request.via[0].port, 5070)
        XCTAssertEqual(request.via[0].received, "2001:db8::99")
        XCTAssertEqual(request.via[0].rport, 5071)
        guard case .addresses(let contacts) = try request.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(contacts[0].uri.host, "[2001:db8::9]")
        XCTAssertEqual(contacts[0].uri.port, 5070)
    }

    func testLimits() {
        var limits = SIPParserLimits.default
        limits.maxMessageSize = 200
        XCTAssertEqual((try? SIPParser.parse(TestMessages.register(), limits: limits)).map { _ in "ok" } ?? "error", "error")
        do {
            _ = try SIPParser.parse(TestMessages.register(), limits: limits)
        } catch {
            XCTAssertEqual(error.kind, .messageTooLarge)
        }
        limits = .default
        limits.maxHeaders = 5
        XCTAssertThrowsError(try SIPParser.parse(TestMessages.register(), limits: limits)) {
            XCTAssertEqual(($0 as? SIPParseError)?.kind, .tooManyHeaders)
        }
        limits = .default
        limits.maxHeaderLength = 100
        XCTAssertThrowsError(try SIPParser.parse(TestMessages.register(extra: ["X-Big: " + String(repeating: "b", count: 101)]), limits: limits)) {
            XCTAssertEqual(($0 as? SIPParseError)?.kind, .headerTooLong)
        }
    }

    func testGarbageIsATypedError() {
        let inputs: [[UInt8]] = [
            [], Array("\r\n\r\n".utf8), Array("REGISTER".utf8), Array("garbage\r\n\r\n".utf8), [0, 0, 0, 0],
            Array(repeating: 0xFF, count: 100), Array("SIP/2.0 200 OK".utf8),
        ]
        for input in inputs {
            XCTAssertNotNil(TestMessages.error(input), "\(input.prefix(20))")
        }
    }

    func testHeaderLineWithoutColonAndBareCR() {
        XCTAssertEqual(TestMessages.error(TestMessages.register(extra: ["Foobar roobar"]))?.kind, .malformedHeader)
        XCTAssertEqual(TestMessages.error(TestMessages.register(extra: ["X-Evil: a\rb"]))?.kind, .malformedHeader)
        XCTAssertEqual(TestMessages.error(TestMessages.register(extra: ["Bad Name: x"]))?.kind, .malformedHeader)
    }

    /// Line ends are found eight bytes at a time: every length and CR position must still work.
    func testLineEndsAtEveryAlignment() throws {
        for length in 0..<40 {
            let value = String(repeating: "x", count: length)
            let request = try TestMessages.request(TestMessages.register(extra: ["X-Pad: \(value)"]))
            XCTAssertEqual(request.headers.first("X-Pad"), value)
            if length > 0 {
                for crAt in 0..<length {
                    var chars = Array(value)
                    chars[crAt] = "\r"
                    let error = TestMessages.error(TestMessages.register(extra: ["X-Pad: " + String(chars)]))
                    XCTAssertEqual(error?.kind, .malformedHeader, "bare CR at \(crAt) of \(length)")
                }
            }
            let lfOnly = String(decoding: TestMessages.register(extra: ["X-Pad: \(value)"]), as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            XCTAssertEqual(try TestMessages.request(Array(lfOnly.utf8)).headers.first("X-Pad"), value)
        }
    }

    func testInvalidUTF8InValuesIsRepairedNotFatal() throws {
        var bytes = TestMessages.register(replacing: ["User-Agent": "User-Agent: X"])
        let marker = Array("User-Agent: X".utf8)
        let at = try XCTUnwrap(bytes.indices.first { Array(bytes[$0..<min($0 + marker.count, bytes.count)]) == marker })
        bytes.insert(contentsOf: [0xC3, 0x28, 0xFF, 0xFE], at: at + marker.count)
        let request = try TestMessages.request(bytes)
        XCTAssertEqual(request.userAgent?.hasPrefix("X"), true)
        XCTAssertTrue(request.userAgent?.contains("\u{FFFD}") ?? false)
    }

    func testEscapedMethodIsAnExtension() throws {
        let request = try TestMessages.request(TestMessages.register(
            requestLine: "RE%47IST%45R sip:registrar.example.com SIP/2.0",
            replacing: ["CSeq": "CSeq: 1 RE%47IST%45R"], extra: ["C%6Fntact: <sip:alias2@host2.example.com>"]
        ))
        XCTAssertEqual(request.method, .extension("RE%47IST%45R"))
        guard case .addresses(let contacts) = try request.contacts() else { return XCTFail("contacts") }
        XCTAssertEqual(contacts.count, 1, "C%6Fntact is not Contact")
    }

    func testEveryPrefixOfAMessageFailsCleanly() {
        let bytes = TestMessages.register(body: "v=0\r\n")
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            _ = TestMessages.error(prefix)
            _ = TestMessages.error(prefix, isStream: true)
        }
        XCTAssertNil(TestMessages.error(bytes))
    }

    /// Deterministic mutation fuzzing: every outcome must be a value or a typed error.
    func testMutatedMessagesNeverCrash() {
        var rng = SplitMix64(seed: 0x5EED)
        let seeds = [TestMessages.register(body: "v=0\r\n"), TestMessages.wire([
            "SIP/2.0 401 Unauthorized", "Via: SIP/2.0/UDP h;branch=z9hG4bK1", "To: <sip:a@b>;tag=9", "From: <sip:a@b>;tag=1",
            "Call-ID: c", "CSeq: 1 REGISTER", "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"", "Content-Length: 0",
        ])]
        let interesting: [UInt8] = Array(" \t\r\n:;,<>\"\\%@=?&[]*0123456789".utf8) + [0, 0x7F, 0x80, 0xFF]
        var parsed = 0
        for iteration in 0..<4000 {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let position = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 4 {
                case 0: bytes[position] = interesting[Int(rng.next() % UInt64(interesting.count))]
                case 1: bytes.insert(interesting[Int(rng.next() % UInt64(interesting.count))], at: position)
                case 2: bytes.remove(at: position)
                default: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                }
            }
            if let message = try? SIPParser.parse(bytes) {
                parsed += 1
                if case .request(let request) = message {
                    _ = try? request.contacts()
                    _ = try? request.expires()
                    _ = try? request.digestCredentials()
                    _ = request.serialize()
                    _ = SIPResponse.reply(to: request, statusCode: 200, toTag: "t").serialize()
                }
            }
        }
        XCTAssertGreaterThan(parsed, 0, "some mutations are harmless")
    }
}

/// A tiny deterministic PRNG for reproducible fuzzing.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
