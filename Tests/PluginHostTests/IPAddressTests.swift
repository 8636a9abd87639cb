import Foundation
import SIPWardenPolicy
import XCTest

final class IPAddressTests: XCTestCase {
    func testIPv4ParsesAndPrintsCanonically() throws {
        let address = try XCTUnwrap(IPAddress("192.0.2.1"))
        XCTAssertFalse(address.isIPv6)
        XCTAssertEqual(address.description, "192.0.2.1")
        XCTAssertEqual(address.ipv4Value, 0xC000_0201)
        XCTAssertEqual(address.bytes, [192, 0, 2, 1])
        XCTAssertEqual(IPAddress("0.0.0.0")?.description, "0.0.0.0")
        XCTAssertEqual(IPAddress("255.255.255.255")?.description, "255.255.255.255")
    }

    func testIPv4TextIsEveryOctetInDecimal() {
        // The text is written digit by digit: every octet value in every position, and
        // generated addresses, read back as the dotted quad they are.
        var values: [UInt32] = (0...255).flatMap { octet in [0, 8, 16, 24].map { UInt32(octet) << UInt32($0) } }
        var state: UInt32 = 0x2545_F491
        for _ in 0..<5_000 {
            state ^= state << 13; state ^= state >> 17; state ^= state << 5
            values.append(state)
        }
        for value in values {
            let text = IPAddress(ipv4: value).description
            XCTAssertEqual(text, "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)")
            XCTAssertEqual(IPAddress(text)?.ipv4Value, value)
        }
    }

    func testIPv4RejectsMalformedText() {
        for text in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.a", "1.2.3.4/32", "[1.2.3.4]"] {
            XCTAssertNil(IPAddress(text), "'\(text)' must not parse")
        }
    }

    func testIPv6CanonicalTextFollowsRFC5952() {
        let cases = [
            "2001:0DB8:0000:0000:0000:0000:0000:0001": "2001:db8::1",
            "2001:db8::1": "2001:db8::1",
            "::": "::",
            "::1": "::1",
            "1::": "1::",
            "2001:db8:0:0:1:0:0:1": "2001:db8::1:0:0:1",  // first of two equal runs
            "2001:db8:0:1:1:1:1:1": "2001:db8:0:1:1:1:1:1",  // a single zero group stays
            "2001:0:0:1:0:0:0:1": "2001:0:0:1::1",  // the longest run wins
            "fe80::a:b:c:d": "fe80::a:b:c:d",
            "64:ff9b::192.0.2.1": "64:ff9b::c000:201",
        ]
        for (text, canonical) in cases {
            let address = IPAddress(text)
            XCTAssertEqual(address?.description, canonical, text)
            XCTAssertEqual(address?.isIPv6, true, text)
        }
    }

    func testIPv6RejectsMalformedText() {
        for text in [":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "fe80::1%eth0", "[::1]", "1:2:3:4:5:6:7:", ":1:2:3:4:5:6:7",
                     "1:2:3:4:5:6:7", "g::1", "::1.2.3", "1:2:3:4:5:6:7:1.2.3.4", ":"] {
            XCTAssertNil(IPAddress(text), "'\(text)' must not parse")
        }
        XCTAssertNotNil(IPAddress("1:2:3:4:5:6:7::"))
        XCTAssertNotNil(IPAddress("1:2:3:4:5:6:1.2.3.4"))
    }

    func testIPv4MappedAddressesBecomeIPv4() throws {
        let mapped = try XCTUnwrap(IPAddress("::ffff:192.0.2.1"))
        XCTAssertFalse(mapped.isIPv6)
        XCTAssertEqual(mapped, IPAddress("192.0.2.1"))
        XCTAssertEqual(IPAddress("::FFFF:c000:0201"), IPAddress("192.0.2.1"))
        XCTAssertEqual(IPAddress(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1]), IPAddress("192.0.2.1"))
        XCTAssertEqual(Set([mapped, try XCTUnwrap(IPAddress("192.0.2.1"))]).count, 1)
    }

    func testBytesRoundTrip() throws {
        let address = try XCTUnwrap(IPAddress("2001:db8::ff00:42:8329"))
        XCTAssertEqual(address.bytes.count, 16)
        XCTAssertEqual(IPAddress(bytes: address.bytes), address)
        XCTAssertEqual(IPAddress(bytes: [10, 0, 0, 1]), IPAddress("10.0.0.1"))
        XCTAssertNil(IPAddress(bytes: [1, 2, 3]))
    }

    func testOrderingPutsIPv4FirstThenNumeric() throws {
        let sorted = ["::1", "10.0.0.2", "9.255.255.255", "2001:db8::", "10.0.0.1"].compactMap(IPAddress.init).sorted()
        XCTAssertEqual(sorted.map(\.description), ["9.255.255.255", "10.0.0.1", "10.0.0.2", "::1", "2001:db8::"])
    }

    func testCodableAsText() throws {
        let addresses = ["192.0.2.1", "2001:db8::1"].compactMap(IPAddress.init)
        let json = try JSONEncoder().encode(addresses)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"["192.0.2.1","2001:db8::1"]"#)
        XCTAssertEqual(try JSONDecoder().decode([IPAddress].self, from: json), addresses)
        XCTAssertThrowsError(try JSONDecoder().decode([IPAddress].self, from: Data(#"["300.1.1.1"]"#.utf8)))
    }
}
