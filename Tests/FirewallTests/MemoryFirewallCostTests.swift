import Firewall
import Foundation
import SIPWardenPolicy
import XCTest

/// The per-packet cost of `isBlocked`, printed (not asserted against a budget: machines vary;
/// `make bench` is where figures are compared). The assertions check the lookups' answers.
final class MemoryFirewallCostTests: XCTestCase {
    private let now: Int64 = 1_700_000_000_000

    private func nanosecondsPerLookup(_ firewall: MemoryFirewall, _ addresses: [IPAddress], rounds: Int) -> (Double, Int) {
        var blocked = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<rounds {
                for address in addresses where firewall.isBlocked(address, nowMilliseconds: now) { blocked += 1 }
            }
        }
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return (nanoseconds / Double(rounds * addresses.count), blocked)
    }

    func testLookupCost() throws {
        let firewall = MemoryFirewall()
        let probes = (0..<10_000).map { IPAddress(ipv4: 0xCB00_7100 &+ UInt32($0) * 7) }

        let (empty, none) = nanosecondsPerLookup(firewall, probes, rounds: 20)
        XCTAssertEqual(none, 0)

        // 10,000 single addresses and 100 ranges of 4 lengths, half the probes hitting.
        var bans = (0..<10_000).map { i in
            FirewallBan(target: IPRange(address: probes[i * 2 % probes.count], prefixLength: 32), expiresAtMilliseconds: now + 60_000)
        }
        for i in 0..<100 {
            let length = [16, 20, 24, 28][i % 4]
            bans.append(FirewallBan(
                target: IPRange(address: IPAddress(ipv4: 0x0A00_0000 | UInt32(i) << 16), prefixLength: length),
                expiresAtMilliseconds: now + 60_000))
        }
        try firewall.ban(bans)
        let (loaded, hits) = nanosecondsPerLookup(firewall, probes, rounds: 20)
        XCTAssertEqual(hits, 20 * 5_000)

        print("MemoryFirewall.isBlocked: \(String(format: "%.1f", empty)) ns/lookup with no bans, "
            + "\(String(format: "%.1f", loaded)) ns/lookup with 10,000 addresses and 100 ranges of 4 lengths (debug build)")
    }
}
