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

    func testIPv6TextIsRFC5952AsTheArrayVersionWroteIt() {
        // The text is written straight into a buffer; the reference is the array-and-join
        // version it replaced, over every pattern of zero groups and random values in them.
        func reference(_ high: UInt64, _ low: UInt64) -> String {
            let groups: [UInt16] = (0..<8).map { UInt16(truncatingIfNeeded: ($0 < 4 ? high : low) >> (48 - 16 * UInt64($0 % 4))) }
            var bestStart = -1, bestLength = 1, index = 0
            while index < 8 {
                guard groups[index] == 0 else { index += 1; continue }
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength { bestStart = index; bestLength = end - index }
                index = end
            }
            func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
            guard bestStart >= 0 else { return hex(0..<8) }
            return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        var checked = 0
        for zeros in 0..<256 {  // which of the 8 groups are zero
            for _ in 0..<8 {
                var words: [UInt64] = [0, 0]
                for group in 0..<8 where zeros & (1 << group) == 0 {
                    var value = UInt16(truncatingIfNeeded: next())
                    if value == 0 { value = 1 }
                    if next() % 3 == 0 { value &= 0x00FF }  // short groups too
                    words[group / 4] |= UInt64(value) << (48 - 16 * UInt64(group % 4))
                }
                let address = IPAddress(ipv6High: words[0], low: words[1])
                guard address.isIPv6 else { continue }  // the IPv4-mapped block prints as IPv4
                XCTAssertEqual(address.description, reference(words[0], words[1]))
                XCTAssertEqual(IPAddress(address.description), address)
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 2_000)
        XCTAssertEqual(IPAddress("::")?.description, "::")
        XCTAssertEqual(IPAddress("1::")?.description, "1::")
        XCTAssertEqual(IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")?.description, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
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
