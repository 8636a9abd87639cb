@testable import Firewall
import Foundation
import SIPWardenPolicy
import XCTest

/// The nftables backend against the real kernel, each test in a network namespace of its own.
final class NFTablesFirewallTests: XCTestCase {
    private func range(_ text: String) throws -> IPRange { try XCTUnwrap(IPRange(text), text) }
    private func ban(_ text: String, seconds: Int64) throws -> FirewallBan {
        FirewallBan(target: try range(text), expiresAtMilliseconds: NFTablesFirewall.realtimeMilliseconds() + seconds * 1000)
    }
    /// A timeout as `nft -j` shows it (whole seconds of the remaining time when the element was
    /// written): the ban's length, less the few seconds a slow machine may take to get there.
    private func assertTimeout(_ timeout: Int??, about expected: Int, _ message: @autoclosure () -> String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        let seconds = (timeout ?? nil) ?? -1
        XCTAssertTrue((expected - 5...expected).contains(seconds), "timeout \(seconds), expected about \(expected): \(message())", file: file, line: line)
    }

    private func firewall(in namespace: NetworkNamespaceFixture, forceDeleteAndAdd: Bool = false) throws -> NFTablesFirewall {
        try NFTablesFirewall(options: NFTablesOptions(ports: [5060, 5061], networkNamespace: namespace.name, forceDeleteAndAdd: forceDeleteAndAdd))
    }

    func testCreatesTheTableSetsAndChains() throws {
        let namespace = try NetworkNamespaceFixture()
        _ = try firewall(in: namespace)
        let listing = namespace.nft("list", "table", "inet", "sipwarden")
        for expected in [
            "set ban4", "type ipv4_addr", "set ban6", "type ipv6_addr", "set bannet4", "flags interval,timeout", "set allow6",
            "set sipports", "hook prerouting priority raw; policy accept;", "ip saddr @allow4 counter", "accept",
            "udp dport @sipports jump bans", "tcp dport @sipports jump bans",
            "ip saddr @ban4 counter", "ip6 saddr @bannet6 counter", "drop",
        ] {
            XCTAssertTrue(listing.contains(expected), "missing \(expected) in:\n\(listing)")
        }
        XCTAssertEqual(Set(try namespace.elements(of: "sipports").keys), ["5060", "5061"])
    }

    func testBansAppearWithTheirExpiry() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([try ban("192.0.2.7", seconds: 600), try ban("2001:db8::7", seconds: 1200)])
        let ban4 = try namespace.elements(of: "ban4")
        XCTAssertNotNil(ban4["192.0.2.7"], "\(ban4)")
        assertTimeout(ban4["192.0.2.7"], about: 600, "\(ban4)")
        let ban6 = try namespace.elements(of: "ban6")
        assertTimeout(ban6["2001:db8::7"], about: 1200, "\(ban6)")
        XCTAssertFalse(firewall.isBlocked(try XCTUnwrap(IPAddress("192.0.2.7")), nowMilliseconds: NFTablesFirewall.realtimeMilliseconds()),
                       "the kernel drops it; the packet path has nothing left to check")

        try firewall.unban([try range("192.0.2.7")])
        XCTAssertNil(try namespace.elements(of: "ban4")["192.0.2.7"])
        XCTAssertNotNil(try namespace.elements(of: "ban6")["2001:db8::7"], "unbanning one address leaves the others")
    }

    func testRangeBansInBothFamiliesIncludingOverlaps() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([
            try ban("198.51.100.0/24", seconds: 300), try ban("10.0.0.0/8", seconds: 300), try ban("10.1.0.0/16", seconds: 900),
            try ban("2001:db8:bad::/48", seconds: 300),
        ])
        let bannet4 = try namespace.elements(of: "bannet4")
        XCTAssertNotNil(bannet4["198.51.100.0/24"], "\(bannet4)")
        // 10.1.0.0/16 outlives 10.0.0.0/8, so the /8 is cut around it: disjoint intervals.
        assertTimeout(bannet4["10.1.0.0/16"], about: 900, "\(bannet4)")
        assertTimeout(bannet4["10.0.0.0/16"], about: 300, "\(bannet4)")
        assertTimeout(bannet4["10.2.0.0-10.255.255.255"], about: 300, "\(bannet4)")
        XCTAssertNotNil(try namespace.elements(of: "bannet6")["2001:db8:bad::/48"])

        try firewall.unban([try range("10.1.0.0/16")])
        let after = try namespace.elements(of: "bannet4")
        // Rewritten with its remaining time, which may have ticked below 300 s meanwhile.
        XCTAssertTrue((290...300).contains((after["10.0.0.0/8"] ?? nil) ?? -1), "lifting the /16 leaves the whole /8 banned: \(after)")
        XCTAssertNil(after["10.1.0.0/16"])
    }

    func testReBanExtendsTheExpiryOnThisKernelAndByDeleteAndAdd() throws {
        for forced in [false, true] {
            let namespace = try NetworkNamespaceFixture()
            let firewall = try self.firewall(in: namespace, forceDeleteAndAdd: forced)
            if !forced { print("kernel refreshes timeouts on re-add: \(firewall.refreshesTimeoutsOnReAdd)") }
            try firewall.ban([try ban("192.0.2.9", seconds: 60)])
            try firewall.ban([try ban("192.0.2.9", seconds: 3600)])
            let timeout = try namespace.elements(of: "ban4")["192.0.2.9"]
            assertTimeout(timeout, about: 3600, "re-ban (delete-and-add forced: \(forced)) must extend")
            let listed = namespace.nft("list", "set", "inet", "sipwarden", "ban4")
            XCTAssertTrue(listed.contains("expires 59m") || listed.contains("expires 1h"), listed)
            try firewall.ban([try ban("192.0.2.9", seconds: 60)])
            assertTimeout(try namespace.elements(of: "ban4")["192.0.2.9"], about: 3600, "a shorter ban never shortens one in force")
            try firewall.ban([try ban("192.0.2.10", seconds: 60), try ban("192.0.2.10", seconds: 120), try ban("192.0.2.10", seconds: 90)])
            assertTimeout(try namespace.elements(of: "ban4")["192.0.2.10"], about: 120, "one target named thrice in a call: the latest expiry")
        }
    }

    func testAHundredThousandElementBatchArrivesComplete() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        let expiry = NFTablesFirewall.realtimeMilliseconds() + 3_600_000
        let bans = (0..<100_000).map { index in
            FirewallBan(target: IPRange(address: IPAddress(ipv4: 0x0A00_0000 + UInt32(index)), prefixLength: 32), expiresAtMilliseconds: expiry)
        }
        try firewall.ban(bans)
        let elements = try namespace.elements(of: "ban4")
        XCTAssertEqual(elements.count, 100_001, "100,000 bans and the sentinel")
        XCTAssertNotNil(elements["10.0.0.0"])
        XCTAssertNotNil(elements["10.1.134.159"], "the last one (10.0.0.0 + 99,999)")
        XCTAssertEqual(firewall.banCount, 100_000)
    }

    func testAllowedRangesAreMergedAndReplaced() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.setAllowed([try range("192.0.2.0/24"), try range("192.0.2.128/25"), try range("198.51.100.7"), try range("2001:db8::/32")])
        let allow4 = try namespace.elements(of: "allow4")
        XCTAssertNotNil(allow4["192.0.2.0/24"], "overlapping ranges merge: \(allow4)")
        XCTAssertNotNil(allow4["198.51.100.7"], "\(allow4)")
        XCTAssertNotNil(try namespace.elements(of: "allow6")["2001:db8::/32"])
        try firewall.setAllowed([try range("203.0.113.0/24")])
        let replaced = try namespace.elements(of: "allow4")
        XCTAssertNil(replaced["192.0.2.0/24"])
        XCTAssertNotNil(replaced["203.0.113.0/24"])
        XCTAssertEqual(try namespace.elements(of: "allow6").count, 1, "only the sentinel is left")
    }

    func testRestartReconcilesWithTheStore() throws {
        let namespace = try NetworkNamespaceFixture()
        do {
            let first = try self.firewall(in: namespace)
            try first.ban([try ban("192.0.2.1", seconds: 600), try ban("192.0.2.2", seconds: 600), try ban("203.0.113.0/24", seconds: 600)])
        }
        XCTAssertEqual(try namespace.elements(of: "ban4").count, 3, "the table outlives the backend object (daemon stop)")
        // The store says: 192.0.2.2 is still banned, 192.0.2.3 newly, the rest lapsed or lifted.
        let second = try NFTablesFirewall(
            options: NFTablesOptions(networkNamespace: namespace.name),
            bans: [try ban("192.0.2.2", seconds: 300), try ban("192.0.2.3", seconds: 300), try ban("2001:db8::3", seconds: 300)]
        )
        let ban4 = try namespace.elements(of: "ban4")
        XCTAssertEqual(Set(ban4.keys), ["0.0.0.0", "192.0.2.2", "192.0.2.3"])
        assertTimeout(ban4["192.0.2.2"], about: 300, "re-added with the store's remaining time")
        XCTAssertNil(try namespace.elements(of: "bannet4")["203.0.113.0/24"], "a stale range ban is removed")
        XCTAssertNotNil(try namespace.elements(of: "ban6")["2001:db8::3"])
        XCTAssertEqual(try second.verifyAndRepair(), [], "a reconciled table needs no repair")

        // restore() does the same on a running backend.
        try second.restore([try ban("198.51.100.1", seconds: 300)])
        XCTAssertEqual(Set(try namespace.elements(of: "ban4").keys), ["0.0.0.0", "198.51.100.1"])
        XCTAssertNil(try namespace.elements(of: "ban6")["2001:db8::3"])
    }

    func testLapsedRangeBansLeaveTheKernelWhole() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([try ban("10.9.0.0/16", seconds: 1), try ban("192.0.2.1", seconds: 1)])
        Thread.sleep(forTimeInterval: 2.5)
        // The kernel collected start and end together: an overlapping range goes in cleanly.
        XCTAssertNil(try namespace.elements(of: "bannet4")["10.9.0.0/16"])
        try firewall.ban([try ban("10.9.0.0/24", seconds: 60), try ban("10.9.0.0/8", seconds: 30)])
        let bannet4 = try namespace.elements(of: "bannet4")
        assertTimeout(bannet4["10.9.0.0/24"], about: 60, "\(bannet4)")
        XCTAssertNotNil(bannet4["10.0.0.0-10.8.255.255"], "\(bannet4)")
        try firewall.unban([try range("192.0.2.1")])
    }

    func testDriftIsRepairedAfterAFlushADeletedTableAndEditedRules() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([try ban("192.0.2.44", seconds: 600), try ban("198.51.100.0/24", seconds: 600)])
        try firewall.setAllowed([try range("192.0.2.200")])
        XCTAssertEqual(try firewall.verifyAndRepair(), [], "nothing to repair")

        namespace.nft("delete", "element", "inet", "sipwarden", "ban4", "{ 192.0.2.44 }")
        let afterDelete1 = try firewall.verifyAndRepair()
        XCTAssertEqual(afterDelete1.count, 1, "\(afterDelete1)")
        XCTAssertTrue(afterDelete1.first?.contains("set ban4") ?? false, "\(afterDelete1)")
        assertTimeout(try namespace.elements(of: "ban4")["192.0.2.44"], about: 600, "one element deleted by hand is put back")

        namespace.nft("flush", "set", "inet", "sipwarden", "ban4")
        let afterFlush = try firewall.verifyAndRepair()
        XCTAssertEqual(afterFlush.count, 1, "\(afterFlush)")
        XCTAssertTrue(afterFlush.first?.contains("set ban4") ?? false, "\(afterFlush)")
        XCTAssertNotNil(try namespace.elements(of: "ban4")["192.0.2.44"])

        // The rotating sample reaches every ban: one deleted among 300 is found within a few checks.
        try firewall.ban((1...300).map { FirewallBan(target: IPRange(address: IPAddress(ipv4: 0x0A05_0000 + UInt32($0)), prefixLength: 32),
                                                     expiresAtMilliseconds: NFTablesFirewall.realtimeMilliseconds() + 600_000) })
        namespace.nft("delete", "element", "inet", "sipwarden", "ban4", "{ 10.5.0.200 }")
        var found = false
        for _ in 0..<6 where !found { found = try !firewall.verifyAndRepair().isEmpty }
        XCTAssertTrue(found, "301 bans / 64 per check: six checks cover them all")
        XCTAssertNotNil(try namespace.elements(of: "ban4")["10.5.0.200"])

        namespace.nft("delete", "table", "inet", "sipwarden")
        let afterDelete = try firewall.verifyAndRepair()
        XCTAssertTrue(afterDelete.first?.contains("was missing") ?? false, "\(afterDelete)")
        XCTAssertNotNil(try namespace.elements(of: "ban4")["192.0.2.44"])
        XCTAssertNotNil(try namespace.elements(of: "bannet4")["198.51.100.0/24"])
        XCTAssertNotNil(try namespace.elements(of: "allow4")["192.0.2.200"])

        namespace.nft("flush", "chain", "inet", "sipwarden", "bans")
        let afterEdit = try firewall.verifyAndRepair()
        XCTAssertTrue(afterEdit.first?.contains("rules") ?? false, "\(afterEdit)")
        XCTAssertTrue(namespace.nft("list", "chain", "inet", "sipwarden", "bans").contains("ip saddr @ban4 counter"))
        XCTAssertEqual(try firewall.verifyAndRepair(), [])
    }

    func testAnotherToolsTableIsLeftAlone() throws {
        let namespace = try NetworkNamespaceFixture()
        let other = """
            table inet f2b-table {
                set addr-set-sshd { type ipv4_addr; elements = { 192.0.2.99 } }
                chain f2b-chain { type filter hook input priority filter - 1; policy accept; tcp dport 22 ip saddr @addr-set-sshd reject; }
            }
            """
        namespace.nft("-f", "-", input: other)
        let before = namespace.nft("list", "table", "inet", "f2b-table")
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([try ban("192.0.2.99", seconds: 60), try ban("10.0.0.0/8", seconds: 60)])
        try firewall.setAllowed([try range("192.0.2.1")])
        try firewall.unban([try range("192.0.2.99")])
        namespace.nft("flush", "set", "inet", "sipwarden", "ban4")
        _ = try firewall.verifyAndRepair()
        try firewall.removeTable()
        XCTAssertEqual(namespace.nft("list", "table", "inet", "f2b-table"), before)
        XCTAssertEqual(namespace.nftStatus("list", "table", "inet", "sipwarden").status, 1, "our table is gone after removeTable")
    }

    func testATableChangedByHandIsReportedClearly() throws {
        let namespace = try NetworkNamespaceFixture()
        namespace.nft("add", "table", "inet", "sipwarden")
        namespace.nft("add", "set", "inet", "sipwarden", "ban4", "{ type ipv6_addr; }")
        XCTAssertThrowsError(try firewall(in: namespace)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("set ban4"), text)
            XCTAssertTrue(text.contains("changed by hand"), text)
            XCTAssertTrue(text.contains("nft delete table inet sipwarden"), text)
        }
    }

    func testAnUnbanOfAnElementRemovedByHandStillSucceeds() throws {
        let namespace = try NetworkNamespaceFixture()
        let firewall = try self.firewall(in: namespace)
        try firewall.ban([try ban("192.0.2.5", seconds: 600), try ban("192.0.2.6", seconds: 600)])
        namespace.nft("delete", "element", "inet", "sipwarden", "ban4", "{ 192.0.2.5 }")
        try firewall.unban([try range("192.0.2.5"), try range("192.0.2.6")])
        XCTAssertEqual(Set(try namespace.elements(of: "ban4").keys), ["0.0.0.0"])
    }

    func testARefusedBatchNamesTheElementAndAppliesNothing() throws {
        let namespace = try NetworkNamespaceFixture()
        let connection = try NFTablesConnection(networkNamespace: namespace.name)
        _ = try firewall(in: namespace)
        var batch = connection.makeBatch()
        try batch.appendElements(.add, set: NFTablesLayout.ban4, table: "sipwarden", elements: [
            NFTablesSetElement.address(0xC000_0201, family: 4, timeoutMilliseconds: 60_000),
        ])
        try batch.appendElements(.delete, set: NFTablesLayout.ban4, table: "sipwarden", elements: [
            NFTablesSetElement.address(0xC000_0202, family: 4),
            NFTablesSetElement.address(0xC000_0203, family: 4),
        ])
        var thrown: NFTablesError?
        do { try connection.commit(batch) } catch { thrown = error }
        do {
            guard case .batchFailed(let failures)? = thrown else { return XCTFail("\(String(describing: thrown))") }
            XCTAssertEqual(failures.count, 1, "\(failures)")
            XCTAssertEqual(failures.first?.element, "192.0.2.2", "\(failures)")
            XCTAssertEqual(failures.first?.errno, ENOENT)
        }
        XCTAssertNil(try namespace.elements(of: "ban4")["192.0.2.1"], "a refused batch applies nothing, not even its first message")
    }
}

/// The shipped nft script (rules/nftables/sipwarden.nft) against the table the backend builds.
final class NFTablesScriptTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("rules/nftables/sipwarden.nft")

    /// Sets (name, type, flags), chains (name, hook, priority, policy) and rules (chain and
    /// expressions, counters zeroed) of table inet sipwarden, from `nft -j list table`.
    private func shape(_ namespace: NetworkNamespaceFixture) throws -> [String] {
        let output = namespace.nft("-j", "list", "table", "inet", "sipwarden")
        let items = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])?["nftables"] as? [[String: Any]])
        var lines: [String] = []
        func canonical(_ value: Any) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
        for item in items {
            if let set = item["set"] as? [String: Any] {
                lines.append("set \(set["name"] ?? "") \(set["type"] ?? "") \((set["flags"] as? [String]) ?? [])")
            } else if let chain = item["chain"] as? [String: Any] {
                lines.append("chain \(chain["name"] ?? "") \(chain["hook"] ?? "-") \(chain["prio"] ?? "-") \(chain["policy"] ?? "-")")
            } else if let rule = item["rule"] as? [String: Any] {
                let expressions = (rule["expr"] as? [[String: Any]] ?? []).map { expression -> [String: Any] in
                    expression["counter"] != nil ? ["counter": "zeroed"] : expression
                }
                lines.append("rule \(rule["chain"] ?? "") \(try canonical(expressions))")
            }
        }
        return lines
    }

    func testTheShippedScriptIsTheTableTheDaemonBuilds() throws {
        let loaded = try NetworkNamespaceFixture()
        loaded.nft("-f", Self.script.path)
        let built = try NetworkNamespaceFixture()
        _ = try NFTablesFirewall(options: NFTablesOptions(ports: [5060], networkNamespace: built.name))
        let expected = try shape(built)
        XCTAssertEqual(try shape(loaded), expected)
        XCTAssertEqual(expected.filter { $0.hasPrefix("rule") }.count, 8)

        // A table pre-loaded from the script is taken over as it is, elements kept.
        loaded.nft("add", "element", "inet", "sipwarden", "ban4", "{ 192.0.2.1 timeout 1h }")
        let adopted = try NFTablesFirewall(
            options: NFTablesOptions(ports: [5060], networkNamespace: loaded.name),
            bans: [FirewallBan(target: try XCTUnwrap(IPRange("192.0.2.1")), expiresAtMilliseconds: NFTablesFirewall.realtimeMilliseconds() + 3_600_000)]
        )
        XCTAssertEqual(try shape(loaded), expected)
        XCTAssertNotNil(try loaded.elements(of: "ban4")["192.0.2.1"])
        XCTAssertEqual(try adopted.verifyAndRepair(), [])
    }
}
