import Foundation
import XCTest

/// Two real daemons in one network namespace: one owner per nftables table. A second daemon for
/// the same table refuses (`firewall: nftables`) or falls back to memory with a warning
/// (`auto`), naming the owner's pid, and never touches the owner's table; the claim goes with
/// the owner, even killed with SIGKILL; daemons with their own `nftables.table` run side by
/// side without "repairing" each other.
final class NFTablesOwnershipEndToEndTests: XCTestCase {
    private func daemon(
        _ label: String, in namespaces: VethNamespaces, host: String, port: Int, firewall: String = "nftables", yaml: String = ""
    ) throws -> DaemonProcess {
        let configFile = try TestEnvironment.temporaryDirectory("\(label)-config").appendingPathComponent("sipwarden.yaml")
        try yaml.write(to: configFile, atomically: true, encoding: .utf8)
        return try DaemonProcess(
            label: label,
            extraArguments: ["--config", configFile.path, "--firewall", firewall, "--policies-dir", try PolicyDirectories.allDisabled().path],
            namespace: namespaces.server, host: host, port: port
        )
    }

    /// The handles of every rule, chain and set of `table`: they change when a daemon rewrites
    /// the table's layout.
    private func handles(_ namespaces: VethNamespaces, table: String = "sipwarden") throws -> [String] {
        try namespaces.nft(["-a", "list", "table", "inet", table]).split(separator: "\n").compactMap { line in
            line.range(of: "# handle ").map { String(line[$0.upperBound...]) + " " + line.trimmingCharacters(in: .whitespaces).prefix(12) }
        }
    }

    private func elements(_ namespaces: VethNamespaces, table: String = "sipwarden", set: String = "ban4") throws -> String {
        try namespaces.nft(["list", "set", "inet", table, set])
    }

    func testASecondDaemonForTheSameTableRefusesNamingTheOwnerAndTheClaimGoesWithAKilledOwner() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.236.0.1/24"], clientAddresses: ["10.236.0.2/24"])
        let first = try daemon("own-first", in: namespaces, host: "10.236.0.1", port: 5060, yaml: "nftables:\n  check_interval: 1\n")
        try first.start()
        XCTAssertEqual(try first.ctl(["ban", "add", "10.236.0.2", "--for", "1h", "--reason", "test"]).status, 0)
        let before = try handles(namespaces)
        XCTAssertFalse(before.isEmpty)
        XCTAssertTrue(try elements(namespaces).contains("10.236.0.2"))

        // The second one: same namespace, same (default) table, its own port and data.
        let data = try TestEnvironment.temporaryDirectory("own-second")
        defer { try? FileManager.default.removeItem(at: data) }
        let refused = try ProcessRunner.run("/usr/bin/env", [
            "ip", "netns", "exec", namespaces.server, "timeout", "--signal=KILL", "30", try TestEnvironment.program("sipwarden"),
            "--listen", "udp:10.236.0.1:5062", "--data-dir", data.path, "--firewall", "nftables",
            "--policies-dir", try PolicyDirectories.allDisabled().path,
        ], timeout: 60)
        let refusal = refused.stdout + refused.stderr
        XCTAssertEqual(refused.status, 1, "refuses at once with an error, not killed at the timeout (137):\n\(refusal)")
        XCTAssertTrue(refusal.contains(
            "firewall: nftables cannot be used: table inet sipwarden is already owned by another sipwarden (pid \(first.pid)) in this network namespace; "
                + "stop it, or give this instance its own table with nftables.table: NAME"), refusal)
        XCTAssertFalse(refusal.contains("listening"), "it stops before opening its SIP sockets:\n\(refusal)")

        // The owner's table is as it was: same objects, its ban still in, still dropping.
        XCTAssertEqual(try handles(namespaces), before, "the refused daemon changed nothing in the table")
        XCTAssertTrue(try elements(namespaces).contains("10.236.0.2"), "the refused daemon (with an empty store) removed no ban")
        XCTAssertEqual(try namespaces.probe(["options", "10.236.0.2", "10.236.0.1", "5060"]), "NOREPLY\n")
        // Several check intervals later the owner has found nothing to repair.
        usleep(3_500_000)
        XCTAssertTrue(first.isRunning)
        XCTAssertFalse(first.log().contains("firewall drift repaired"), first.log())
        XCTAssertEqual(try handles(namespaces), before)

        // Killed with SIGKILL, the owner cannot release anything itself: the kernel does.
        let killedPid = first.pid
        first.kill9()
        let next = try daemon("own-next", in: namespaces, host: "10.236.0.1", port: 5064)
        try next.start()
        XCTAssertTrue(next.log().contains("nftables backend (as configured): table inet sipwarden"), next.log())
        XCTAssertFalse(next.log().contains("pid \(killedPid)"), next.log())
        let status = try JSONSerialization.jsonObject(with: Data(try next.ctlOK(["status", "--json"]).utf8)) as? [String: Any]
        XCTAssertEqual(status?["firewall"] as? String, "nftables")
        // Its store has no bans: as the table's new owner it brings the table to its own view.
        XCTAssertFalse(try elements(namespaces).contains("10.236.0.2"))
    }

    func testDaemonsWithTheirOwnTablesRunSideBySideAndNeitherRepairsTheOther() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.237.0.1/24"], clientAddresses: ["10.237.0.2/24", "10.237.0.3/24"])
        let a = try daemon("own-a", in: namespaces, host: "10.237.0.1", port: 5060, yaml: "nftables:\n  table: sw_a\n  check_interval: 1\n")
        let b = try daemon("own-b", in: namespaces, host: "10.237.0.1", port: 5062,
                           yaml: "nftables:\n  table: sw-b\n  check_interval: 1\n  remove_table_on_stop: true\n")
        try a.start()
        try b.start()
        XCTAssertTrue(a.log().contains("nftables backend (as configured): table inet sw_a"), a.log())
        XCTAssertTrue(b.log().contains("nftables backend (as configured): table inet sw-b"), b.log())
        XCTAssertThrowsError(try namespaces.nft(["list", "table", "inet", "sipwarden"]), "neither uses the default table")
        for (daemon, table) in [(a, "sw_a"), (b, "sw-b")] {
            XCTAssertTrue(try daemon.ctlOK(["status"]).contains("bans enforced by the nftables firewall (table inet \(table))."))
            let status = try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["status", "--json"]).utf8)) as? [String: Any]
            XCTAssertEqual(status?["firewall_table"] as? String, "inet \(table)", "status says which table this instance owns")
        }

        XCTAssertEqual(try a.ctl(["ban", "add", "10.237.0.2", "--for", "1h", "--reason", "test"]).status, 0)
        XCTAssertEqual(try b.ctl(["ban", "add", "10.237.0.3", "--for", "1h", "--reason", "test"]).status, 0)
        let inA = try elements(namespaces, table: "sw_a"), inB = try elements(namespaces, table: "sw-b")
        XCTAssertTrue(inA.contains("10.237.0.2") && !inA.contains("10.237.0.3"), inA)
        XCTAssertTrue(inB.contains("10.237.0.3") && !inB.contains("10.237.0.2"), inB)
        // Each table guards its own daemon's port only.
        XCTAssertEqual(try namespaces.probe(["options", "10.237.0.2", "10.237.0.1", "5060"]), "NOREPLY\n")
        XCTAssertEqual(try namespaces.probe(["options", "10.237.0.2", "10.237.0.1", "5062"]), "REPLY 200\n")
        XCTAssertEqual(try namespaces.probe(["options", "10.237.0.3", "10.237.0.1", "5062"]), "NOREPLY\n")
        XCTAssertEqual(try namespaces.probe(["options", "10.237.0.3", "10.237.0.1", "5060"]), "REPLY 200\n")

        let handlesA = try handles(namespaces, table: "sw_a"), handlesB = try handles(namespaces, table: "sw-b")
        // More than three check intervals: each checked its own table and found it as it left it.
        usleep(3_500_000)
        for daemon in [a, b] {
            XCTAssertTrue(daemon.isRunning)
            XCTAssertFalse(daemon.log().contains("firewall drift repaired"), daemon.log())
        }
        XCTAssertEqual(try handles(namespaces, table: "sw_a"), handlesA)
        XCTAssertEqual(try handles(namespaces, table: "sw-b"), handlesB)
        XCTAssertTrue(try elements(namespaces, table: "sw_a").contains("10.237.0.2"))
        XCTAssertTrue(try elements(namespaces, table: "sw-b").contains("10.237.0.3"))

        // remove_table_on_stop removes its own table only.
        b.stop()
        XCTAssertThrowsError(try namespaces.nft(["list", "table", "inet", "sw-b"]), "b removed its table")
        XCTAssertTrue(try elements(namespaces, table: "sw_a").contains("10.237.0.2"), "a's table and ban are untouched")
        XCTAssertEqual(try handles(namespaces, table: "sw_a"), handlesA)
    }

    func testAnAutoSecondDaemonFallsBackToMemoryWithAWarningNamingTheOwner() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.238.0.1/24"], clientAddresses: ["10.238.0.2/24"])
        let first = try daemon("own-auto-first", in: namespaces, host: "10.238.0.1", port: 5060)
        try first.start()
        XCTAssertEqual(try first.ctl(["ban", "add", "192.0.2.7", "--for", "1h", "--reason", "test"]).status, 0)
        let before = try handles(namespaces)

        let second = try daemon("own-auto-second", in: namespaces, host: "10.238.0.1", port: 5062, firewall: "auto")
        try second.start()
        let line = second.log().split(separator: "\n").first { $0.contains("firewall: memory backend (auto: nftables is not usable here") }
        let fallback = try XCTUnwrap(line.map(String.init), second.log())
        XCTAssertTrue(fallback.contains(" warning "), "logged at warning level: \(fallback)")
        XCTAssertTrue(fallback.contains("table inet sipwarden is already owned by another sipwarden (pid \(first.pid)) in this network namespace"), fallback)
        XCTAssertTrue(try second.ctlOK(["status"]).contains("bans enforced by the memory firewall"))
        let status = try JSONSerialization.jsonObject(with: Data(try second.ctlOK(["status", "--json"]).utf8)) as? [String: Any]
        XCTAssertEqual(status?["firewall"] as? String, "memory")
        XCTAssertNil(status?["firewall_table"], "the memory firewall owns no table")

        // Its bans stay in its own memory; the owner's table is untouched.
        XCTAssertEqual(try second.ctl(["ban", "add", "10.238.0.2", "--for", "1h", "--reason", "test"]).status, 0)
        let ban4 = try elements(namespaces)
        XCTAssertFalse(ban4.contains("10.238.0.2"), ban4)
        XCTAssertTrue(ban4.contains("192.0.2.7"), "the owner's ban is still there: \(ban4)")
        XCTAssertEqual(try handles(namespaces), before)
        XCTAssertEqual(try namespaces.probe(["options", "10.238.0.2", "10.238.0.1", "5062"]), "NOREPLY\n", "the memory backend drops it in the daemon")
        XCTAssertEqual(try namespaces.probe(["options", "10.238.0.2", "10.238.0.1", "5060"]), "REPLY 200\n", "the owner has not banned it")
    }
}
