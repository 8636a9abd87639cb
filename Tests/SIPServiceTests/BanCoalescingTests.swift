import Firewall
import Foundation
import Logging
import PluginHost
import Registrar
import SecurityLog
import SIPService
import SIPWardenPolicy
import Store
import Synchronization
import XCTest

/// Bans decided on separate events, arriving while the previous bans are still being made
/// durable, are one store transaction and one firewall batch, not one fsync each; `ban.added`
/// is still recorded for each, after its transaction.
final class BanCoalescingTests: XCTestCase {
    /// Bans the source of every `auth.failed` event, one decision per event.
    private final class BanEveryFailure: PolicyPlugin {
        let name = "banner"
        let version = "1"
        func handle(_ event: SecurityEvent) throws -> [Decision] {
            guard event.kind == SecurityEventKind.authFailed, let source = IPAddress(event.sourceIP) else { return [] }
            return [.ban(BanRequest(target: IPRange(address: source, prefixLength: source.bitWidth), seconds: 600, reason: "failed"))]
        }
    }

    /// Counts the firewall batches (the memory backend does the enforcing).
    private final class CountingFirewall: FirewallBackend {
        let inner = MemoryFirewall()
        let batches = Mutex<[Int]>([])
        var name: String { "counting" }
        func ban(_ entries: [FirewallBan]) throws {
            batches.withLock { $0.append(entries.count) }
            try inner.ban(entries)
        }
        func unban(_ targets: [IPRange]) throws { try inner.unban(targets) }
        func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool { inner.isBlocked(address, nowMilliseconds: nowMilliseconds) }
        func setAllowed(_ ranges: [IPRange]) throws { try inner.setAllowed(ranges) }
    }

    private final class QuietHost: PolicyHost {
        func log(_ level: PolicyLogLevel, _ message: String) {}
        func isTrusted(_ address: IPAddress) -> Bool { false }
        func liveBindingCount(from address: IPAddress) -> Int { 0 }
        func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
    }

    func testBansFromFiftySeparateEventsAreFewerTransactionsAndAllDurable() throws {
        let directory = NSTemporaryDirectory() + "ban-coalesce-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "plugin: banner\n".write(toFile: directory + "/banner.yaml", atomically: true, encoding: .utf8)
        let store = try SIPWardenStore(path: directory + "/sipwarden.sqlite")
        let log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
        let firewall = CountingFirewall()
        let coordinator = try SecurityCoordinator(firewall: firewall, store: store, log: log, trusted: [], logger: Logger(label: "test"))

        // The first batch of decisions is held until every event was submitted: the bans of
        // the events queued meanwhile must then come as one batch, however the threads run.
        let allSubmitted = DispatchSemaphore(value: 0)
        let sinkCalls = Atomic<Int>(0)
        let host = PluginHost(
            pluginsDirectory: "", policiesDirectory: directory, host: QuietHost(), logger: Logger(label: "test"),
            factory: { _, _ in BanEveryFailure() }
        ) { decisions, plugin in
            if sinkCalls.add(1, ordering: .relaxed).newValue == 1 { allSubmitted.wait() }
            coordinator.apply(decisions, plugin: plugin)
        }
        defer { host.shutdown() }
        XCTAssertEqual(host.plugins.first?.state, .loaded)
        coordinator.attach(host)

        let count = 50
        for index in 1...count {
            host.submit(SecurityEvent(timeMilliseconds: 0, kind: SecurityEventKind.authFailed, sourceIP: "203.0.113.\(index)",
                                      sourcePort: 5060, transport: "UDP"))
        }
        allSubmitted.signal()
        XCTAssertTrue(host.flush(timeout: .seconds(30)))

        let batches = firewall.batches.withLock { $0 }
        XCTAssertEqual(batches.reduce(0, +), count, "every ban reached the firewall once: \(batches)")
        // Two batches when nothing else runs (the held one, then the rest); a preempted worker may
        // split the rest (a batch hands on after 20 ms), but never near one per event.
        XCTAssertLessThan(batches.count, count / 5, "the bans of the events queued while the first was applied come together: \(batches)")
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        XCTAssertEqual(Set(try store.bans(activeAt: now).map(\.target)), Set((1...count).map { "203.0.113.\($0)" }), "all durable")
        log.close()
        let lines = try String(contentsOfFile: directory + "/security.log", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"kind\":\"ban.added\"") }.count, count, "one ban.added per ban")
        try store.close()
    }

    func testTwoEventsAboutOneSourceInOneBatchAreOneBanKeepingTheLonger() throws {
        let directory = NSTemporaryDirectory() + "ban-coalesce-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SIPWardenStore(path: directory + "/sipwarden.sqlite")
        let log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
        let firewall = CountingFirewall()
        let coordinator = try SecurityCoordinator(firewall: firewall, store: store, log: log, trusted: [], logger: Logger(label: "test"))
        let target = try XCTUnwrap(IPRange("203.0.113.9"))
        coordinator.apply([
            .ban(BanRequest(target: target, seconds: 60, reason: "first event")),
            .alert(Alert(severity: "info", message: "between")),
            .ban(BanRequest(target: target, seconds: 900, reason: "second event")),
        ], plugin: "banner")
        XCTAssertEqual(firewall.batches.withLock { $0 }, [1], "one firewall entry for the two bans of one source")
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        let stored = try XCTUnwrap(try store.bans(activeAt: now).first { $0.target == "203.0.113.9" })
        XCTAssertGreaterThan(now.secondsUntil(stored.expiresAt), 600, "the longer ban is kept")
        log.close()
        try store.close()
    }
}
