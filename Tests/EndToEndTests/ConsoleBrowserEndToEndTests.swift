import Foundation
import XCTest

/// The web console in a real browser: Debian's chromium, driven through chromedriver by the
/// Selenium script Tests/Browser/console_browser_test.py, against a real daemon with a phone
/// registering by sipsak. The script checks what the browser shows; this test then checks the
/// daemon's side (bans, firewall, ranges, policy file, security log, audit lines).
///
/// As root (CI) the daemon runs with the nftables backend in a network namespace of its own,
/// and the browser and sipsak run in that namespace too, so the bans are checked in the
/// kernel's sets; otherwise it runs with the memory backend, checked by sending from the banned
/// address.
final class ConsoleBrowserEndToEndTests: XCTestCase {
    /// Where the screenshots go: the test's output directory under .build.
    static var outputDirectory: URL {
        TestEnvironment.packageRoot.appendingPathComponent(".build/test-output/console-browser")
    }

    private func requireBrowser() throws -> String {
        for path in ["/usr/bin/chromium", "/usr/bin/chromedriver"] where !FileManager.default.isExecutableFile(atPath: path) {
            try TestEnvironment.unavailable("\(path) is missing; install Debian's chromium and chromium-driver (`make deps-test` does)")
        }
        let python = "/usr/bin/python3"
        let probe = try ProcessRunner.run(python, ["-c", "import selenium"], timeout: 30)
        if probe.status != 0 {
            try TestEnvironment.unavailable("Debian's python3-selenium is missing (`make deps-test` installs it): \(probe.stderr)")
        }
        return python
    }

    private func addConsoleUser(_ daemon: DaemonProcess, _ name: String, role: String, password: String) throws {
        let ctl = try TestEnvironment.program("sipwardenctl")
        let result = try ProcessRunner.run("/bin/sh", [
            "-c", "printf '%s\\n' \"$1\" | \"$2\" --socket \"$3\" console user add \"$4\" --role \"$5\" --password-stdin",
            "sh", password, ctl, daemon.socketPath, name, role,
        ], timeout: 60)
        XCTAssertEqual(result.status, 0, "console user add \(name): \(result.stdout)\n\(result.stderr)")
    }

    func testTheConsoleInABrowserShowsActsAndDefendsItself() throws {
        let python = try requireBrowser()
        let sipsak = try TestEnvironment.tool("sipsak", package: "sipsak")
        let consolePort = SIPTestClient.freePort()
        // The shipped policy files, which the rules page edits.
        let policies = try TestEnvironment.temporaryDirectory("console-policies")
        defer { try? FileManager.default.removeItem(at: policies) }
        for name in PolicyDirectories.shipped {
            let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/policies/\(name).yaml")
            try FileManager.default.copyItem(at: shipped, to: policies.appendingPathComponent("\(name).yaml"))
        }
        let configFile = try TestEnvironment.temporaryDirectory("console-browser-config").appendingPathComponent("sipwarden.yaml")
        try "console:\n  listen: 127.0.0.1:\(consolePort)\n".write(to: configFile, atomically: true, encoding: .utf8)
        // The kernel's firewall when this host allows it (root with nft): the namespace's own.
        let kernel = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft")
        let namespaces = kernel ? try VethNamespaces(serverAddresses: ["10.236.0.1/24"], clientAddresses: ["10.236.0.2/24"]) : nil
        let daemon = try DaemonProcess(
            label: "console-browser",
            extraArguments: ["--config", configFile.path, "--policies-dir", policies.path] + (kernel ? ["--firewall", "nftables"] : []),
            namespace: namespaces?.server)
        try daemon.start()
        print("console browser test: firewall backend \(kernel ? "nftables, in namespace \(namespaces?.server ?? "")" : "memory")")
        try addConsoleUser(daemon, "admin", role: "admin", password: "admin-secret-1")
        try addConsoleUser(daemon, "watcher", role: "viewer", password: "viewer-secret-1")
        try daemon.addSubscriber("1001", password: "phone-secret")
        let users = try daemon.ctlOK(["console", "user", "list", "--json"])
        XCTAssertTrue(users.contains("\"watcher\"") && users.contains("\"viewer\"") && !users.contains("secret"), users)

        let shots = Self.outputDirectory
        try? FileManager.default.removeItem(at: shots)
        try FileManager.default.createDirectory(at: shots, withIntermediateDirectories: true)
        let settings: [String: Any] = [
            "base": "http://127.0.0.1:\(consolePort)", "screenshots": shots.path, "sipsak": sipsak, "sip_port": daemon.port,
            "admin": ["user": "admin", "password": "admin-secret-1"], "viewer": ["user": "watcher", "password": "viewer-secret-1"],
            "phone": ["user": "1001", "password": "phone-secret", "aor": "sip:1001@127.0.0.1", "contact": "sip:1001@127.0.0.1:5999"],
            "ban_target": "127.0.0.99", "allowed_range": "198.51.100.0/24", "new_max_failures": 3,
        ]
        let arguments = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Browser/console_browser_test.py").path
        let run = try namespaces.map { namespaces in
            try ProcessRunner.run("/usr/bin/env", ["ip", "netns", "exec", namespaces.server, python, script, arguments], timeout: 300)
        } ?? ProcessRunner.run(python, [script, arguments], timeout: 300)
        print("console browser script:\n\(run.stdout)")
        XCTAssertEqual(run.status, 0, "the browser script failed:\n\(run.stdout)\n\(run.stderr)\n--- daemon log tail:\n\(daemon.log().suffix(3000))")
        XCTAssertTrue(run.stdout.contains("ALL OK"), run.stdout)
        for name in ["login", "registrations", "registration-details", "security", "ban-why", "phones", "rules", "rules-error",
                     "analysis", "trunks", "viewer-refused", "banned"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(name).png").path), "screenshot \(name)")
        }

        // The daemon's side of what the browser did.
        XCTAssertTrue(try daemon.registrations().isEmpty, "the force-unregistered phone is gone")
        let bans = try JSONSerialization.jsonObject(with: Data(try daemon.ctlOK(["ban", "list", "--json"]).utf8)) as? [[String: Any]] ?? []
        let consoleBan = bans.first { $0["address"] as? String == "127.0.0.99" }
        XCTAssertEqual(consoleBan?["source"] as? String, "console admin", "the ban records the console user: \(bans)")
        XCTAssertFalse(bans.contains { $0["address"] as? String == "127.0.0.98" }, "the viewer banned nothing")
        let bruteForceBan = bans.first { $0["address"] as? String == "127.0.0.1" }
        XCTAssertEqual(bruteForceBan?["source"] as? String, "bruteforce", "the failed logins were banned by the brute-force policy: \(bans)")
        if let namespaces {
            XCTAssertTrue(daemon.log().contains("nftables backend (as configured)"), "the kernel's firewall enforces the bans")
            // The kernel's set holds the console's ban and the brute-force ban of the browser.
            let set = try namespaces.nft(["list", "set", "inet", "sipwarden", "ban4"])
            XCTAssertTrue(set.contains("127.0.0.99") && set.contains("127.0.0.1 "), set)
            XCTAssertFalse(set.contains("127.0.0.98"), set)
        } else {
            // The memory backend drops a banned source's packets unread; an address beside it
            // still gets answers.
            let banned = try SIPTestClient(.udp, localIP: "127.0.0.99", serverPort: daemon.port)
            banned.send(SIPMessages.options(client: banned, port: daemon.port))
            XCTAssertNil(banned.receiveText(timeout: 1.5), "a source banned in the console is dropped by the firewall backend")
            let neighbour = try SIPTestClient(.udp, localIP: "127.0.0.97", serverPort: daemon.port)
            neighbour.send(SIPMessages.options(client: neighbour, port: daemon.port))
            XCTAssertNotNil(neighbour.receiveText(timeout: 5), "an address that is not banned is answered")
        }

        let ranges = try daemon.ctlOK(["allow", "list", "1001", "--json"])
        XCTAssertTrue(ranges.contains("198.51.100.0/24") && !ranges.contains("10.0.0.300"), ranges)
        let policy = try String(contentsOf: policies.appendingPathComponent("bruteforce.yaml"), encoding: .utf8)
        XCTAssertTrue(policy.contains("  max_failures: 3"), "the new threshold is in the file")
        XCTAssertTrue(policy.contains("# 10 failures in 10 minutes."), "the file's comments are kept")
        let log = try String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)
        let failures = log.split(separator: "\n").filter { $0.contains("\"console.login_failed\"") }
        XCTAssertEqual(failures.count, 3, "every failed login is a security event")
        XCTAssertTrue(failures.allSatisfy { $0.contains("\"source_ip\":\"127.0.0.1\"") }, "with the client address: \(failures)")
        XCTAssertTrue(log.contains("\"username\":\"console admin\""), "the console's changes name their user in the security log")
        for action in ["allow.add", "policy.update"] {
            XCTAssertTrue(log.split(separator: "\n").contains {
                $0.contains("\"kind\":\"operator.change\"") && $0.contains("\"detail\":\"\(action): ") && $0.contains("\"username\":\"console admin\"")
            }, "the console's \(action) is an operator.change event naming the console user")
        }
        let daemonLog = daemon.log()
        for action in ["ban.add", "allow.add", "registrations.unregister", "policy.update"] {
            XCTAssertTrue(daemonLog.split(separator: "\n").contains { $0.contains("audit=\(action)") && $0.contains("caller=console admin") },
                          "the audit line of \(action) names the console user")
        }
    }
}
