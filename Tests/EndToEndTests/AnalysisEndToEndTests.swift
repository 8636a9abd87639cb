import Foundation
import XCTest

/// `analysis devices`, `analysis geo`, the failures' countries and the alert engine against
/// the real daemon: phones REGISTER from loopback addresses with real User-Agents, a test
/// GeoIP database places some loopback ranges in countries, and a drop of bindings against a
/// learned baseline reaches a real webhook receiver.
final class AnalysisEndToEndTests: XCTestCase {
    var daemons: [DaemonProcess] = []
    var receiver: Process?

    override func tearDown() {
        for daemon in daemons { daemon.stop() }
        if let receiver, receiver.isRunning { receiver.terminate(); receiver.waitUntilExit() }
    }

    /// A country database placing 127.0.0.64/27 in Germany and 127.0.0.96/27 in Brazil.
    func testDatabase() throws -> String {
        let directory = try TestEnvironment.temporaryDirectory("geoip")
        let path = directory.appendingPathComponent("countries.mmdb").path
        let writer = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/geoip/write-test-mmdb.pl").path
        let result = try ProcessRunner.run("/usr/bin/perl", [writer, path, "127.0.0.64/27=DE:Germany", "127.0.0.96/27=BR:Brazil",
                                                            "81.2.69.0/24=GB:United Kingdom"])
        if result.status != 0 {
            try TestEnvironment.unavailable("cannot write a test GeoIP database (Debian's libmaxmind-db-writer-perl): \(result.stderr)")
        }
        return path
    }

    func object(_ daemon: DaemonProcess, _ arguments: [String]) throws -> [String: Any] {
        let output = try daemon.ctlOK(arguments)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], output)
    }

    func testDevicesAndCountriesOfLiveBindingsAndFailedAttempts() throws {
        let database = try testDatabase()
        let devicesFile = TestEnvironment.packageRoot.appendingPathComponent("rules/devices.yaml").path
        let daemon = try RegistrationTestSupport.startDaemon("analysis", yaml: """
            geoip:
              database: \(database)
            analysis:
              devices_file: \(devicesFile)
            """)
        daemons.append(daemon)
        let phones: [(user: String, ip: String, agent: String)] = [
            ("2001", "127.0.0.70", "Yealink SIP-T46S 66.86.0.15"),
            ("2002", "127.0.0.71", "Yealink SIP-T46S 66.86.0.15"),
            ("2003", "127.0.0.100", "Grandstream GXP2170 1.0.11.46"),
            ("2004", "127.0.0.1", "PolycomVVX-VVX_450-UA/6.4.0"),
            ("2005", "127.0.0.72", "MicroSIP/3.21.3"),
        ]
        for phone in phones {
            try daemon.addSubscriber(phone.user, password: "pw\(phone.user)")
            let client = try SIPTestClient(.udp, localIP: phone.ip, serverPort: daemon.port)
            XCTAssertEqual(try RegistrationTestSupport.register(phone.user, password: "pw\(phone.user)", client: client, port: daemon.port,
                                                                userAgent: phone.agent), 200, phone.user)
        }
        // Failed attempts from the "Brazilian" range: two wrong passwords and an unknown user.
        let guesser = try SIPTestClient(.udp, localIP: "127.0.0.101", serverPort: daemon.port)
        for _ in 0..<2 {
            XCTAssertNotEqual(try RegistrationTestSupport.register("2001", password: "wrong", client: guesser, port: daemon.port,
                                                                   userAgent: "Zoiper v2.10.20.4_1"), 200)
        }
        let stranger = try SIPTestClient(.udp, localIP: "127.0.0.102", serverPort: daemon.port)
        XCTAssertNotEqual(try RegistrationTestSupport.register("9999", password: "x", client: stranger, port: daemon.port,
                                                               userAgent: "Zoiper v2.10.20.4_1"), 200)

        // The history writes in batches: wait until it has every registration.
        var devices: [[String: Any]] = []
        XCTAssertTrue(try TestEnvironment.eventually(15) {
            devices = try object(daemon, ["analysis", "devices", "--json"])["devices"] as? [[String: Any]] ?? []
            return devices.reduce(0) { $0 + ($1["aors"] as? Int ?? 0) } == 5
        }, "\(devices)")
        let report = try object(daemon, ["analysis", "devices", "--json"])
        XCTAssertEqual(report["devices_file"] as? String, devicesFile)
        XCTAssertTrue(report["note"] is NSNull, "\(report)")
        func row(_ vendor: String, _ model: String) -> [String: Any]? {
            devices.first { $0["vendor"] as? String == vendor && $0["model"] as? String == model }
        }
        XCTAssertEqual(row("Yealink", "T46S")?["firmware"] as? String, "66.86.0.15")
        XCTAssertEqual(row("Yealink", "T46S")?["live_bindings"] as? Int, 2)
        XCTAssertEqual(row("Yealink", "T46S")?["live_aors"] as? Int, 2)
        XCTAssertEqual(row("Yealink", "T46S")?["aors"] as? Int, 2)
        XCTAssertEqual(row("Grandstream", "GXP2170")?["firmware"] as? String, "1.0.11.46")
        XCTAssertEqual(row("Polycom", "VVX 450")?["live_bindings"] as? Int, 1)
        XCTAssertEqual(row("MicroSIP", "MicroSIP")?["firmware"] as? String, "3.21.3")
        XCTAssertEqual(devices.first?["vendor"] as? String, "Yealink", "most live bindings first")
        XCTAssertNil(row("Zoiper", "Zoiper"), "failed attempts are no devices")

        let csv = RegistrationTestSupport.parseCSV(try daemon.ctlOK(["analysis", "devices", "--csv"]))
        XCTAssertEqual(csv.first, ["vendor", "model", "firmware", "live_bindings", "live_aors", "aors", "example"])
        XCTAssertEqual(csv.count, 1 + devices.count)
        XCTAssertTrue(csv.contains(["Yealink", "T46S", "66.86.0.15", "2", "2", "2", "Yealink SIP-T46S 66.86.0.15"]), "\(csv)")
        let table = try daemon.ctlOK(["analysis", "devices"])
        XCTAssertTrue(table.contains("VENDOR") && table.contains("Grandstream") && table.contains("5 live bindings"), table)

        // Countries: the database's ranges, loopback for 127.0.0.1, which it does not place.
        var geo: [String: Any] = [:]
        XCTAssertTrue(try TestEnvironment.eventually(15) {
            geo = try object(daemon, ["analysis", "geo", "--json"])
            return (geo["failures"] as? [[String: Any]])?.first?["count"] as? Int == 3
        }, "\(geo)")
        XCTAssertEqual(geo["database"] as? String, database)
        XCTAssertEqual(geo["database_type"] as? String, "SIPWarden-Test-Country")
        let bindings = try XCTUnwrap(geo["bindings"] as? [[String: Any]])
        XCTAssertEqual(bindings.map { $0["code"] as? String ?? "" }, ["DE", "BR", "loopback"], "\(bindings)")
        XCTAssertEqual(bindings.first?["count"] as? Int, 3)
        XCTAssertEqual(bindings.first?["distinct"] as? Int, 3)
        XCTAssertEqual(bindings.first?["name"] as? String, "Germany")
        let failures = try XCTUnwrap(geo["failures"] as? [[String: Any]])
        XCTAssertEqual(failures.count, 1, "\(failures)")
        XCTAssertEqual(failures.first?["code"] as? String, "BR")
        XCTAssertEqual(failures.first?["distinct"] as? Int, 2, "two source addresses")
        let geoCSV = RegistrationTestSupport.parseCSV(try daemon.ctlOK(["analysis", "geo", "--csv"]))
        XCTAssertEqual(geoCSV.first, ["section", "code", "name", "count", "distinct"])
        XCTAssertTrue(geoCSV.contains(["failures", "BR", "Brazil", "3", "2"]), "\(geoCSV)")
        XCTAssertTrue(try daemon.ctlOK(["analysis", "geo"]).contains("Germany"))

        // The failed-registration log names the sources' country.
        let groups = try RegistrationTestSupport.jsonArray(daemon, ["analysis", "failures", "--json"])
        XCTAssertFalse(groups.isEmpty)
        for group in groups {
            XCTAssertEqual(group["country"] as? String, "BR", "\(group)")
        }
    }

    func testAMissingDatabaseIsNamedAndSIGHUPReadsItOnceItIsThere() throws {
        let written = try testDatabase()
        let path = try TestEnvironment.temporaryDirectory("geoip-later").appendingPathComponent("countries.mmdb").path
        let daemon = try RegistrationTestSupport.startDaemon("analysis-reload", yaml: "geoip:\n  database: \(path)\n")
        daemons.append(daemon)
        XCTAssertTrue(daemon.log().contains("geoip.database: GeoIP database \(path): no such file"), daemon.log())
        try daemon.addSubscriber("2001", password: "pw2001")
        let phone = try SIPTestClient(.udp, localIP: "127.0.0.70", serverPort: daemon.port)
        XCTAssertEqual(try RegistrationTestSupport.register("2001", password: "pw2001", client: phone, port: daemon.port), 200)
        let before = try object(daemon, ["analysis", "geo", "--json"])
        XCTAssertTrue(before["database"] is NSNull)
        XCTAssertTrue((before["note"] as? String)?.contains("\(path): no such file") ?? false, "\(before)")
        XCTAssertEqual((before["bindings"] as? [[String: Any]])?.first?["code"] as? String, "loopback")

        try FileManager.default.copyItem(atPath: written, toPath: path)
        kill(daemon.pid, SIGHUP)
        var after: [String: Any] = [:]
        XCTAssertTrue(try TestEnvironment.eventually(10) {
            after = try object(daemon, ["analysis", "geo", "--json"])
            return after["database"] as? String == path
        }, "\(after)")
        XCTAssertTrue(after["note"] is NSNull)
        XCTAssertEqual((after["bindings"] as? [[String: Any]])?.first?["code"] as? String, "DE")
    }

    func testCheckConfigChecksTheDevicesFileAndTheGeoIPDatabase() throws {
        let sipwarden = try TestEnvironment.program("sipwarden")
        let scratch = try TestEnvironment.temporaryDirectory("analysis-check")
        let database = try testDatabase()
        let shipped = TestEnvironment.packageRoot.appendingPathComponent("rules/devices.yaml").path
        let config = scratch.appendingPathComponent("sipwarden.yaml").path
        try "data_dir: \(scratch.path)/var\nanalysis:\n  devices_file: \(shipped)\ngeoip:\n  database: \(database)\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let good = try ProcessRunner.run(sipwarden, ["--check-config", "--config", config])
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        XCTAssertNotNil(good.stdout.range(of: #"devices file: ok, \d+ rules, (\d+) of \1 samples hold"#, options: .regularExpression), good.stdout)
        XCTAssertTrue(good.stdout.contains("geoip.database: ok, SIPWarden-Test-Country"), good.stdout)

        // An operator's rule that steals a sample, and a database that is not one.
        let devices = scratch.appendingPathComponent("devices.yaml").path
        let text = try String(contentsOfFile: shipped, encoding: .utf8)
            .replacingOccurrences(of: "devices:\n", with: "devices:\n  - vendor: Mine\n    match: '^Yealink'\n")
        try text.write(toFile: devices, atomically: true, encoding: .utf8)
        let corrupt = scratch.appendingPathComponent("corrupt.mmdb").path
        try "not a database".write(toFile: corrupt, atomically: true, encoding: .utf8)
        try "data_dir: \(scratch.path)/var\nanalysis:\n  devices_file: \(devices)\ngeoip:\n  database: \(corrupt)\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let bad = try ProcessRunner.run(sipwarden, ["--check-config", "--config", config])
        XCTAssertEqual(bad.status, 2, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stderr.contains("\(devices): samples: 'Yealink SIP-T46S 66.86.0.15' normalises to Mine"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("GeoIP database \(corrupt): cannot open it"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("var").path), "nothing was started")
    }

    func testADropOfBindingsAgainstTheLearnedBaselineReachesTheWebhook() throws {
        let python = try TestEnvironment.tool("python3", package: "python3")
        let work = try TestEnvironment.temporaryDirectory("webhook")
        let portFile = work.appendingPathComponent("port").path
        let bodies = work.appendingPathComponent("bodies").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/webhook_receiver.py").path, portFile, bodies]
        try process.run()
        receiver = process
        XCTAssertTrue(TestEnvironment.eventually(10) { FileManager.default.fileExists(atPath: portFile) }, "the receiver did not start")
        let port = try String(contentsOfFile: portFile, encoding: .utf8)
        let yaml = """
            alerts:
              raise_after: 1
              clear_after: 1
              min_samples: 30
              time_zone: UTC
              webhook: [http://127.0.0.1:\(port)/sipwarden]
            """
        // A first run creates the history file; then two days of an office with 400 phones are
        // written into it as if the daemon had seen them, and the daemon is started again with
        // none: the first whole minute is a drop against the learned baseline.
        let first = try RegistrationTestSupport.startDaemon("alerts", yaml: yaml)
        daemons.append(first)
        first.stop()
        let history = first.dataDirectory.appendingPathComponent("history.sqlite").path
        let seed = """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1])
            last = int(time.time()) // 60 * 60 - 60
            rows = [(60, m * 1000, 400, 5, 5, 0, 0, '{}', 1, 1) for m in range(last - 2 * 86400, last + 1, 60)]
            db.execute("DELETE FROM rollups")
            db.executemany("INSERT INTO rollups (step_s, start_ms, active_bindings, registrations, refreshes, removals, failures, "
                           "failures_by_kind, distinct_sources, peak_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.commit()
            print(len(rows))
            """
        let seeded = try ProcessRunner.run(python, ["-c", seed, history])
        XCTAssertEqual(seeded.status, 0, seeded.stderr)
        try first.start()
        XCTAssertTrue(TestEnvironment.eventually(10) { first.log().contains("alerts: baseline learned from the history") }, first.log())

        // The alert arrives after the first whole minute (up to about 70 s).
        var body: [String: Any] = [:]
        XCTAssertTrue(TestEnvironment.eventually(150) {
            guard let text = try? String(contentsOfFile: bodies, encoding: .utf8), let line = text.split(separator: "\n").first,
                  let decoded = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
            body = decoded
            return true
        }, "no alert reached the webhook:\n\(first.log().suffix(2000))")
        XCTAssertEqual(body["event"] as? String, "alert.raised")
        XCTAssertEqual(body["alert"] as? String, "bindings_drop")
        XCTAssertEqual(body["observed"] as? Double, 0)
        XCTAssertEqual(body["expected"] as? Double, 400)
        let message = try XCTUnwrap(body["message"] as? String)
        XCTAssertNotNil(message.range(of: #"^active bindings 0, expected 400 ± 10 \(-100 %\) since \d\d:\d\d$"#, options: .regularExpression), message)
        XCTAssertEqual(body["text"] as? String, "SIPWarden alert.raised: \(message)")

        // The same alert in the security log, the history (sipwardenctl alerts) and the stats.
        // The security log's writer batches its lines, so the line may land just after the webhook's post.
        XCTAssertTrue(TestEnvironment.eventually(10) {
            RegistrationTestSupport.securityEvents(first).contains {
                $0["kind"] as? String == "alert.raised" && $0["username"] as? String == "alerts" && $0["detail"] as? String == "warning: " + message
            }
        })
        var alerts: [String: Any] = [:]
        XCTAssertTrue(try TestEnvironment.eventually(10) {
            alerts = try object(first, ["alerts", "--json"])
            return !(alerts["events"] as? [[String: Any]] ?? []).isEmpty
        }, "\(alerts)")
        XCTAssertEqual(alerts["enabled"] as? Bool, true)
        let event = try XCTUnwrap((alerts["events"] as? [[String: Any]])?.first)
        XCTAssertEqual(event["event"] as? String, "alert.raised")
        XCTAssertEqual(event["source"] as? String, "alerts")
        XCTAssertEqual(event["severity"] as? String, "warning")
        XCTAssertEqual(event["message"] as? String, message)
        let drop = (alerts["states"] as? [[String: Any]])?.first { $0["alert"] as? String == "bindings_drop" }
        XCTAssertEqual(drop?["raised"] as? Bool, true, "\(alerts)")
        XCTAssertEqual(drop?["expected"] as? Double, 400)
        XCTAssertEqual((alerts["webhook"] as? [String: Any])?["delivered"] as? Int, 1)
        let stats = try object(first, ["stats", "--json"])
        XCTAssertEqual(((stats["alerts"] as? [[String: Any]])?.first { $0["alert"] as? String == "bindings_drop" })?["raised"] as? Bool, true)
        let table = try first.ctlOK(["alerts"])
        XCTAssertTrue(table.contains("RAISED") && table.contains(message), table)
        let csv = RegistrationTestSupport.parseCSV(try first.ctlOK(["alerts", "--csv"]))
        XCTAssertEqual(csv.first, ["time", "event", "source", "severity", "message"])

        // Without a GeoIP database, geo says how to configure one.
        let geo = try first.ctl(["analysis", "geo"])
        XCTAssertEqual(geo.status, 0, geo.stderr)
        XCTAssertTrue(geo.stderr.contains("set geoip.database"), geo.stderr)
    }
}
