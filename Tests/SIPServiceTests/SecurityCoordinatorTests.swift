import Firewall
import Foundation
import Logging
import Registrar
import SecurityLog
import SIPWardenPolicy
import Store
import StoreTesting
import XCTest

@testable import SIPService

/// The security coordinator over the in-memory store: runs of plugin bans batched into one
/// store transaction and one firewall batch, unbans, the sweep of lapsed bans, trusted
/// addresses never banned, and a failed store write banning nothing.
final class SecurityCoordinatorTests: XCTestCase {
    private var directory = ""
    private var store = MemoryStore()
    private var firewall = RecordingFirewall()
    private var log: SecurityLog?

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "coordinator-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = MemoryStore()
        firewall = RecordingFirewall()
        log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
    }

    override func tearDown() {
        log?.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func coordinator(trusted: [String] = []) throws -> SecurityCoordinator {
        try SecurityCoordinator(
            firewall: firewall, store: store, log: try XCTUnwrap(log), trusted: trusted.compactMap(IPRange.init), logger: Logger(label: "test"))
    }

    private func ban(_ target: String, seconds: Int = 900) -> Decision {
        .ban(BanRequest(target: IPRange(target)!, seconds: seconds, reason: "test"))
    }

    /// The log's lines (events and decisions) as JSON objects.
    private func lines() throws -> [[String: Any]] {
        log?.flush()
        let text = try String(contentsOfFile: directory + "/security.log", encoding: .utf8)
        return try text.split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    private func eventKinds() throws -> [String] {
        try lines().filter { $0["type"] as? String == "event" }.compactMap { $0["kind"] as? String }
    }

    func testEachRunOfBansIsOneBatchAndAnUnbanBetweenSplitsThem() throws {
        let coordinator = try coordinator()
        coordinator.apply([ban("203.0.113.1"), ban("203.0.113.2"), .unban(target: IPRange("203.0.113.1")!, reason: "forgiven"),
                           ban("203.0.113.3"), ban("2001:db8::1")], plugin: "bruteforce")
        let batches = firewall.banCalls.withLock { $0 }.map { $0.map(\.target.description) }
        XCTAssertEqual(batches, [["203.0.113.1", "203.0.113.2"], ["203.0.113.3", "2001:db8::1"]])
        XCTAssertEqual(firewall.unbanCalls.withLock { $0 }.map { $0.map(\.description) }, [["203.0.113.1"]])
        let now = SystemClock.now()
        XCTAssertEqual(Set(try store.bans(activeAt: now).map(\.target)), ["203.0.113.2", "203.0.113.3", "2001:db8::1"])
        XCTAssertEqual(try eventKinds(), ["ban.added", "ban.added", "ban.removed", "ban.added", "ban.added"])
        XCTAssertEqual(store.banHistory.map(\.action), [.added, .added, .removed, .added, .added])
    }

    /// Bug fix: a plugin's unban was recorded in the ban history as lifted by "operator", for
    /// "lifted", whatever plugin lifted it and why.
    func testTheBanHistoryNamesWhoLiftedABanAndWhy() throws {
        let coordinator = try coordinator()
        coordinator.apply([ban("203.0.113.30")], plugin: "bruteforce")
        coordinator.apply([.unban(target: IPRange("203.0.113.30")!, reason: "password reset")], plugin: "hijack")
        let removed = store.banHistory.filter { $0.action == .removed }
        XCTAssertEqual(removed.count, 1)
        XCTAssertEqual(removed.first?.source, "hijack")
        XCTAssertEqual(removed.first?.reason, "password reset")
    }

    func testUnbanningWhatIsNotBannedChangesNothingButIsLogged() throws {
        let coordinator = try coordinator()
        coordinator.apply([.unban(target: IPRange("198.51.100.9")!, reason: "nothing")], plugin: "bruteforce")
        XCTAssertEqual(try eventKinds(), [])
        let decisions = try lines().filter { $0["type"] as? String == "decision" }
        XCTAssertEqual(decisions.count, 1)
        XCTAssertEqual(decisions.first?["outcome"] as? String, "not banned")
        XCTAssertTrue(store.banHistory.isEmpty)
    }

    func testATrustedAddressIsLeftOutOfTheBatch() throws {
        let coordinator = try coordinator(trusted: ["198.51.100.0/24"])
        coordinator.apply([ban("198.51.100.7"), ban("203.0.113.7")], plugin: "scanner")
        XCTAssertEqual(firewall.banCalls.withLock { $0 }.map { $0.map(\.target.description) }, [["203.0.113.7"]])
        XCTAssertEqual(try store.bans(activeAt: SystemClock.now()).map(\.target), ["203.0.113.7"])
        let outcomes = try lines().filter { $0["type"] as? String == "decision" }.compactMap { $0["outcome"] as? String }
        XCTAssertEqual(outcomes, ["refused: trusted", "applied"])
    }

    func testAReBanKeepsTheLongerExpiry() throws {
        let coordinator = try coordinator()
        coordinator.apply([ban("203.0.113.8", seconds: 3600)], plugin: "bruteforce")
        let first = try XCTUnwrap(try store.ban(target: "203.0.113.8", activeAt: nil))
        coordinator.apply([ban("203.0.113.8", seconds: 60)], plugin: "ratelimit")
        let second = try XCTUnwrap(try store.ban(target: "203.0.113.8", activeAt: nil))
        XCTAssertEqual(second.expiresAt, first.expiresAt)
        XCTAssertEqual(second.source, "bruteforce")
        // The firewall was told the effective (longer) expiry both times.
        let expiries = firewall.banCalls.withLock { $0 }.flatMap { $0.map(\.expiresAtMilliseconds) }
        XCTAssertEqual(expiries, [first.expiresAt.milliseconds, first.expiresAt.milliseconds])
    }

    func testAFailedStoreWriteBansNothingAndSaysSo() throws {
        let coordinator = try coordinator()
        store.failWrites = true
        coordinator.apply([ban("203.0.113.9"), ban("203.0.113.10")], plugin: "bruteforce")
        store.failWrites = false
        XCTAssertTrue(firewall.banCalls.withLock { $0 }.isEmpty, "the firewall is not told of bans the store did not keep")
        XCTAssertTrue(try store.bans(activeAt: SystemClock.now()).isEmpty)
        XCTAssertEqual(try eventKinds(), [])
        let outcomes = try lines().filter { $0["type"] as? String == "decision" }.compactMap { $0["outcome"] as? String }
        XCTAssertEqual(outcomes.count, 2)
        XCTAssertTrue(outcomes.allSatisfy { $0.hasPrefix("failed: ") }, "\(outcomes)")
    }

    func testTheSweepLiftsLapsedBansInOneFirewallBatch() throws {
        let coordinator = try coordinator()
        let now = SystemClock.now()
        let lapsed = ["203.0.113.20", "203.0.113.21", "192.0.2.0/24"].map { target in
            StoredBan(target: target, createdAt: now.adding(seconds: -120), expiresAt: now.adding(seconds: -60), source: "bruteforce", reason: "old")
        }
        let live = StoredBan(target: "203.0.113.22", createdAt: now, expiresAt: now.adding(seconds: 600), source: "bruteforce", reason: "new")
        try store.upsertBans(lapsed + [live])
        coordinator.sweepBans()
        XCTAssertEqual(firewall.unbanCalls.withLock { $0 }.map { Set($0.map(\.description)) }, [["203.0.113.20", "203.0.113.21", "192.0.2.0/24"]])
        XCTAssertEqual(try store.bans(activeAt: SystemClock.now()).map(\.target), ["203.0.113.22"])
        XCTAssertNil(try store.ban(target: "203.0.113.20", activeAt: nil))
        let expired = try lines().filter { $0["kind"] as? String == "ban.expired" }
        XCTAssertEqual(expired.count, 3)
        XCTAssertEqual(expired.map { $0["source_ip"] as? String ?? "" }.sorted(), ["", "203.0.113.20", "203.0.113.21"], "a range names no source")
        coordinator.sweepBans()
        XCTAssertEqual(firewall.unbanCalls.withLock { $0 }.count, 1, "nothing more to lift")
    }
}
