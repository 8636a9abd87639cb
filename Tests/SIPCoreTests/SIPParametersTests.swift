import SIPCore
import XCTest

final class SIPParametersTests: XCTestCase {
    func testSubscriptDistinguishesAbsentFlagAndValue() {
        let parameters = SIPParameters([("lr", nil), ("Transport", "tcp")])
        XCTAssertTrue(parameters["maddr"] == .none, "absent is nil, not .some(nil)")
        XCTAssertEqual(parameters["lr"], .some(nil))
        XCTAssertEqual(parameters["transport"], .some("tcp"))
        XCTAssertTrue(parameters.contains("LR"))
        XCTAssertFalse(parameters.contains("ttl"))
    }

    func testSetRemoveAndOrder() {
        var parameters = SIPParameters()
        parameters.set("a", "1")
        parameters.set("b", nil)
        parameters.append("A", "dup")
        parameters.set("a", "2")
        XCTAssertEqual(parameters.description, ";a=2;b")
        parameters.set("c", "3")
        parameters.remove("B")
        XCTAssertEqual(parameters.items.map(\.name), ["a", "c"])
        XCTAssertEqual(parameters.count, 2)
        XCTAssertEqual(parameters.map(\.value), ["2", "3"])
        parameters.remove("a")
        parameters.remove("c")
        XCTAssertTrue(parameters.isEmpty)
        XCTAssertEqual(parameters.description, "")
    }

    func testUnquoted() {
        let parameters = SIPParameters([("+sip.instance", "\"<urn:uuid:1>\""), ("x", "\"a\\\"b\""), ("plain", "v"), ("flag", nil)])
        XCTAssertEqual(parameters.unquoted("+sip.instance"), "<urn:uuid:1>")
        XCTAssertEqual(parameters.unquoted("x"), "a\"b")
        XCTAssertEqual(parameters.unquoted("plain"), "v")
        XCTAssertNil(parameters.unquoted("flag"))
        XCTAssertNil(parameters.unquoted("absent"))
    }

    func testParseHeaderReadsBackWhatDescriptionWrites() throws {
        let contact = try NameAddress.parse("<sip:1001@192.0.2.10;transport=udp>;+sip.instance=\"<urn:uuid:1;x>\";reg-id=1;+sip.ice;pn-prid=a:b")
        let written = contact.parameters.description
        let parsed = try SIPParameters.parse(header: written)
        XCTAssertEqual(parsed, contact.parameters)
        XCTAssertEqual(parsed.unquoted("+SIP.instance"), "<urn:uuid:1;x>", "a quoted ';' stays inside the value")
        XCTAssertEqual(parsed["reg-id"], .some("1"))
        XCTAssertEqual(parsed["+sip.ice"], .some(nil))
        XCTAssertTrue(try SIPParameters.parse(header: "").isEmpty)
        XCTAssertThrowsError(try SIPParameters.parse(header: "no-leading-semicolon"))
        XCTAssertThrowsError(try SIPParameters.parse(header: ";a=\"unterminated"))
    }
}
