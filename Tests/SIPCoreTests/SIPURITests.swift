import SIPCore
import XCTest

final class SIPURITests: XCTestCase {
    func parse(_ text: String) throws -> SIPURI { try SIPURI.parse(Substring(text)) }

    func testParsesAllComponents() throws {
        let uri = try parse("SIPS:Alice:secret@Atlanta.EXAMPLE.com:5061;transport=TCP;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent")
        XCTAssertEqual(uri.scheme, "sips")
        XCTAssertTrue(uri.isSIP)
        XCTAssertEqual(uri.user, "Alice")
        XCTAssertEqual(uri.password, "secret")
        XCTAssertEqual(uri.host, "atlanta.example.com")
        XCTAssertEqual(uri.port, 5061)
        XCTAssertEqual(uri.parameters["transport"], .some("TCP"))
        XCTAssertEqual(uri.parameters["LR"], .some(nil))
        XCTAssertEqual(uri.parameters["maddr"], .some("239.255.255.1"))
        XCTAssertEqual(uri.headers, [SIPURIHeader(name: "subject", value: "project x"), SIPURIHeader(name: "priority", value: "urgent")])
        XCTAssertNil(uri.opaque)
        XCTAssertEqual(uri.description, "sips:Alice:secret@atlanta.example.com:5061;transport=TCP;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent")
    }

    func testHostOnlyAndIPv6() throws {
        let host = try parse("sip:example.com")
        XCTAssertNil(host.user)
        XCTAssertEqual(host.addressOfRecord, "sip:example.com")
        let v6 = try parse("sip:bob@[2001:DB8::1]:5060;transport=udp")
        XCTAssertEqual(v6.host, "[2001:db8::1]")
        XCTAssertEqual(v6.port, 5060)
        XCTAssertEqual(v6.description, "sip:bob@[2001:db8::1]:5060;transport=udp")
        let v6NoPort = try parse("sip:[::1]")
        XCTAssertEqual(v6NoPort.host, "[::1]")
        XCTAssertNil(v6NoPort.port)
    }

    func testEscapesDecodeOnceAndReencode() throws {
        let uri = try parse("sip:sips%3Auser%40example.com@example.net;n%61me=v%61lue%25%34%31")
        XCTAssertEqual(uri.user, "sips:user@example.com")
        XCTAssertEqual(uri.parameters["name"], .some("value%41"))
        XCTAssertEqual(uri.description, "sip:sips%3Auser%40example.com@example.net;name=value%2541")
        let again = try parse(uri.description)
        XCTAssertEqual(again, uri)
        let spaces = try parse("sip:I%20have%20spaces@example.net")
        XCTAssertEqual(spaces.user, "I have spaces")
        XCTAssertEqual(spaces.description, "sip:I%20have%20spaces@example.net")
        XCTAssertEqual(try parse("sip:%75se%72@example.com").description, "sip:user@example.com")
    }

    func testNulInUserIsKept() throws {
        let uri = try parse("sip:null-%00-null@example.com")
        XCTAssertEqual(uri.user, "null-\u{0}-null")
        XCTAssertEqual(Array(uri.user?.utf8 ?? "".utf8), [110, 117, 108, 108, 45, 0, 45, 110, 117, 108, 108])
        XCTAssertEqual(uri.addressOfRecord, "sip:null-%00-null@example.com")
        XCTAssertNotEqual(uri.addressOfRecord, try parse("sip:null-@example.com").addressOfRecord)
    }

    func testEscapedUTF8IsDecoded() throws {
        XCTAssertEqual(try parse("sip:%C3%A9mile@example.com").user, "émile")
        XCTAssertEqual(try parse("sip:%C3%A9mile@example.com").addressOfRecord, "sip:%C3%A9mile@example.com")
    }

    func testUserPartWithSemicolonsAndQuestionMarks() throws {
        let uri = try parse("sip:user;par=u%40example.net@example.com")
        XCTAssertEqual(uri.user, "user;par=u@example.net")
        XCTAssertEqual(uri.host, "example.com")
        XCTAssertTrue(uri.parameters.isEmpty)
        let crazy = try parse("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com")
        XCTAssertEqual(crazy.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        XCTAssertEqual(crazy.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)")
        XCTAssertEqual(try parse(crazy.description), crazy)
    }

    func testTelAndOpaqueSchemes() throws {
        let tel = try parse("tel:+1-201-555-0123;phone-context=example.com")
        XCTAssertEqual(tel.scheme, "tel")
        XCTAssertFalse(tel.isSIP)
        XCTAssertEqual(tel.user, "+1-201-555-0123")
        XCTAssertEqual(tel.parameters["phone-context"], .some("example.com"))
        XCTAssertEqual(tel.description, "tel:+1-201-555-0123;phone-context=example.com")
        XCTAssertEqual(tel.addressOfRecord, "tel:+1-201-555-0123")

        let opaque = try parse("nobodyKnowsThisScheme:totallyopaquecontent")
        XCTAssertEqual(opaque.scheme, "nobodyknowsthisscheme")
        XCTAssertEqual(opaque.opaque, "totallyopaquecontent")
        XCTAssertEqual(opaque.host, "")
        XCTAssertNil(opaque.user)
        XCTAssertEqual(opaque.description, "nobodyknowsthisscheme:totallyopaquecontent")
        XCTAssertEqual(try parse("soap.beep://192.0.2.103:3002").opaque, "//192.0.2.103:3002")
        XCTAssertEqual(try parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6").opaque, "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6")
    }

    func testInvalidURIs() {
        let bad = [
            "", "sip:", "sip:@example.com", "sip:user@", "sip:user@host:", "sip:user@host:65536", "sip:user@host:5o60",
            "sip:user@host;", "sip:user@host;=x", "sip:user@host;a=", "sip:us er@host", "sip:user@ho st", "sip:user@host>",
            "<sip:user@host>", "sip:user%G1@host", "sip:user%4@host", "sip:user@host?", "sip:user@host?noequals",
            "sip:user@[::1", "sip:user@[]", "sip:user@[zz::1]", "1sip:user@host", "nocolon", "http:", "x:a b", "sip:user@host\u{0}",
            "sip:user@host;lr?a=b?c=d", "sip:%FF@host", "sip:%C3@host", "sip:a@host;x=%FE",
        ]
        for text in bad {
            XCTAssertThrowsError(try parse(text), text) { error in
                XCTAssertEqual((error as? SIPParseError)?.kind, .invalidURI, text)
            }
        }
    }

    func testAddressOfRecordIsCanonical() throws {
        XCTAssertEqual(try parse("sip:%61lice@AtLanTa.CoM:5060;transport=tcp?x=y").addressOfRecord, "sip:alice@atlanta.com")
        XCTAssertEqual(try parse("sips:Alice:pw@example.com").addressOfRecord, "sips:Alice@example.com")
        XCTAssertEqual(try parse("sip:user;par=u%40example.net@example.com").addressOfRecord, "sip:user;par=u%40example.net@example.com")
    }

    /// The examples of RFC 3261 §19.1.4.
    func testEquivalenceExamplesOfRFC3261() throws {
        let equivalent = [
            ("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
            ("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"),
            ("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"),
            ("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
        ]
        for (a, b) in equivalent {
            let x = try parse(a)
            let y = try parse(b)
            XCTAssertTrue(x.isEquivalent(to: y), "\(a) ~ \(b)")
            XCTAssertTrue(y.isEquivalent(to: x), "\(b) ~ \(a)")
        }
        let different = [
            ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),
            ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
            ("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"),
            ("sip:alice@atlanta.com", "sips:alice@atlanta.com"),
            ("sip:alice:a@atlanta.com", "sip:alice:b@atlanta.com"),
        ]
        for (a, b) in different {
            let x = try parse(a)
            let y = try parse(b)
            XCTAssertFalse(x.isEquivalent(to: y), "\(a) !~ \(b)")
            XCTAssertFalse(y.isEquivalent(to: x), "\(b) !~ \(a)")
            XCTAssertNotEqual(x.comparisonKey, y.comparisonKey, "\(a) / \(b)")
        }
    }

    func testComparisonKeyNormalizes() throws {
        let pairs = [
            ("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"),
            ("sip:biloxi.com;transport=tcp;method=REGISTER", "sip:biloxi.com;method=register;transport=TCP"),
            ("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
            ("sip:a@[2001:DB8::1]:5060", "sip:a@[2001:db8::1]:5060"),
        ]
        for (a, b) in pairs {
            let x = try parse(a)
            let y = try parse(b)
            XCTAssertEqual(x.comparisonKey, y.comparisonKey, "\(a) / \(b)")
            XCTAssertTrue(x.isEquivalent(to: y))
        }
        // Case matters in the user part, and the key keeps NUL distinct from its absence.
        XCTAssertNotEqual(try parse("sip:Alice@a.com").comparisonKey, try parse("sip:alice@a.com").comparisonKey)
        XCTAssertNotEqual(try parse("sip:%00@a.com").comparisonKey, try parse("sip:%00%00@a.com").comparisonKey)
        // Parameter values that contain separators cannot collide with other layouts.
        XCTAssertNotEqual(try parse("sip:a@h;x=1%3By").comparisonKey, try parse("sip:a@h;x=1;y").comparisonKey)
    }

    func testMemberwiseConstructionSerializes() {
        var parameters = SIPParameters()
        parameters.set("transport", "tcp")
        let uri = SIPURI(user: "a b", host: "Example.COM", port: 5080, parameters: parameters, headers: [SIPURIHeader(name: "Route", value: "<sip:x>")])
        XCTAssertEqual(uri.host, "example.com")
        XCTAssertEqual(uri.description, "sip:a%20b@example.com:5080;transport=tcp?Route=%3Csip:x%3E")
        XCTAssertEqual(SIPURI(scheme: "urn", opaque: "x:y").description, "urn:x:y")
    }

    func testRoundTripOfAssortedURIs() throws {
        let samples = [
            "sip:alice@atlanta.com", "sips:bob:pw@[::1]:5061;transport=tls", "sip:+1-555@gw.example.net;user=phone",
            "sip:alice@atlanta.com;lr;ob", "sip:x@y?Route=%3Csip:z%3Blr%3E&Subject=hi", "tel:+15551234;ext=2",
        ]
        for text in samples {
            let uri = try parse(text)
            XCTAssertEqual(try parse(uri.description), uri, text)
        }
    }
}
