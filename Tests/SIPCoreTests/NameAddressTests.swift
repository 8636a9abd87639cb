import SIPCore
import XCTest

final class NameAddressTests: XCTestCase {
    func parse(_ text: String) throws -> NameAddress { try NameAddress.parse(Substring(text)) }

    func testQuotedDisplayName() throws {
        let address = try parse("\"Bell, \\\"Alexander\\\" \\\\ G.\" <sip:a.g.bell@bell-tel.com>;tag=43")
        XCTAssertEqual(address.displayName, "Bell, \"Alexander\" \\ G.")
        XCTAssertEqual(address.uri.user, "a.g.bell")
        XCTAssertEqual(address.tag, "43")
        XCTAssertEqual(address.description, "\"Bell, \\\"Alexander\\\" \\\\ G.\" <sip:a.g.bell@bell-tel.com>;tag=43")
        XCTAssertEqual(try parse(address.description), address)
    }

    func testTokenDisplayNames() throws {
        XCTAssertEqual(try parse("A. Bell <sip:a.g.bell@example.com>").displayName, "A. Bell")
        XCTAssertEqual(try parse("caller<sip:caller@example.com>;tag=323").displayName, "caller")
        XCTAssertEqual(try parse("Two   Spaces\t<sip:a@b>").displayName, "Two Spaces")
        XCTAssertEqual(try parse("\"\"<sip:a@b>").displayName, "")
        XCTAssertNil(try parse("<sip:a@b>").displayName)
        XCTAssertEqual(try parse("caller<sip:a@b>").description, "\"caller\" <sip:a@b>")
    }

    func testAddrSpecParametersBelongToTheHeader() throws {
        let address = try parse("sip:+19725552222@gw1.example.net;unknownparam;tag=x")
        XCTAssertNil(address.displayName)
        XCTAssertEqual(address.uri.description, "sip:+19725552222@gw1.example.net")
        XCTAssertTrue(address.uri.parameters.isEmpty)
        XCTAssertEqual(address.parameters.items.map(\.name), ["unknownparam", "tag"])
        XCTAssertEqual(address.tag, "x")
        XCTAssertEqual(address.description, "<sip:+19725552222@gw1.example.net>;unknownparam;tag=x")
    }

    func testAddrSpecWithQuotedParameterHoldingAngleBrackets() throws {
        let address = try parse("sip:alice@192.0.2.1;+sip.instance=\"<urn:uuid:1>\";methods=\"INVITE, BYE\"")
        XCTAssertNil(address.displayName)
        XCTAssertEqual(address.uri.description, "sip:alice@192.0.2.1")
        XCTAssertEqual(address.parameters.unquoted("+sip.instance"), "<urn:uuid:1>")
        XCTAssertEqual(address.parameters.unquoted("methods"), "INVITE, BYE")
    }

    func testStringLiteralOverloads() throws {
        XCTAssertEqual(try NameAddress.parse("<sip:a@b>").uri.host, "b")
        XCTAssertEqual(try SIPURI.parse("sip:a@b").host, "b")
        XCTAssertEqual(try Via.parse("SIP/2.0/UDP b").host, "b")
    }

    func testNameAddrKeepsURIParametersInside() throws {
        let address = try parse("<sip:alice@pc33.example.com;transport=tcp;lr>;expires=60;q=0.7;+sip.instance=\"<urn:uuid:1>\";reg-id=1")
        XCTAssertEqual(address.uri.parameters["transport"], .some("tcp"))
        XCTAssertEqual(address.parameters["expires"], .some("60"))
        XCTAssertEqual(address.parameters["Q"], .some("0.7"))
        XCTAssertEqual(address.parameters["+sip.instance"], .some("\"<urn:uuid:1>\""))
        XCTAssertEqual(address.parameters.unquoted("+sip.instance"), "<urn:uuid:1>")
        XCTAssertEqual(address.description, "<sip:alice@pc33.example.com;transport=tcp;lr>;expires=60;q=0.7;+sip.instance=\"<urn:uuid:1>\";reg-id=1")
    }

    func testWhitespaceAroundParameters() throws {
        let address = try parse("  \"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =  newvalue ;  secondparam ; q = 0.33  ")
        XCTAssertEqual(address.displayName, "Quoted string \"\"")
        XCTAssertEqual(address.parameters["newparam"], .some("newvalue"))
        XCTAssertEqual(address.parameters["secondparam"], .some(nil))
        XCTAssertEqual(address.parameters["q"], .some("0.33"))
        let addrSpec = try parse("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n")
        XCTAssertEqual(addrSpec.tag, "1918181833n")
    }

    func testIPv6AndOtherSchemes() throws {
        XCTAssertEqual(try parse("<sip:[2001:db8::1]:5060>").uri.host, "[2001:db8::1]")
        XCTAssertEqual(try parse("sip:[2001:db8::1]:5060;tag=a").tag, "a")
        XCTAssertEqual(try parse("isbn:2983792873").uri.opaque, "2983792873")
        XCTAssertEqual(try parse("<http://www.example.com>;tag=3").uri.scheme, "http")
        XCTAssertEqual(try parse("<tel:+1555>").uri.user, "+1555")
    }

    func testRejectsMalformedAddresses() {
        let bad = [
            "", "   ", "\"Mr. J. User <sip:j.user@example.com>", "Bell, Alexander <sip:a.g.bell@example.com>",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "sip:a@b,sip:c@d", "< sip:t.watson@example.org >",
            "sip:user @example.org", "<sip:a@b", "<sip:a@b> garbage", "<sip:a@b>;", "<sip:a@b>;;", "<sip:a@b>;=1", "<sip:a@b>;x=",
            "\"name\" sip:a@b", "<sip:a@b>;x=\"unterminated", "<sip:a b@c>", "<>", "na<me <sip:a@b>", "<sip:a@b>;x=a\"b\"",
        ]
        for text in bad {
            XCTAssertThrowsError(try parse(text), text)
        }
    }

    func testDisplayNameControlCharactersNeverBreakTheLine() {
        let address = NameAddress(displayName: "evil\r\nVia: x", uri: SIPURI(host: "example.com"))
        XCTAssertFalse(address.description.contains("\r"))
        XCTAssertFalse(address.description.contains("\n"))
    }
}
