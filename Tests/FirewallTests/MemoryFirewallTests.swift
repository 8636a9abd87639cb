import Firewall
import SIPWardenPolicy
import XCTest

final class MemoryFirewallTests: XCTestCase {
    private let now: Int64 = 1_700_000_000_000

    private func address(_ text: String) throws -> IPAddress { try XCTUnwrap(IPAddress(text), text) }
    private func range(_ text: String) throws -> IPRange { try XCTUnwrap(IPRange(text), text) }
    private func ban(_ text: String, for seconds: Int64) throws -> FirewallBan {
        FirewallBan(target: try range(text), expiresAtMilliseconds: now + seconds * 1000)
    }

    func testNothingIsBlockedByAnEmptyFirewall() throws {
        let firewall = MemoryFirewall()
        XCTAssertEqual(firewall.name, "memory")
        XCTAssertFalse(firewall.isBlocked(try address("192.0.2.7"), nowMilliseconds: now))
        XCTAssertFalse(firewall.isBlocked(try address("2001:db8::1"), nowMilliseconds: now))
        XCTAssertEqual(firewall.count, 0)
    }

    func testASingleAddressBanBlocksExactlyThatAddress() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([try ban("192.0.2.7", for: 60), try ban("2001:db8::7", for: 60)])
        XCTAssertTrue(firewall.isBlocked(try address("192.0.2.7"), nowMilliseconds: now))
        XCTAssertTrue(firewall.isBlocked(try address("2001:db8::7"), nowMilliseconds: now))
        XCTAssertTrue(firewall.isBlocked(try address("::ffff:192.0.2.7"), nowMilliseconds: now), "IPv4-mapped is the same source")
        for other in ["192.0.2.8", "192.0.2.6", "2001:db8::8", "::192.0.2.7"] {
            XCTAssertFalse(firewall.isBlocked(try address(other), nowMilliseconds: now), other)
        }
        XCTAssertEqual(firewall.count, 2)
    }

    func testRangeBansOfSeveralLengthsAndFamilies() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([
            try ban("198.51.100.0/24", for: 60), try ban("203.0.113.128/25", for: 60), try ban("10.0.0.0/8", for: 60),
            try ban("2001:db8:bad::/48", for: 60),
        ])
        for blocked in ["198.51.100.0", "198.51.100.255", "203.0.113.200", "10.255.0.1", "2001:db8:bad:1::9"] {
            XCTAssertTrue(firewall.isBlocked(try address(blocked), nowMilliseconds: now), blocked)
        }
        for free in ["198.51.101.0", "203.0.113.127", "11.0.0.1", "2001:db8:bae::1", "192.0.2.1"] {
            XCTAssertFalse(firewall.isBlocked(try address(free), nowMilliseconds: now), free)
        }
        XCTAssertEqual(
            firewall.blockingBan(for: try address("203.0.113.200"), nowMilliseconds: now)?.target, try range("203.0.113.128/25"))
    }

    func testTheNarrowestBanInForceIsTheOneReported() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([try ban("198.51.100.0/24", for: 600), try ban("198.51.100.0/28", for: 10), try ban("198.51.100.7", for: 5)])
        let target = try address("198.51.100.7")
        XCTAssertEqual(firewall.blockingBan(for: target, nowMilliseconds: now)?.target, try range("198.51.100.7"))
        XCTAssertEqual(firewall.blockingBan(for: target, nowMilliseconds: now + 6_000)?.target, try range("198.51.100.0/28"))
        XCTAssertEqual(firewall.blockingBan(for: target, nowMilliseconds: now + 11_000)?.target, try range("198.51.100.0/24"))
        XCTAssertNil(firewall.blockingBan(for: target, nowMilliseconds: now + 600_000))
    }

    func testABanStopsBlockingTheMomentItExpiresAndSweepDropsIt() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([try ban("192.0.2.7", for: 10), try ban("198.51.100.0/24", for: 20)])
        let source = try address("192.0.2.7")
        XCTAssertTrue(firewall.isBlocked(source, nowMilliseconds: now + 9_999))
        XCTAssertFalse(firewall.isBlocked(source, nowMilliseconds: now + 10_000), "lapses at its expiry, before any sweep")
        XCTAssertEqual(firewall.count, 2)

        let lapsed = firewall.sweep(nowMilliseconds: now + 10_000)
        XCTAssertEqual(lapsed, [try ban("192.0.2.7", for: 10)])
        XCTAssertEqual(firewall.count, 1)
        XCTAssertTrue(firewall.isBlocked(try address("198.51.100.1"), nowMilliseconds: now + 10_000))
        XCTAssertEqual(firewall.sweep(nowMilliseconds: now + 20_000).map(\.target), [try range("198.51.100.0/24")])
        XCTAssertEqual(firewall.count, 0)
        XCTAssertFalse(firewall.isBlocked(try address("198.51.100.1"), nowMilliseconds: now))
    }

    func testReBanningExtendsAndNeverShortens() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([try ban("192.0.2.7", for: 10), try ban("198.51.100.0/24", for: 10)])
        try firewall.ban([try ban("192.0.2.7", for: 100), try ban("198.51.100.0/24", for: 100)])
        try firewall.ban([try ban("192.0.2.7", for: 1), try ban("198.51.100.0/24", for: 1)])
        XCTAssertTrue(firewall.isBlocked(try address("192.0.2.7"), nowMilliseconds: now + 50_000))
        XCTAssertTrue(firewall.isBlocked(try address("198.51.100.9"), nowMilliseconds: now + 50_000))
        XCTAssertEqual(firewall.count, 2, "one entry per target")
        XCTAssertEqual(
            Set(firewall.bans(nowMilliseconds: now)),
            [try ban("192.0.2.7", for: 100), try ban("198.51.100.0/24", for: 100)])
    }

    func testUnbanLiftsExactlyTheNamedTargets() throws {
        let firewall = MemoryFirewall()
        try firewall.ban([try ban("192.0.2.7", for: 60), try ban("198.51.100.0/24", for: 60), try ban("198.51.100.0/25", for: 60)])
        try firewall.unban([try range("198.51.100.0/25"), try range("203.0.113.1")])
        XCTAssertTrue(firewall.isBlocked(try address("198.51.100.1"), nowMilliseconds: now), "the /24 still covers it")
        try firewall.unban([try range("198.51.100.0/24"), try range("192.0.2.7")])
        XCTAssertFalse(firewall.isBlocked(try address("198.51.100.1"), nowMilliseconds: now))
        XCTAssertFalse(firewall.isBlocked(try address("192.0.2.7"), nowMilliseconds: now))
        XCTAssertEqual(firewall.count, 0)
        XCTAssertNil(firewall.blockingBan(for: try address("198.51.100.1"), nowMilliseconds: now), "no stale prefix length")
    }

    func testAllowedRangesAreNeverBlocked() throws {
        let firewall = MemoryFirewall()
        try firewall.setAllowed([try range("192.0.2.0/28"), try range("2001:db8:1::/64")])
        try firewall.ban([try ban("192.0.2.0/24", for: 60), try ban("192.0.2.5", for: 60), try ban("2001:db8:1::5", for: 60)])
        XCTAssertFalse(firewall.isBlocked(try address("192.0.2.5"), nowMilliseconds: now))
        XCTAssertFalse(firewall.isBlocked(try address("2001:db8:1::5"), nowMilliseconds: now))
        XCTAssertTrue(firewall.isBlocked(try address("192.0.2.16"), nowMilliseconds: now), "outside the allowed /28")
        try firewall.setAllowed([])
        XCTAssertTrue(firewall.isBlocked(try address("192.0.2.5"), nowMilliseconds: now), "allow list replaced")
        XCTAssertEqual(firewall.allowed, [])
    }

    func testTheEntryLimitRefusesAWholeBatchThatDoesNotFit() throws {
        let firewall = MemoryFirewall(maximumEntries: 3)
        try firewall.ban([try ban("192.0.2.1", for: 60), try ban("192.0.2.2", for: 60)])
        XCTAssertThrowsError(try firewall.ban([try ban("192.0.2.3", for: 60), try ban("192.0.2.4", for: 60)])) { error in
            XCTAssertEqual(error as? FirewallError, .capacityExceeded(limit: 3, requested: 2))
            XCTAssertTrue("\(error)".contains("at most 3 bans"), "\(error)")
        }
        XCTAssertFalse(firewall.isBlocked(try address("192.0.2.3"), nowMilliseconds: now), "nothing of the batch applied")
        try firewall.ban([try ban("192.0.2.1", for: 600), try ban("192.0.2.3", for: 60)])  // a re-ban takes no room
        XCTAssertEqual(firewall.count, 3)
    }

    func testConcurrentBansAndLookupsAreSafe() async throws {
        let firewall = MemoryFirewall()
        let start = now
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for i in 0..<500 {
                        let target = IPRange(address: IPAddress(ipv4: 0xC633_0000 | UInt32(writer * 1000 + i)), prefixLength: 32)
                        try? firewall.ban([FirewallBan(target: target, expiresAtMilliseconds: start + 60_000)])
                    }
                }
            }
            for _ in 0..<4 {
                group.addTask {
                    for i in 0..<5_000 {
                        _ = firewall.isBlocked(IPAddress(ipv4: 0xC633_0000 | UInt32(i)), nowMilliseconds: start)
                    }
                }
            }
        }
        XCTAssertEqual(firewall.count, 2000)
        XCTAssertTrue(firewall.isBlocked(IPAddress(ipv4: 0xC633_0000 | 3499), nowMilliseconds: start))
    }

    func testManyAddressesAcrossShardsAreCountedSweptAndListedOnce() throws {
        let firewall = MemoryFirewall()
        var entries: [FirewallBan] = []
        for i in 0..<1_000 {
            let address = i.isMultiple(of: 2)
                ? IPAddress(ipv4: 0xC633_6400 &+ UInt32(i))
                : IPAddress(ipv6High: 0x2001_0DB8_0000_0000, low: UInt64(i))
            entries.append(FirewallBan(
                target: IPRange(address: address, prefixLength: address.bitWidth),
                expiresAtMilliseconds: now + (i < 500 ? 10_000 : 20_000)))
        }
        entries += [try ban("203.0.113.0/24", for: 10), try ban("2001:db8:ffff::/48", for: 20)]
        try firewall.ban(entries)
        XCTAssertEqual(firewall.count, 1_002)
        XCTAssertEqual(firewall.bans(nowMilliseconds: now).count, 1_002, "each range listed once")
        for entry in entries {
            XCTAssertTrue(firewall.isBlocked(entry.target.network, nowMilliseconds: now), "\(entry.target)")
        }
        let lapsed = firewall.sweep(nowMilliseconds: now + 10_000)
        XCTAssertEqual(lapsed.count, 501, "500 addresses and one range, the range reported once")
        XCTAssertEqual(Set(lapsed.map(\.target)).count, 501)
        XCTAssertEqual(firewall.count, 501)
        XCTAssertFalse(firewall.isBlocked(try address("203.0.113.9"), nowMilliseconds: now))
        XCTAssertTrue(firewall.isBlocked(try address("2001:db8:ffff::9"), nowMilliseconds: now + 10_000))
        try firewall.unban(entries.map(\.target))
        XCTAssertEqual(firewall.count, 0)
        XCTAssertEqual(firewall.bans(nowMilliseconds: now), [])
    }

    func testModesParseAndUnknownModesAreRefusedClearly() throws {
        XCTAssertEqual(try FirewallMode(parsing: "memory"), .memory)
        XCTAssertEqual(try FirewallMode(parsing: "Memory"), .memory)
        XCTAssertEqual(try FirewallMode(parsing: "nftables"), .nftables)
        XCTAssertEqual(try FirewallMode(parsing: "AUTO"), .auto)
        XCTAssertThrowsError(try FirewallMode(parsing: "iptables")) { error in
            XCTAssertEqual("\(error)", "unknown firewall mode 'iptables'; use auto, nftables or memory")
        }
    }
}
