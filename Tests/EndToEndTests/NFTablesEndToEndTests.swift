import Foundation
import XCTest

/// The daemon with `firewall: nftables`, in a network namespace of its own, reached over a veth
/// pair from another namespace: what the kernel drops never reaches the daemon's socket.
final class NFTablesEndToEndTests: XCTestCase {
    private func policiesCopy() throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory("policies")
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/policies")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".yaml") {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    private func startDaemon(_ label: String, in namespaces: VethNamespaces, host: String, config: String) throws -> DaemonProcess {
        let configFile = try TestEnvironment.temporaryDirectory(label).appendingPathComponent("sipwarden.yaml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(
            label: label, extraArguments: ["--config", configFile.path, "--firewall", "nftables", "--policies-dir", try policiesCopy().path],
            namespace: namespaces.server, host: host, port: 5060
        )
        try daemon.start()
        return daemon
    }

    func testBannedSourcesAndRangesAreDroppedInTheKernelAndTrustedOnesPass() throws {
        let namespaces = try VethNamespaces(
            serverAddresses: ["10.231.0.1/24", "10.231.1.1/24"],
            clientAddresses: ["10.231.0.2/24", "10.231.0.3/24", "10.231.1.5/24", "10.231.1.9/24"]
        )
        let daemon = try startDaemon("nft-packets", in: namespaces, host: "0.0.0.0", config: "trusted: [10.231.1.9]\n")
        XCTAssertTrue(daemon.log().contains("nftables backend (as configured)"), daemon.log())
        XCTAssertTrue(try daemon.ctlOK(["status"]).contains("bans enforced by the nftables firewall"))
        let status = try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["status", "--json"]).utf8)) as? [String: Any]
        XCTAssertEqual(status?["firewall"] as? String, "nftables")
        for source in ["10.231.0.2", "10.231.0.3", "10.231.1.5", "10.231.1.9"] {
            XCTAssertEqual(try namespaces.probe(["options", source, "10.231.0.1", "5060"]), "REPLY 200\n", "\(source) before any ban")
        }

        for target in ["10.231.0.2", "10.231.1.0/24"] {
            let result = try daemon.ctl(["ban", "add", target, "--for", "1h", "--reason", "test"])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"]).contains("10.231.0.2"))
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "bannet4"]).contains("10.231.1.0/24"))
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "allow4"]).contains("10.231.1.9"))

        let single = try namespaces.counter(chain: "bans", rule: "@ban4")
        let range = try namespaces.counter(chain: "bans", rule: "@bannet4")
        let allowed = try namespaces.counter(chain: "prerouting", rule: "@allow4")
        XCTAssertEqual(try namespaces.probe(["options", "10.231.0.2", "10.231.0.1", "5060"]), "NOREPLY\n", "a banned address")
        XCTAssertEqual(try namespaces.probe(["options", "10.231.0.3", "10.231.0.1", "5060"]), "REPLY 200\n", "its neighbour")
        XCTAssertEqual(try namespaces.probe(["options", "10.231.1.5", "10.231.0.1", "5060"]), "NOREPLY\n", "inside a banned range")
        XCTAssertEqual(try namespaces.probe(["options", "10.231.1.9", "10.231.0.1", "5060"]), "REPLY 200\n", "trusted inside a banned range")
        // The kernel's counters show where the packets went: dropped at prerouting, before the socket.
        XCTAssertGreaterThan(try namespaces.counter(chain: "bans", rule: "@ban4"), single)
        XCTAssertGreaterThan(try namespaces.counter(chain: "bans", rule: "@bannet4"), range)
        XCTAssertGreaterThan(try namespaces.counter(chain: "prerouting", rule: "@allow4"), allowed)

        XCTAssertEqual(try daemon.ctl(["ban", "remove", "10.231.0.2"]).status, 0)
        XCTAssertEqual(try namespaces.probe(["options", "10.231.0.2", "10.231.0.1", "5060"]), "REPLY 200\n", "after the ban is lifted")

        // The table and its bans outlive the daemon; a restart reconciles it with the store.
        daemon.stop()
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "bannet4"]).contains("10.231.1.0/24"), "bans hold while the daemon is down")
        try namespaces.nft(["flush", "set", "inet", "sipwarden", "bannet4"])
        try daemon.start()
        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "bannet4"]).contains("10.231.1.0/24"), "restored from the store at start")
        XCTAssertEqual(try namespaces.probe(["options", "10.231.1.5", "10.231.0.1", "5060"]), "NOREPLY\n")
    }

    func testAPasswordGuesserIsBannedByThePluginAndStopsReachingTheSocket() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.232.0.1/24"], clientAddresses: ["10.232.0.2/24"])
        let daemon = try startDaemon("nft-guesser", in: namespaces, host: "10.232.0.1", config: "trusted: []\n")
        try daemon.addSubscriber("alice", password: "correct horse")

        let dropsBefore = try namespaces.counter(chain: "bans", rule: "@ban4")
        // A guess every 50 ms: the ban after the 10th failure lands within a few milliseconds.
        let output = try namespaces.probe(["guess", "10.232.0.2", "10.232.0.1", "5060", "alice", "16", "0.05"])
        let attempts = output.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        XCTAssertEqual(attempts.count, 16, output)
        XCTAssertEqual(Array(attempts.prefix(10)), Array(repeating: "401", count: 10), "the first ten guesses are answered and refused:\n\(output)")
        let securityLog = (try? String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)) ?? ""
        XCTAssertEqual(Array(attempts.suffix(4)), Array(repeating: "NOREPLY", count: 4),
                       "once banned, nothing comes back:\n\(output)\n\(securityLog.suffix(3000))\n\(daemon.log().suffix(3000))")

        XCTAssertTrue(try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"]).contains("10.232.0.2"))
        let bans = try daemon.ctl(["ban", "list", "--json"])
        XCTAssertTrue(bans.stdout.contains("10.232.0.2") && bans.stdout.contains("bruteforce"), bans.stdout)
        XCTAssertGreaterThan(try namespaces.counter(chain: "bans", rule: "@ban4"), dropsBefore, "the kernel dropped the guesser's packets")
        XCTAssertEqual(try namespaces.probe(["options", "10.232.0.2", "10.232.0.1", "5060"]), "NOREPLY\n")
    }

    func testAnExplicitNftablesWithoutCapNetAdminRefusesToStartAndAutoFallsBack() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.233.0.1/24"], clientAddresses: ["10.233.0.2/24"])
        _ = try TestEnvironment.tool("setpriv", package: "util-linux")
        let daemonPath = try TestEnvironment.program("sipwarden")
        let data = try TestEnvironment.temporaryDirectory("nft-nocap")
        // Root without CAP_NET_ADMIN: dropped from the bounding set before exec.
        func run(_ mode: String, timeout: TimeInterval) throws -> ProcessResult {
            try ProcessRunner.run("/usr/bin/env", [
                "ip", "netns", "exec", namespaces.server, "setpriv", "--bounding-set", "-net_admin", "--inh-caps", "-net_admin", "--",
                "timeout", "--signal=TERM", "3", daemonPath, "--listen", "udp:10.233.0.1:5060", "--data-dir", data.path, "--firewall", mode,
                "--policies-dir", try policiesCopy().path,
            ], timeout: timeout)
        }
        let refused = try run("nftables", timeout: 30)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertNotEqual(refused.status, 124, "it must refuse at once, not run until the timeout")
        let refusal = refused.stdout + refused.stderr
        XCTAssertTrue(refusal.contains("firewall: nftables cannot be used") && refusal.contains("CAP_NET_ADMIN"), refusal)

        let fallback = try run("auto", timeout: 30)
        let log = fallback.stdout + fallback.stderr
        XCTAssertTrue(log.contains("memory backend (auto: nftables is not usable here") && log.contains("CAP_NET_ADMIN"), log)
        XCTAssertThrowsError(try namespaces.nft(["list", "table", "inet", "sipwarden"]), "auto without the capability creates nothing")
    }

    func testFail2BansBansLandInTheSameSetsAndItsUnbanLiftsThem() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.234.0.1/24"], clientAddresses: ["10.234.0.2/24"])
        // No policy plugins: the only bans here are Fail2Ban's.
        let policies = try PolicyDirectories.allDisabled()
        let daemon = try DaemonProcess(
            label: "nft-fail2ban", extraArguments: ["--firewall", "nftables", "--policies-dir", policies.path],
            namespace: namespaces.server, host: "10.234.0.1", port: 5060
        )
        try daemon.start()
        try daemon.addSubscriber("1001", password: "right-one")
        let fail2ban = try Fail2BanServer(sipwardenJailFor: daemon)
        try fail2ban.start()
        defer { fail2ban.stop() }

        let output = try namespaces.probe(["guess", "10.234.0.2", "10.234.0.1", "5060", "1001", "4", "0.05"])
        XCTAssertEqual(output.split(separator: "\n").count, 4, output)
        let inKernel = try TestEnvironment.eventually(30) { try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"]).contains("10.234.0.2") }
        XCTAssertTrue(inKernel, "Fail2Ban's ban reached the kernel set.\nfail2ban log:\n\(fail2ban.log().suffix(2000))")
        let listed = try daemon.ctl(["ban", "list", "--json"]).stdout
        XCTAssertTrue(listed.contains("10.234.0.2") && listed.contains("fail2ban sipwarden"), listed)
        let drops = try namespaces.counter(chain: "bans", rule: "@ban4")
        XCTAssertEqual(try namespaces.probe(["options", "10.234.0.2", "10.234.0.1", "5060"]), "NOREPLY\n")
        XCTAssertGreaterThan(try namespaces.counter(chain: "bans", rule: "@ban4"), drops, "dropped at prerouting, before conntrack")

        XCTAssertEqual(try fail2ban.client(["set", "sipwarden", "unbanip", "10.234.0.2"]).status, 0)
        let lifted = try TestEnvironment.eventually(15) { try !namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"]).contains("10.234.0.2") }
        XCTAssertTrue(lifted, "Fail2Ban's unban took the address out of the set")
        XCTAssertEqual(try namespaces.probe(["options", "10.234.0.2", "10.234.0.1", "5060"]), "REPLY 200\n")
    }

    func testTrustedRangesReachTheAllowSetsAtOnceAndPhoneRangesDoNot() throws {
        let namespaces = try VethNamespaces(serverAddresses: ["10.235.0.1/24"], clientAddresses: ["10.235.0.2/24", "10.235.0.3/24"])
        let daemon = try startDaemon("nft-allow", in: namespaces, host: "10.235.0.1", config: "trusted: [192.0.2.0/24]\n")
        try daemon.addSubscriber("2001", password: "secret-2001")
        XCTAssertEqual(try daemon.ctl(["allow", "add", "2001", "10.235.0.3/32"]).status, 0)
        XCTAssertEqual(try daemon.ctl(["trusted", "add", "198.51.100.0/24"]).status, 0)
        let allow4 = try namespaces.nft(["list", "set", "inet", "sipwarden", "allow4"])
        for range in ["192.0.2.0/24", "198.51.100.0/24"] {
            XCTAssertTrue(allow4.contains(range), "\(range) in allow4:\n\(allow4)")
        }
        XCTAssertFalse(allow4.contains("10.235.0.3"), "a phone's allowed range is not a trusted range:\n\(allow4)")
        // A ban inside a phone's allowed range is enforced like any other (a listed ban is an enforced ban).
        XCTAssertEqual(try daemon.ctl(["ban", "add", "10.235.0.0/24", "--for", "1h", "--reason", "test"]).status, 0)
        XCTAssertEqual(try namespaces.probe(["options", "10.235.0.2", "10.235.0.1", "5060"]), "NOREPLY\n")
        XCTAssertEqual(try namespaces.probe(["options", "10.235.0.3", "10.235.0.1", "5060"]), "NOREPLY\n")
        XCTAssertEqual(try daemon.ctl(["trusted", "add", "10.235.0.3/32"]).status, 0)
        XCTAssertEqual(try namespaces.probe(["options", "10.235.0.3", "10.235.0.1", "5060"]), "REPLY 200\n", "a trusted address inside the banned range")
        XCTAssertEqual(try daemon.ctl(["trusted", "remove", "10.235.0.3/32"]).status, 0)

        XCTAssertEqual(try daemon.ctl(["allow", "remove", "2001", "10.235.0.3/32"]).status, 0)
        XCTAssertEqual(try daemon.ctl(["trusted", "remove", "198.51.100.0/24"]).status, 0)
        let after = try namespaces.nft(["list", "set", "inet", "sipwarden", "allow4"])
        XCTAssertFalse(after.contains("10.235.0.3") || after.contains("198.51.100.0/24"), after)
        XCTAssertTrue(after.contains("192.0.2.0/24"), "the configured trusted range stays: \(after)")
        XCTAssertEqual(try namespaces.probe(["options", "10.235.0.3", "10.235.0.1", "5060"]), "NOREPLY\n")
    }
}
