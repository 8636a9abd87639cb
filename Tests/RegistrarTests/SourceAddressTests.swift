import Foundation
import Registrar
import SIPWardenPolicy
import XCTest

/// `SourceAddress` holds the binary address: its text forms (description, JSON) are the ones
/// the text-holding type had, and the location service counts bindings by address.
final class SourceAddressTests: XCTestCase {
    func testDescriptionPutsIPv6InBrackets() {
        XCTAssertEqual(SourceAddress(ip: "192.0.2.1", port: 5060)!.description, "192.0.2.1:5060")
        XCTAssertEqual(SourceAddress(ip: "2001:db8::1", port: 5060)!.description, "[2001:db8::1]:5060")
        XCTAssertEqual(SourceAddress(ip: "2001:DB8:0:0::1", port: 1)!.description, "[2001:db8::1]:1", "RFC 5952 text")
        XCTAssertEqual(SourceAddress(ip: "::ffff:192.0.2.1", port: 7)!.description, "192.0.2.1:7", "IPv4-mapped is IPv4")
        XCTAssertFalse(SourceAddress(ip: "192.0.2.1", port: 1)!.isIPv6)
        XCTAssertTrue(SourceAddress(ip: "::1", port: 1)!.isIPv6)
    }

    func testTextThatIsNotAnAddressIsRefused() {
        for text in ["", "example.com", "[2001:db8::1]", "fe80::1%eth0", "192.0.2.01", "192.0.2.256", "1::2::3"] {
            XCTAssertNil(SourceAddress(ip: text, port: 5060), text)
        }
    }

    func testJSONIsTheTextFormOfBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (ip, port) in [("192.0.2.1", 5060), ("2001:db8::7", 61000), ("0.0.0.0", 0), ("ffff::", 65535)] {
            let source = SourceAddress(ip: ip, port: port)!
            let json = String(decoding: try encoder.encode(source), as: UTF8.self)
            XCTAssertEqual(json, "{\"ip\":\"\(ip)\",\"port\":\(port)}")
            XCTAssertEqual(try JSONDecoder().decode(SourceAddress.self, from: Data(json.utf8)), source)
        }
        XCTAssertThrowsError(try JSONDecoder().decode(SourceAddress.self, from: Data(#"{"ip":"nope","port":1}"#.utf8)))
    }

    func testTheLocationServiceKeepsAndCountsTheAddressInBinary() {
        var location = LocationService()
        let now = Timestamp(milliseconds: 1_000_000)
        func binding(_ user: Int, _ source: SourceAddress) -> Binding {
            Binding(aor: "sip:\(user)@example.com", contact: "sip:\(user)@192.0.2.1", contactKey: "sip:\(user)@192.0.2.1",
                    expiresAt: now.adding(seconds: 60), registeredAt: now, updatedAt: now, callID: "c\(user)", cseq: 1,
                    source: source, transport: .udp)
        }
        let sources = [
            SourceAddress(ip: "2001:db8::7", port: 61000)!, SourceAddress(ip: "2001:DB8:0::7", port: 61001)!,
            SourceAddress(ip: "192.0.2.200", port: 5060)!, SourceAddress(ip: "::", port: 1)!, SourceAddress(ip: "255.255.255.255", port: 65535)!,
        ]
        for (user, source) in sources.enumerated() { location.upsert(binding(user, source)) }
        for (user, source) in sources.enumerated() {
            XCTAssertEqual(location.bindings(of: "sip:\(user)@example.com", now: now).map(\.source), [source], "read back unchanged")
        }
        XCTAssertEqual(location.bindingCount(from: IPAddress("2001:db8::7")!), 2, "two spellings of one address are one key")
        XCTAssertEqual(location.bindingCount(from: IPAddress("::ffff:192.0.2.200")!), 1)
        XCTAssertEqual(location.bindingCount(from: IPAddress("192.0.2.201")!), 0)
        // A long contact still leaves room for the address in the packed binding.
        var long = binding(99, SourceAddress(ip: "2001:db8::99", port: 5060)!)
        long.contact = "sip:99@example.com;x=" + String(repeating: "a", count: 70_000)
        location.upsert(long)
        XCTAssertEqual(location.bindings(of: "sip:99@example.com", now: now).first?.source, long.source)
        location.remove(aor: "sip:0@example.com", contactKey: "sip:0@192.0.2.1")
        XCTAssertEqual(location.bindingCount(from: IPAddress("2001:db8::7")!), 1)
    }
}
