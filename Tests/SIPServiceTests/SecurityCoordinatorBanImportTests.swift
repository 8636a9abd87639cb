import Firewall
import Foundation
import Logging
import Registrar
import SecurityLog
@testable import SIPService
import SIPWardenPolicy
import Store
import XCTest

/// A bulk import goes through the plugin bans' store and firewall path in batches of
/// `bansPerImportBatch`, single addresses first, and is counted target by target.
final class SecurityCoordinatorBanImportTests: XCTestCase {
    func testAnImportIsBatchedCountedAndAnnouncedByNoBanAdded() throws {
        let directory = NSTemporaryDirectory() + "ban-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SIPWardenStore(path: directory + "/sipwarden.sqlite")
        let log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
        let firewall = RecordingFirewall()
        let coordinator = try SecurityCoordinator(
            firewall: firewall, store: store, log: log, trusted: [try XCTUnwrap(IPRange("198.51.100.0/24"))], logger: Logger(label: "test"))
        let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
        // Banned before: one for longer than the import, one for shorter.
        _ = try XCTUnwrap(coordinator.ban(IPRange("10.64.0.1")!, seconds: 86_400, reason: "earlier", source: "bruteforce", evidence: [],
                                      now: Timestamp(milliseconds: now.milliseconds - 5_000)))
        _ = try XCTUnwrap(coordinator.ban(IPRange("10.64.0.2")!, seconds: 60, reason: "earlier", source: "bruteforce", evidence: [],
                                      now: Timestamp(milliseconds: now.milliseconds - 5_000)))
        firewall.banCalls.withLock { $0 = [] }

        var targets = [IPRange("203.0.113.0/24")!, IPRange("2001:db8:bad::/48")!]
        targets += (0..<2_500).map { IPRange("10.64.\($0 / 250).\($0 % 250 + 1)")! }
        targets += [IPRange("10.64.0.3")!, IPRange("198.51.100.7")!]  // a repeat; a trusted address
        let counts = try coordinator.importBans(targets, seconds: 3_600, reason: "list", source: "operator", now: now)

        XCTAssertEqual(counts, BanImportCounts(added: 2_500, extended: 1, alreadyBanned: 1, skipped: 2))
        let calls = firewall.banCalls.withLock { $0 }
        XCTAssertEqual(calls.map(\.count), [500, 500, 500, 500, 500, 2], "batches of 500; the trusted address is not sent")
        XCTAssertEqual(calls.last?.suffix(2).map(\.target.description), ["203.0.113.0/24", "2001:db8:bad::/48"], "ranges last")
        XCTAssertTrue(calls.dropLast().allSatisfy { $0.allSatisfy(\.target.isSingleAddress) })
        let stored = try store.bans(activeAt: now)
        XCTAssertEqual(stored.count, 2_502)
        XCTAssertEqual(stored.first { $0.target == "10.64.0.1" }?.reason, "earlier", "a longer ban is left as it was")
        XCTAssertEqual(stored.first { $0.target == "10.64.0.2" }?.expiresAt, now.adding(seconds: 3_600), "a shorter one is extended")
        XCTAssertFalse(stored.contains { $0.target == "198.51.100.7" })
        log.close()
        let lines = try String(contentsOfFile: directory + "/security.log", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.filter { $0.contains("\"kind\":\"ban.added\"") }.count, 2, "only the two bans before the import")
        try store.close()
    }
}
