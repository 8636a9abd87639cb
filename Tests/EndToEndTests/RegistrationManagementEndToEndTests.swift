import ControlAPI
import Foundation
import XCTest

/// `sipwardenctl registrations list|show|unregister|export|watch` against the real daemon,
/// with phones registering (digest authentication) from distinct loopback addresses.
final class RegistrationManagementEndToEndTests: XCTestCase {
    private static let yaml = """
        registrar:
          min_expires: 2
          default_expires: 3600
          expired_retention: 600
        """

    private var daemon: DaemonProcess!
    private var phones: [SIPTestClient] = []

    /// Four phones: 1001 (acme, direct, UDP, Yealink), 1002 (acme, NAT, UDP, Grandstream),
    /// 1003 (beta, direct, TCP, Yealink), 2001 (no account, NAT, UDP, Linphone).
    override func setUpWithError() throws {
        daemon = try RegistrationTestSupport.startDaemon("regmgmt", yaml: Self.yaml)
        for (user, account) in [("1001", "acme"), ("1002", "acme"), ("1003", "beta"), ("2001", nil)] {
            var arguments = ["subscriber", "add", user, "--password", "pw\(user)"]
            if let account { arguments += ["--account", account] }
            let result = try daemon.ctl(arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let port = daemon.port
        let phone1 = try SIPTestClient(.udp, localIP: "127.0.0.2", serverPort: port)
        let phone2 = try SIPTestClient(.udp, localIP: "127.0.0.3", serverPort: port)
        let phone3 = try SIPTestClient(.tcp, localIP: "127.0.0.4", serverPort: port)
        let phone4 = try SIPTestClient(.udp, localIP: "127.0.0.5", serverPort: port)
        phones = [phone1, phone2, phone3, phone4]
        XCTAssertEqual(try RegistrationTestSupport.register("1001", password: "pw1001", client: phone1, port: port, userAgent: "Yealink SIP-T46S 66.86.0.15"), 200)
        XCTAssertEqual(try RegistrationTestSupport.register("1002", password: "pw1002", client: phone2, port: port,
                                                            contact: "<sip:1002@192.168.1.20:5060>", userAgent: "Grandstream GXP2170"), 200)
        XCTAssertEqual(try RegistrationTestSupport.register("1003", password: "pw1003", client: phone3, port: port, userAgent: "Yealink T54W"), 200)
        XCTAssertEqual(try RegistrationTestSupport.register("2001", password: "pw2001", client: phone4, port: port,
                                                            contact: "<sip:2001@10.0.0.5:5070>", userAgent: "Linphone/5.2"), 200)
    }

    override func tearDown() {
        phones = []
        daemon = nil
    }

    private func users(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--json"] + arguments, file: file, line: line)
            .map { ($0["aor"] as? String ?? "").replacingOccurrences(of: "sip:", with: "").components(separatedBy: "@")[0] }
    }

    func testFiltersCombineAndReturnExactlyTheMatchingRows() throws {
        XCTAssertEqual(try users([]), ["1001", "1002", "1003", "2001"])
        XCTAssertEqual(try users(["--number", "100*"]), ["1001", "1002", "1003"])
        XCTAssertEqual(try users(["--number", "1002"]), ["1002"])
        XCTAssertEqual(try users(["--number", "10"]), [], "an exact number does not match by prefix")
        XCTAssertEqual(try users(["--ip", "127.0.0.2"]), ["1001"])
        XCTAssertEqual(try users(["--ip", "127.0.0.0/30"]), ["1001", "1002"], "127.0.0.0/30 holds .2 and .3, not .4 or .5")
        XCTAssertEqual(try users(["--ip", "192.168.1.0/24"]), ["1002"], "the contact's address matches too")
        XCTAssertEqual(try users(["--account", "acme"]), ["1001", "1002"])
        XCTAssertEqual(try users(["--account", "beta"]), ["1003"])
        XCTAssertEqual(try users(["--ua", "yealink"]), ["1001", "1003"], "case-insensitive substring")
        XCTAssertEqual(try users(["--nat"]), ["1002", "2001"])
        XCTAssertEqual(try users(["--number", "100*", "--nat"]), ["1002"])
        XCTAssertEqual(try users(["--account", "acme", "--ua", "Yealink"]), ["1001"])
        XCTAssertEqual(try users(["--ip", "127.0.0.0/8", "--account", "beta", "--ua", "T54W"]), ["1003"])
        XCTAssertEqual(try users(["--status", "unreachable"]), [])
        XCTAssertEqual(try users(["--status", "registered"]), ["1001", "1002", "1003", "2001"])
        XCTAssertEqual(try users(["--sort", "-number"]), ["2001", "1003", "1002", "1001"])
        XCTAssertEqual(try users(["--sort", "source"]), ["1001", "1002", "1003", "2001"])
        XCTAssertEqual(try users(["--sort", "source", "--reverse"]), ["2001", "1003", "1002", "1001"])
        XCTAssertEqual(try users(["--sort", "transport", "--number", "100*"]).first, "1003", "TCP sorts before UDP")

        let rows = try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--json", "--number", "1003"])
        XCTAssertEqual(rows.first?["transport"] as? String, "TCP")
        XCTAssertEqual(rows.first?["account"] as? String, "beta")
        XCTAssertEqual(rows.first?["status"] as? String, "registered")
        XCTAssertEqual(rows.first?["source"] as? String, "127.0.0.4:\(phones[2].localPort)")

        // The daemon filters: the same answer to a plain HTTP request (what a web console would send).
        let viaHTTP = try ControlClient(socketPath: daemon.socketPath)
            .sendBlocking(method: "GET", target: "/v1/registrations?number=100%2A&nat=true", body: nil)
        XCTAssertEqual(viaHTTP.status, 200)
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(viaHTTP.body)) as? [[String: Any]])
        XCTAssertEqual(array.map { $0["aor"] as? String }, ["sip:1002@127.0.0.1"])
        let badQuery = try ControlClient(socketPath: daemon.socketPath).sendBlocking(method: "GET", target: "/v1/registrations?status=gone", body: nil)
        XCTAssertEqual(badQuery.status, 400)
        XCTAssertTrue(String(decoding: badQuery.body, as: UTF8.self).contains("registered, unreachable"))

        let table = try daemon.ctl(["registrations", "list", "--account", "acme"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("AOR "), table.stdout)
        for column in ["STATUS", "ACCOUNT", "USER-AGENT"] { XCTAssertTrue(lines[0].contains(column), lines[0]) }
        XCTAssertEqual(lines.count, 4, table.stdout)
        XCTAssertTrue(lines[2].contains("registered") && lines[2].contains("acme") && lines[2].contains("Grandstream"), lines[2])
        XCTAssertEqual(lines.last, "2 bindings.")
        XCTAssertEqual(try daemon.ctl(["registrations", "list", "--number", "9*"]).stdout, "No registrations match.\n")
    }

    func testBadFilterValuesAreUsageErrorsThatSayWhatToType() throws {
        let cases: [([String], String)] = [
            (["--ip", "300.1.1.1"], "192.0.2.0/24"),
            (["--ip", "10.0.0.0/33"], "CIDR"),
            (["--status", "gone"], "registered, unreachable, expired"),
            (["--sort", "colour"], "expires_in"),
            (["--number", "1*0"], "prefix ending in *"),
            (["--json", "--csv"], "not both"),
        ]
        for (arguments, hint) in cases {
            let result = try daemon.ctl(["registrations", "list"] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stdout) \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(hint), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Fatal"), result.stderr)
        }
        let unregister = try daemon.ctl(["registrations", "unregister", "--ip", "not-an-ip"])
        XCTAssertEqual(unregister.status, 2, unregister.stderr)
        XCTAssertTrue(unregister.stderr.contains("192.0.2.7"), unregister.stderr)
        let nothing = try daemon.ctl(["registrations", "unregister"])
        XCTAssertEqual(nothing.status, 2, nothing.stderr)
        let unknown = try daemon.ctl(["registrations", "show", "sip:9999@127.0.0.1"])
        XCTAssertEqual(unknown.status, 1, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("registrations list"), unknown.stderr)
    }

    func testShowPrintsEveryBindingInFullWithViaPathAndRecentEvents() throws {
        let result = try daemon.ctl(["registrations", "show", "1002", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let detail = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.stdout)
        XCTAssertEqual(detail["aor"] as? String, "sip:1002@127.0.0.1")
        XCTAssertEqual(detail["account"] as? String, "acme")
        let bindings = try XCTUnwrap(detail["bindings"] as? [[String: Any]])
        XCTAssertEqual(bindings.count, 1)
        let binding = bindings[0]
        XCTAssertEqual(binding["contact"] as? String, "sip:1002@192.168.1.20:5060")
        XCTAssertEqual(binding["nat"] as? Bool, true)
        XCTAssertEqual(binding["cseq"] as? Int, 2)
        XCTAssertEqual(binding["user_agent"] as? String, "Grandstream GXP2170")
        XCTAssertEqual(binding["received"] as? String, "127.0.0.3:\(phones[1].localPort)")
        let via = try XCTUnwrap(binding["via_path"] as? String)
        XCTAssertTrue(via.hasPrefix("SIP/2.0/UDP 127.0.0.3:\(phones[1].localPort)"), via)
        XCTAssertTrue(via.contains("received=127.0.0.3") || via.contains("rport"), via)
        XCTAssertEqual(binding["keepalive_misses"] as? Int, 0)
        var kinds: [String] = []
        XCTAssertTrue(try TestEnvironment.eventually {
            let again = try self.daemon.ctl(["registrations", "show", "sip:1002@127.0.0.1", "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
            kinds = (object?["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
            return kinds.contains("register.accepted")
        }, "the history's events about the AOR: \(kinds)")

        let text = try daemon.ctl(["registrations", "show", "sip:1002@127.0.0.1"])
        XCTAssertEqual(text.status, 0, text.stderr)
        for expected in ["sip:1002@127.0.0.1 (account acme)", "Call-ID", "Via path", "SIP/2.0/UDP 127.0.0.3", "NAT           yes",
                         "Recent events (from the history):", "register.accepted"] {
            XCTAssertTrue(text.stdout.contains(expected), "\(expected) in:\n\(text.stdout)")
        }
    }

    func testForceUnregisterRemovesPersistsAndRecordsWhoDidIt() throws {
        let dry = try daemon.ctl(["registrations", "unregister", "1002", "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("sip:1002@127.0.0.1") && dry.stdout.contains("would be removed"), dry.stdout)
        XCTAssertEqual(try users([]), ["1001", "1002", "1003", "2001"], "a dry run changes nothing")

        let byRange = try daemon.ctl(["registrations", "unregister", "--ip", "127.0.0.4/32", "--json"])
        XCTAssertEqual(byRange.status, 0, byRange.stderr)
        let answer = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(byRange.stdout.utf8)) as? [String: Any], byRange.stdout)
        XCTAssertEqual(answer["dry_run"] as? Bool, false)
        XCTAssertEqual((answer["removed"] as? [[String: Any]])?.compactMap { $0["aor"] as? String }, ["sip:1003@127.0.0.1"])

        let wrongContact = try daemon.ctl(["registrations", "unregister", "sip:1001@127.0.0.1", "--contact", "sip:1001@203.0.113.9"])
        XCTAssertEqual(wrongContact.status, 1, wrongContact.stderr)
        let byContact = try daemon.ctl(["registrations", "unregister", "sip:1001@127.0.0.1", "--contact", "sip:1001@127.0.0.2:\(phones[0].localPort)"])
        XCTAssertEqual(byContact.status, 0, byContact.stderr)
        XCTAssertTrue(byContact.stdout.contains("1 binding removed."), byContact.stdout)

        XCTAssertEqual(try users([]), ["1002", "2001"])
        XCTAssertEqual(try users(["--status", "expired"]), ["1001", "1003"], "forced-out bindings are listed as expired for a while")
        let forced = RegistrationTestSupport.securityEvents(daemon).filter { $0["kind"] as? String == "register.forced_out" }
        XCTAssertEqual(Set(forced.compactMap { $0["aor"] as? String }), ["sip:1001@127.0.0.1", "sip:1003@127.0.0.1"])
        for event in forced {
            XCTAssertEqual(event["username"] as? String, "uid \(getuid())", "who did it: the caller's uid from SO_PEERCRED")
            XCTAssertEqual(event["detail"] as? String, "operator")
        }

        daemon.stop()
        try daemon.start()
        XCTAssertEqual(try users([]), ["1002", "2001"], "the removal was persisted: a restart does not bring the bindings back")
    }

    func testExportRoundTripsAndWatchShowsCounts() throws {
        let listed = try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--status", "all", "--json"])
        XCTAssertEqual(listed.count, 4)

        let jsonFile = daemon.dataDirectory.appendingPathComponent("export.json")
        let jsonExport = try daemon.ctl(["registrations", "export", "--format", "json", "-o", jsonFile.path])
        XCTAssertEqual(jsonExport.status, 0, jsonExport.stderr)
        XCTAssertTrue(jsonExport.stdout.contains("Exported 4 bindings"), jsonExport.stdout)
        let exported = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: jsonFile)) as? [[String: Any]])
        XCTAssertEqual(exported.count, listed.count)
        for (a, b) in zip(exported, listed) {
            XCTAssertEqual(Set(a.keys), Set(b.keys))
            for key in a.keys where key != "expires_in" { XCTAssertEqual("\(a[key]!)", "\(b[key]!)", key) }
        }

        let csvFile = daemon.dataDirectory.appendingPathComponent("export.csv")
        let csvExport = try daemon.ctl(["registrations", "export", "--format", "csv", "--output", csvFile.path])
        XCTAssertEqual(csvExport.status, 0, csvExport.stderr)
        let rows = RegistrationTestSupport.parseCSV(try String(contentsOf: csvFile, encoding: .utf8))
        XCTAssertEqual(rows.count, listed.count + 1)
        let header = rows[0]
        XCTAssertEqual(Set(header), Set(listed[0].keys), "the CSV columns are the JSON keys")
        for (row, object) in zip(rows.dropFirst(), listed) {
            XCTAssertEqual(row.count, header.count)
            for (key, field) in zip(header, row) where key != "expires_in" {
                let value = object[key]!
                let expected: String
                switch value {
                case is NSNull: expected = ""
                case let flag as Bool where key == "nat": expected = flag ? "true" : "false"
                default: expected = "\(value)"
                }
                XCTAssertEqual(field, expected, "\(key) of \(object["aor"]!)")
            }
        }

        let watch = try daemon.ctl(["registrations", "watch", "--iterations", "2", "--interval", "0.2"], timeout: 30)
        XCTAssertEqual(watch.status, 0, watch.stderr)
        XCTAssertEqual(watch.stdout.components(separatedBy: "Bindings: 4 live  AORs: 4  registered: 4  unreachable: 0  expired: 0  NAT: 2  UDP: 3  TCP: 1").count - 1, 2,
                       watch.stdout)
        XCTAssertFalse(watch.stdout.contains("\u{1B}"), "no terminal escapes when the output is not a terminal")
        XCTAssertTrue(watch.stdout.contains("sip:1003@127.0.0.1"), watch.stdout)
        let badInterval = try daemon.ctl(["registrations", "watch", "--interval", "0"])
        XCTAssertEqual(badInterval.status, 2, badInterval.stderr)
    }

    func testWatchEndsCleanlyOnControlC() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.program("sipwardenctl"))
        process.arguments = ["--socket", daemon.socketPath, "registrations", "watch", "--interval", "0.2"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var collected = Data()
        XCTAssertTrue(TestEnvironment.eventually(10) {
            collected += output.fileHandleForReading.availableData
            return String(decoding: collected, as: UTF8.self).contains("Bindings: 4 live")
        })
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0)
    }

    func testRecentlyLapsedBindingsAreListedAsExpired() throws {
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.6", serverPort: daemon.port)
        XCTAssertEqual(try daemon.ctl(["subscriber", "add", "3001", "--password", "pw3001"]).status, 0)
        XCTAssertEqual(try RegistrationTestSupport.register("3001", password: "pw3001", client: phone, port: daemon.port, expires: 2), 200)
        XCTAssertTrue(try TestEnvironment.eventually(15) { try self.users(["--status", "expired"]) == ["3001"] },
                      "a binding that lapsed shows as expired")
        XCTAssertFalse(try users([]).contains("3001"), "and not among the live ones")
        let row = try RegistrationTestSupport.jsonArray(daemon, ["registrations", "list", "--status", "all", "--json", "--number", "3001"])
        XCTAssertEqual(row.first?["status"] as? String, "expired")
        XCTAssertEqual(row.first?["expires_in"] as? Int, 0)

        XCTAssertEqual(try RegistrationTestSupport.register("3001", password: "pw3001", client: phone, port: daemon.port), 200)
        XCTAssertEqual(try users(["--status", "all", "--number", "3001"]), ["3001"], "registered again: one row, live")
        XCTAssertEqual(try users(["--status", "expired"]), [])
    }
}
