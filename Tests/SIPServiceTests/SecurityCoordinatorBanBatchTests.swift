import Firewall
import Foundation
import Logging
import Registrar
import SecurityLog
import SIPService
import SIPWardenPolicy
import Store
import Synchronization
import XCTest

/// A plugin decision naming many addresses (a password spray) is applied as one store
/// transaction and one firewall batch, not one fsync and one netlink round trip per address.
final class SecurityCoordinatorBanBatchTests: XCTestCase {
    /// A firewall that records every call (the memory backend does the enforcing).
    private final class RecordingFirewall: FirewallBackend {
        let inner = MemoryFirewall()
        let banCalls = Mutex<[[FirewallBan]]>([])
        var name: String { "recording" }
        func ban(_ entries: [FirewallBan]) throws {
            banCalls.withLock { $0.append(entries) }
            try inner.ban(entries)
        }
        func unban(_ targets: [IPRange]) throws { try inner.unban(targets) }
        func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool { inner.isBlocked(address, nowMilliseconds: nowMilliseconds) }
        func setAllowed(_ ranges: [IPRange]) throws { try inner.setAllowed(ranges) }
    }

    func testASprayOfTwentyBansIsOneFirewallBatchAndAllAreStored() throws {
        let directory = NSTemporaryDirectory() + "ban-batch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SIPWardenStore(path: directory + "/sipwarden.sqlite")
        let log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
        let firewall = RecordingFirewall()
        let trusted = try XCTUnwrap(IPRange("198.51.100.0/24"))
        let coordinator = try SecurityCoordinator(firewall: firewall, store: store, log: log, trusted: [trusted], logger: Logger(label: "test"))

        var decisions: [Decision] = (1...20).map { index in
            .ban(BanRequest(target: IPRange("203.0.113.\(index)")!, seconds: 900, reason: "password spray"))
        }
        decisions.insert(.ban(BanRequest(target: IPRange("198.51.100.7")!, seconds: 900, reason: "password spray")), at: 10)
        decisions.append(.alert(Alert(severity: "warning", message: "spray against 1001")))
        coordinator.apply(decisions, plugin: "bruteforce")

        let calls = firewall.banCalls.withLock { $0 }
        XCTAssertEqual(calls.count, 1, "one firewall batch for the whole spray")
        XCTAssertEqual(calls.first?.count, 20, "the trusted address is not in it")
        let stored = try store.bans(activeAt: Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
        XCTAssertEqual(Set(stored.map(\.target)), Set((1...20).map { "203.0.113.\($0)" }))
        XCTAssertTrue(firewall.isBlocked(IPAddress("203.0.113.20")!, nowMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
        XCTAssertFalse(firewall.isBlocked(IPAddress("198.51.100.7")!, nowMilliseconds: Int64(Date().timeIntervalSince1970 * 1000)))
        log.close()
        let lines = try String(contentsOfFile: directory + "/security.log", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"kind\":\"ban.added\"") }.count, 20)
        XCTAssertEqual(lines.filter { $0.contains("\"outcome\":\"refused: trusted\"") }.count, 1)
        XCTAssertEqual(lines.filter { $0.contains("\"action\":\"alert\"") }.count, 1, "the alert after the bans is still carried out")
        try store.close()
    }
}
