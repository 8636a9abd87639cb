import Foundation
import XCTest

/// `sipwardenctl ban import`: a blocklist file through the control API into the store and the
/// firewall, against a real daemon (the nftables one inside network namespaces).
final class BanImportEndToEndTests: XCTestCase {
    /// `count` distinct host addresses of 10.64.0.0/16, one per line.
    private func hosts(_ count: Int) -> [String] {
        (0..<count).map { "10.64.\($0 / 250).\($0 % 250 + 1)" }
    }

    private func write(_ lines: [String], _ name: String) throws -> String {
        let file = try TestEnvironment.temporaryDirectory("ban-import-file").appendingPathComponent(name)
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    private func banList(_ daemon: DaemonProcess) throws -> [[String: Any]] {
        let output = try daemon.ctlOK(["ban", "list", "--json"])
        guard let bans = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else {
            throw SIPTestClientError("ban list --json did not print an array: \(output.prefix(200))")
        }
        return bans
    }

    private func importCounts(_ daemon: DaemonProcess, _ arguments: [String]) throws -> [String: Int] {
        let result = try daemon.ctl(["ban", "import"] + arguments + ["--json"], timeout: 120)
        guard result.status == 0 else { throw SIPTestClientError("ban import \(arguments) failed (\(result.status)): \(result.stderr)") }
        guard let counts = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Int] else {
            throw SIPTestClientError("ban import --json did not print an object of counts: \(result.stdout)")
        }
        return counts
    }

    func testABlocklistIsImportedAllOrNoneListedAndKeptAcrossARestart() throws {
        let daemon = try DaemonProcess.started("ban-import", yaml: "trusted: [192.0.2.9]\n")
        defer { daemon.stop() }
        // 5,000 lines: comments, blank lines, 4,996 addresses, a repeat (written two ways), two ranges.
        var lines = ["# community blocklist", ""] + hosts(4_996) + ["10.64.0.1/32   # again", "198.51.100.0/24", "2001:db8:bad::/48"]
        lines.insert("   10.64.0.2\t", at: 3)  // the same address again, padded
        let path = try write(lines, "blocklist.txt")
        let counts = try importCounts(daemon, [path, "--duration", "2h", "--reason", "community list"])
        XCTAssertEqual(counts["targets"], 5_000, "\(counts)")
        XCTAssertEqual(counts["added"], 4_998, "\(counts)")
        XCTAssertEqual(counts["skipped"], 2, "the two repeats: \(counts)")
        XCTAssertEqual(counts["extended"], 0, "\(counts)")
        XCTAssertEqual(counts["seconds"], 7_200, "\(counts)")

        var bans = try banList(daemon)
        XCTAssertEqual(bans.count, 4_998)
        let byAddress = Dictionary(bans.map { ($0["address"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        XCTAssertEqual(byAddress["198.51.100.0/24"]?["reason"] as? String, "community list")
        XCTAssertEqual(byAddress["2001:db8:bad::/48"]?["source"] as? String, "operator")
        XCTAssertNotNil(byAddress["10.64.19.246"], "the last generated host")
        XCTAssertTrue(daemon.log().contains("audit: bans imported"), daemon.log().suffix(2000).description)
        let events = try daemon.ctlOK(["events", "--json"])
        XCTAssertTrue(events.contains("ban.imported"), "one summary event: \(events.suffix(1500))")
        XCTAssertFalse(events.contains("ban.added"), "no ban.added per imported ban")

        // A bad line and a trusted address: refused by line number and by entry, nothing banned.
        let bad = try write(["10.70.0.1", "10.70.0.2", "10.70.0.300", "10.70.0.4", "0.0.0.0/0"], "bad.txt")
        let refused = try daemon.ctl(["ban", "import", bad])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("bad.txt:3: '10.70.0.300' is not an IP address"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("bad.txt:5: '0.0.0.0/0' is too wide"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing was banned"), refused.stderr)
        let trusted = try write(["10.70.0.1", "192.0.2.9"], "trusted.txt")
        let refusedTrusted = try daemon.ctl(["ban", "import", trusted])
        XCTAssertNotEqual(refusedTrusted.status, 0)
        XCTAssertTrue(refusedTrusted.stderr.contains("targets[1]: 192.0.2.9 is in a trusted range"), refusedTrusted.stderr)
        bans = try banList(daemon)
        XCTAssertEqual(bans.count, 4_998, "a refused import bans nothing")
        XCTAssertFalse(bans.contains { $0["address"] as? String == "10.70.0.1" })

        // Importing again for longer extends; for shorter leaves the longer bans as they are.
        let again = try write(["10.64.0.1", "10.64.0.2", "10.71.0.1"], "again.txt")
        let longer = try importCounts(daemon, [again, "--for", "1d"])
        XCTAssertEqual(longer["extended"], 2, "\(longer)")
        XCTAssertEqual(longer["added"], 1, "\(longer)")
        let shorter = try importCounts(daemon, [again, "--for", "10m"])
        XCTAssertEqual(shorter["already_banned"], 3, "\(shorter)")

        // Acknowledged after the commit: a restart keeps every ban.
        daemon.stop()
        try daemon.start()
        bans = try banList(daemon)
        XCTAssertEqual(bans.count, 4_999, "kept across the restart")
        let restored = bans.first { $0["address"] as? String == "10.64.0.1" }
        XCTAssertGreaterThan(restored?["expires_in"] as? Int ?? 0, 7_200, "the extension was stored too")
    }

    func testAnImportedBlocklistIsInTheKernelSetsAndDropsItsSources() throws {
        let namespaces = try VethNamespaces(
            serverAddresses: ["10.233.0.1/24", "10.233.1.1/24"], clientAddresses: ["10.233.0.2/24", "10.233.0.3/24", "10.233.1.5/24"])
        let configFile = try TestEnvironment.temporaryDirectory("ban-import-nft").appendingPathComponent("sipwarden.yaml")
        try "trusted: []\n".write(to: configFile, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            label: "ban-import-nft", extraArguments: ["--config", configFile.path, "--firewall", "nftables"],
            namespace: namespaces.server, host: "0.0.0.0", port: 5060)
        try daemon.start()
        defer { daemon.stop() }
        XCTAssertEqual(try namespaces.probe(["options", "10.233.0.2", "10.233.0.1", "5060"]), "REPLY 200\n", "before the import")

        let path = try write(hosts(4_998) + ["10.233.0.2", "10.233.1.0/24"], "blocklist.txt")
        let counts = try importCounts(daemon, [path, "--for", "1h"])
        XCTAssertEqual(counts["added"], 5_000, "\(counts)")
        let singles = try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"])
        XCTAssertEqual(singles.components(separatedBy: "10.64.").count - 1, 4_998, "every imported address is a kernel set element")
        XCTAssertTrue(singles.contains("10.233.0.2"))
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "bannet4"]).contains("10.233.1.0/24"))
        XCTAssertEqual(try namespaces.probe(["options", "10.233.0.2", "10.233.0.1", "5060"]), "NOREPLY\n", "an imported address")
        XCTAssertEqual(try namespaces.probe(["options", "10.233.1.5", "10.233.0.1", "5060"]), "NOREPLY\n", "inside an imported range")
        XCTAssertEqual(try namespaces.probe(["options", "10.233.0.3", "10.233.0.1", "5060"]), "REPLY 200\n", "a neighbour not listed")

        // Restored into emptied sets from the store at the next start.
        daemon.stop()
        try namespaces.nft(["flush", "set", "inet", "sipwarden", "ban4"])
        try daemon.start()
        let restored = try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"])
        XCTAssertEqual(restored.components(separatedBy: "10.64.").count - 1, 4_998, "restored from the store")
        XCTAssertEqual(try namespaces.probe(["options", "10.233.0.2", "10.233.0.1", "5060"]), "NOREPLY\n", "after the restart")
    }
}
