import Foundation
import SIPWardenPolicy
import XCTest

final class IPRangeTests: XCTestCase {
    func testParsesCIDRAndClearsHostBits() throws {
        let range = try XCTUnwrap(IPRange("192.0.2.7/24"))
        XCTAssertEqual(range.network, IPAddress("192.0.2.0"))
        XCTAssertEqual(range.prefixLength, 24)
        XCTAssertEqual(range.description, "192.0.2.0/24")
        XCTAssertFalse(range.isSingleAddress)
        XCTAssertEqual(range.lastAddress, IPAddress("192.0.2.255"))
        XCTAssertEqual(IPRange("2001:db8:1234::/32")?.description, "2001:db8::/32")
    }

    func testContainsWithinFamilyOnly() throws {
        let v4 = try XCTUnwrap(IPRange("10.1.0.0/16"))
        XCTAssertTrue(v4.contains(try XCTUnwrap(IPAddress("10.1.255.254"))))
        XCTAssertFalse(v4.contains(try XCTUnwrap(IPAddress("10.2.0.0"))))
        XCTAssertFalse(v4.contains(try XCTUnwrap(IPAddress("::a01:1"))))
        let v6 = try XCTUnwrap(IPRange("2001:db8::/32"))
        XCTAssertTrue(v6.contains(try XCTUnwrap(IPAddress("2001:db8:ffff::1"))))
        XCTAssertFalse(v6.contains(try XCTUnwrap(IPAddress("2001:db9::1"))))
        XCTAssertFalse(v6.contains(try XCTUnwrap(IPAddress("32.1.13.184"))))
        XCTAssertTrue(try XCTUnwrap(IPRange("0.0.0.0/0")).contains(try XCTUnwrap(IPAddress("203.0.113.9"))))
        XCTAssertTrue(try XCTUnwrap(IPRange("::/0")).contains(try XCTUnwrap(IPAddress("2001:db8::1"))))
        let odd = try XCTUnwrap(IPRange("2001:db8::/61"))
        XCTAssertTrue(odd.contains(try XCTUnwrap(IPAddress("2001:db8:0:7::1"))))
        XCTAssertFalse(odd.contains(try XCTUnwrap(IPAddress("2001:db8:0:8::1"))))
    }

    func testSingleAddressPrintsAsAddress() throws {
        let single = try XCTUnwrap(IPRange("192.0.2.1"))
        XCTAssertTrue(single.isSingleAddress)
        XCTAssertEqual(single.prefixLength, 32)
        XCTAssertEqual(single.description, "192.0.2.1")
        XCTAssertEqual(IPRange("2001:db8::1/128")?.description, "2001:db8::1")
        XCTAssertEqual(IPRange(address: try XCTUnwrap(IPAddress("::1")), prefixLength: 128).description, "::1")
        XCTAssertEqual(IPRange(address: try XCTUnwrap(IPAddress("10.0.0.1")), prefixLength: 99).prefixLength, 32)
    }

    func testRejectsMalformedRanges() {
        for text in ["", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/-1", "192.0.2.0/2a", "::/129", "192.0.2.0/24/1", "192.0.2.0 /24", "::ffff:1.2.3.0/95"] {
            XCTAssertNil(IPRange(text), "'\(text)' must not parse")
        }
    }

    func testMappedIPv6RangeBecomesIPv4Range() {
        XCTAssertEqual(IPRange("::ffff:192.0.2.0/120")?.description, "192.0.2.0/24")
    }

    func testLastAddressOfIPv6RangeStaysIPv6() throws {
        // ::/80 ends in ::ffff:ffff:ffff, which as an address alone would read as IPv4-mapped.
        let last = try XCTUnwrap(IPRange("::/80")).lastAddress
        XCTAssertTrue(last.isIPv6)
        XCTAssertEqual(IPRange("2001:db8::/64")?.lastAddress.description, "2001:db8::ffff:ffff:ffff:ffff")
    }

    func testCodableAsText() throws {
        let ranges = ["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"].compactMap(IPRange.init)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let json = try encoder.encode(ranges)
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"["10.0.0.0/8","192.0.2.1","2001:db8::/32"]"#)
        XCTAssertEqual(try JSONDecoder().decode([IPRange].self, from: json), ranges)
    }
}
