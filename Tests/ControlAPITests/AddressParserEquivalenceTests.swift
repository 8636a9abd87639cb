#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import ControlAPI
import SIPWardenPolicy
import XCTest

/// `BanTarget` and `IPNetwork` parse through the plugin API's `IPAddress` (one parser for the
/// whole daemon) instead of inet_pton of their own. These tests pin that the answers and the
/// error messages are exactly what the inet_pton versions gave, over hand-picked edge cases
/// and thousands of generated inputs; `Legacy` below is the old code, kept as the reference.
final class AddressParserEquivalenceTests: XCTestCase {
    static let edgeCases: [String] = [
        "", " ", "192.0.2.7", "192.0.2.07", "192.0.2.007", "01.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1",
        "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4 ", " 1.2.3.4", "\t192.0.2.1\n", "1.2.3.-4", "+1.2.3.4",
        "0x7f.0.0.1", "127.1", "2130706433", "1e2.0.0.1",
        "::", ":::", "::1", "1::", "1:", ":1", "1::2::3", "::ffff:192.0.2.1", "::FFFF:192.0.2.1", "::ffff:c000:0201",
        "::ffff:192.0.2.01", "::192.0.2.1", "1::192.0.2.1", "1:2:3:4:5:6:192.0.2.1", "1:2:3:4:5:6:7:192.0.2.1",
        "1:2:3:4:5::192.0.2.1", "::1.2.3", "::1a.2.3.4", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
        "::2:3:4:5:6:7:8", "1::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "2001:DB8::1", "2001:db8:0:0:0:0:0:1",
        "2001:db8:0:0:1:0:0:1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::00001", "2001:db8::g",
        "fe80::1%eth0", "fe80::1%1", "[2001:db8::1]", "[2001:db8::1", "2001:db8::1]", "[192.0.2.1]", "[]", "[::]",
        "2001:db8::", "2001:db8::/32", "2001:db8::1/128", "2001:db8::1/129", "2001:db8::1/15", "2001:db8::1/16",
        "192.0.2.7/24", "192.0.2.7/32", "192.0.2.7/33", "192.0.2.7/8", "192.0.2.7/7", "192.0.2.7/0", "0.0.0.0/0",
        "192.0.2.7/", "192.0.2.7/-1", "192.0.2.7/+8", "192.0.2.7/ 8", "192.0.2.7/0024", "192.0.2.7/024", "192.0.2.7/24/1",
        "::ffff:192.0.2.0/120", "::ffff:192.0.2.0/96", "::ffff:192.0.2.0/95", "::ffff:192.0.2.0/128", "::ffff:192.0.2.0/129",
        "::ffff:0.0.0.0/104", "[2001:db8::]/32", "[2001:db8::/32]", "1:2:3:4:5:6:7:8/64", "::/0", "::/16", "/24",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128",
        "0:0:0:0:0:0:0:0", "0::0", "0:0::0:0", "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1", "a:b:c:d:e:f:0:0", "0:0:a:b:c:d:e:f",
        "example.com", "localhost", "192.0.2.7:5060", "[2001:db8::1]:5060", "१.२.३.४", "192.0.2.٧", "😀",
        String(repeating: "1", count: 70), String(repeating: "a:", count: 30) + "a",
    ]

    func testBanTargetAnswersAsBeforeOnEdgeCases() {
        for text in Self.edgeCases { assertBanTargetSame(text) }
    }

    func testIPNetworkAnswersAsBeforeOnEdgeCases() {
        for text in Self.edgeCases { assertIPNetworkSame(text) }
    }

    func testBothAnswerAsBeforeOnGeneratedInputs() {
        var generator = SplitMix(seed: 0x5EED_ADD2)
        var parsedBan = 0
        var parsedNetwork = 0
        for _ in 0..<6_000 {
            let text = Self.generated(&generator)
            assertBanTargetSame(text)
            assertIPNetworkSame(text)
            if BanTarget.canonical(text) != nil { parsedBan += 1 }
            if IPNetwork(text) != nil { parsedNetwork += 1 }
        }
        // The generator must reach both sides of each parser to compare anything.
        XCTAssertGreaterThan(parsedBan, 1_000)
        XCTAssertGreaterThan(parsedNetwork, 1_000)
        XCTAssertLessThan(parsedBan, 5_000)
    }

    func testIPv6IsWrittenPerRFC5952() {
        XCTAssertEqual(BanTarget.canonical("2001:0DB8:0000:0000:0000:0000:0000:0001"), "2001:db8::1")
        XCTAssertEqual(BanTarget.canonical("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1", "one zero group stays")
        XCTAssertEqual(BanTarget.canonical("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1", "the longest run")
        XCTAssertEqual(BanTarget.canonical("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1", "the first of equal runs")
        XCTAssertEqual(BanTarget.canonical("::ffff:192.0.2.9/120"), "192.0.2.0/24", "IPv4-mapped is IPv4")
        XCTAssertEqual(IPNetwork("2001:db8::1")?.description, "2001:db8:0:0:0:0:0:1", "IPNetwork writes full groups, as before")
    }

    func testContainsTakesAnAddressWithoutText() {
        let network = IPNetwork("192.0.2.0/24")!
        XCTAssertTrue(network.contains("192.0.2.77"))
        XCTAssertTrue(network.contains(IPAddress(ipv4: 0xC000_024D)))
        XCTAssertFalse(network.contains(IPAddress(ipv4: 0xC000_034D)))
        XCTAssertFalse(IPNetwork("::/0")!.contains(IPAddress(ipv4: 0xC000_024D)), "families never match")
        XCTAssertTrue(IPNetwork("::/0")!.contains("2001:db8::1"))
    }

    // MARK: - Comparison

    private func assertBanTargetSame(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(BanTarget.canonical(text), Legacy.canonical(text), "canonical(\(text.debugDescription))", file: file, line: line)
        XCTAssertEqual(BanTarget.problem(text), Legacy.problem(text), "problem(\(text.debugDescription))", file: file, line: line)
        XCTAssertEqual(BanTarget.canonicalAnyWidth(text), Legacy.canonicalAnyWidth(text), "anyWidth(\(text.debugDescription))", file: file, line: line)
    }

    private func assertIPNetworkSame(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let new = IPNetwork(text)
        let old = Legacy.network(text)
        XCTAssertEqual(new?.bytes, old?.bytes, "bytes of \(text.debugDescription)", file: file, line: line)
        XCTAssertEqual(new?.prefixLength, old?.prefixLength, "prefix of \(text.debugDescription)", file: file, line: line)
        XCTAssertEqual(IPNetwork.problem(text), old == nil ? Legacy.networkProblem(text) : nil, file: file, line: line)
        if let new, let old {
            XCTAssertEqual(new.description, Legacy.description(old), file: file, line: line)
            for probe in ["192.0.2.1", "10.1.2.3", "2001:db8::1", "::ffff:10.1.2.3", "[2001:db8::5]", "bad", text] {
                XCTAssertEqual(new.contains(probe), Legacy.contains(old, probe), "\(text) contains \(probe)", file: file, line: line)
            }
        }
    }

    // MARK: - Generated inputs

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// An address-like text: mostly well formed, often with one defect (leading zeros, too
    /// many groups, an octet over 255, a zone, brackets, a prefix out of range, case, blanks).
    static func generated(_ g: inout SplitMix) -> String {
        func octet() -> String {
            switch g.below(12) {
            case 0: return "0" + String(g.below(100))  // leading zero
            case 1: return String(256 + g.below(800))
            case 2: return ""
            default: return String(g.below(256))
            }
        }
        func group() -> String {
            let digits = g.below(10) == 0 ? 5 : 1 + g.below(4)
            var text = String(g.next() & 0xFFFFF, radix: 16)
            if g.below(3) == 0 { text = String(repeating: "0", count: 4) + text }
            text = String(text.suffix(digits))
            if g.below(4) == 0 { text = text.uppercased() }
            if g.below(40) == 0 { text += "g" }
            return text
        }
        var text: String
        switch g.below(10) {
        case 0...3:
            let parts = g.below(12) == 0 ? 3 + g.below(3) : 4
            text = (0..<parts).map { _ in octet() }.joined(separator: ".")
        case 4:
            text = "::ffff:" + (0..<4).map { _ in String(g.below(256)) }.joined(separator: ".")
            if g.below(5) == 0 { text = text.uppercased() }
        default:
            var count = g.below(9) + (g.below(8) == 0 ? 1 : 0)
            var groups = (0..<count).map { _ in group() }
            if g.below(5) == 0 {
                groups.append((0..<4).map { _ in octet() }.joined(separator: "."))
                count += 2
            }
            if g.below(3) != 0 || count < 8 {
                let gap = g.below(groups.count + 1)
                let before = groups[..<gap].joined(separator: ":")
                let after = groups[gap...].joined(separator: ":")
                text = before + "::" + after
                if g.below(30) == 0 { text += "::1" }
            } else {
                text = groups.joined(separator: ":")
            }
            if g.below(25) == 0 { text += "%eth0" }
            if g.below(15) == 0 { text = "[" + text + "]" }
        }
        switch g.below(8) {
        case 0, 1: text += "/" + String(g.below(140))
        case 2: text += "/" + ["", "x", "-1", "0032", "1000", " 24"][g.below(6)]
        default: break
        }
        switch g.below(30) {
        case 0: text = " " + text
        case 1: text += "\n"
        case 2: text = String(text.dropLast())
        default: break
        }
        return text
    }
}

/// The inet_pton-based parsing `BanTarget` and `IPNetwork` had before, verbatim in behaviour:
/// the reference the equivalence tests compare against.
enum Legacy {
    static let minimumIPv4Prefix = 8
    static let minimumIPv6Prefix = 16

    static func canonical(_ text: String) -> String? {
        if case .success(let canonical) = parse(text) { return canonical }
        return nil
    }

    static func problem(_ text: String) -> String? {
        if case .failure(let problem) = parse(text) { return problem.message }
        return nil
    }

    static func canonicalAnyWidth(_ text: String) -> String? {
        if case .success(let canonical) = parse(text, minimumWidth: false) { return canonical }
        return nil
    }

    struct Problem: Error { var message: String }

    static func parse(_ text: String, minimumWidth: Bool = true) -> Result<String, Problem> {
        let shown = text.count <= 60 ? text : String(text.prefix(57)) + "..."
        let advice = "give an IPv4 or IPv6 address or a CIDR range, such as 192.0.2.7, 2001:db8::1 or 192.0.2.0/24"
        func invalid(_ why: String = "") -> Result<String, Problem> {
            .failure(Problem(message: "'\(shown)' is not an IP address or CIDR range\(why); \(advice)"))
        }
        guard !text.isEmpty else { return .failure(Problem(message: "the address is empty; \(advice)")) }
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let addressText = String(parts[0])
        var prefix: Int?
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                  let value = Int(digits)
            else { return invalid(" (the prefix length after '/' must be a number)") }
            prefix = value
        }
        guard var bytes = addressBytes(addressText) else { return invalid() }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12..<16])
            if let given = prefix {
                guard given >= 96 else { return invalid(" (an IPv4-mapped range needs a prefix of /96 or longer)") }
                prefix = given - 96
            }
        }
        let width = bytes.count * 8
        let length = prefix ?? width
        guard length <= width else {
            return invalid(" (the prefix length is at most \(width) for IPv\(width == 32 ? 4 : 6))")
        }
        let minimum = width == 32 ? minimumIPv4Prefix : minimumIPv6Prefix
        guard length >= minimum || !minimumWidth else {
            return .failure(Problem(
                message: "'\(shown)' is too wide a range to ban (a prefix shorter than /\(minimum)); ban narrower ranges"))
        }
        for index in bytes.indices {
            let kept = max(0, min(8, length - index * 8))
            bytes[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        let address = width == 32 ? bytes.map(String.init).joined(separator: ".") : ipv6Text(bytes)
        return .success(length == width ? address : "\(address)/\(length)")
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45,
              text.utf8.allSatisfy({ $0 == 0x2E || $0 == 0x3A || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
        else { return nil }
        var v4 = in_addr()
        if !text.contains(":") {
            guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        return withUnsafeBytes(of: &v6) { Array($0) }
    }

    static func ipv6Text(_ bytes: [UInt8]) -> String {
        let groups = (0..<8).map { UInt16(bytes[2 * $0]) << 8 | UInt16(bytes[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard bestStart >= 0 else { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    struct Network { var bytes: [UInt8]; var prefixLength: Int }

    static func network(_ text: String) -> Network? {
        var text = text.trimmingBlanks()
        var prefix: Int?
        if let slash = text.firstIndex(of: "/") {
            let digits = text[text.index(after: slash)...]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            prefix = Int(digits)
            text = String(text[..<slash])
        }
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        guard var bytes = addressBytes(text) else { return nil }
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            bytes = Array(bytes[12..<16])
            if let given = prefix {
                guard given >= 96 else { return nil }
                prefix = given - 96
            }
        }
        let width = bytes.count * 8
        let length = prefix ?? width
        guard length <= width else { return nil }
        for index in bytes.indices {
            let kept = max(0, min(8, length - index * 8))
            bytes[index] &= kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
        }
        return Network(bytes: bytes, prefixLength: length)
    }

    static func networkProblem(_ text: String) -> String {
        "'\(text)' is not an IP address or CIDR range; give one such as 192.0.2.7, 192.0.2.0/24, 2001:db8::1 or 2001:db8::/32"
    }

    static func contains(_ network: Network, _ ip: String) -> Bool {
        guard let other = Legacy.network(ip), other.bytes.count == network.bytes.count else { return false }
        for index in network.bytes.indices {
            let kept = max(0, min(8, network.prefixLength - index * 8))
            let mask: UInt8 = kept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - kept))
            if other.bytes[index] & mask != network.bytes[index] { return false }
        }
        return true
    }

    static func description(_ network: Network) -> String {
        let bytes = network.bytes
        let address = bytes.count == 4
            ? bytes.map(String.init).joined(separator: ".")
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
        return network.prefixLength == bytes.count * 8 ? address : "\(address)/\(network.prefixLength)"
    }
}
