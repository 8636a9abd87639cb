import Foundation
import XCTest

/// The daemon as systemd runs it: sd_notify over a NOTIFY_SOCKET of the test's own (path and
/// abstract name), the watchdog, reload, and reopening the security log on SIGUSR1 after it
/// was moved away, as logrotate does.
final class LifecycleEndToEndTests: XCTestCase {
    private func startDaemon(_ label: String, environment: [String: String] = [:]) throws -> DaemonProcess {
        let policies = try PolicyDirectories.allDisabled()
        let daemon = try DaemonProcess(label: label, extraArguments: ["--policies-dir", policies.path], environment: environment)
        try daemon.start()
        return daemon
    }

    func testDaemonNotifiesReadyWatchdogReloadingAndStopping() throws {
        let notify = try NotifySocket(abstract: false)
        // 400 ms watchdog: the daemon must ping every 200 ms.
        let daemon = try startDaemon("notify", environment: ["NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "400000"])
        let ready = try XCTUnwrap(notify.receive(until: "READY=1"), "READY=1 once it listens:\n\(daemon.log().suffix(2000))")
        XCTAssertTrue(ready.last?.contains("MAINPID=\(daemon.pid)") ?? false, "names its main pid: \(ready)")
        XCTAssertFalse(ready.dropLast().joined().contains("STOPPING"), "nothing odd before READY: \(ready)")
        XCTAssertEqual(try daemon.ctl(["subscriber", "list", "--json"]).status, 0, "ready means the control socket answers")
        XCTAssertNotNil(notify.receive(until: "WATCHDOG=1"), "the watchdog is fed")
        XCTAssertNotNil(notify.receive(until: "WATCHDOG=1"), "and fed again")

        kill(daemon.pid, SIGHUP)
        let reload = try XCTUnwrap(notify.receive(until: "READY=1"), "READY=1 after a reload")
        let reloading = try XCTUnwrap(reload.first { $0.contains("RELOADING=1") }, "RELOADING=1 before it: \(reload)")
        XCTAssertTrue(reloading.contains("MONOTONIC_USEC="), "with the monotonic time: \(reloading)")

        daemon.stop()
        XCTAssertNotNil(notify.receive(until: "STOPPING=1"), "STOPPING=1 on SIGTERM")
        XCTAssertTrue(daemon.log().contains("stopped"), "and it stopped gracefully")
    }

    func testDaemonNotifiesAnAbstractSocketAndSkipsAWatchdogMeantForAnotherProcess() throws {
        let notify = try NotifySocket(abstract: true)
        let daemon = try startDaemon("notify-abstract", environment: [
            "NOTIFY_SOCKET": notify.name, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1",
        ])
        XCTAssertNotNil(notify.receive(until: "READY=1"), "READY=1 through @\(notify.name.dropFirst())")
        XCTAssertNil(notify.receive(timeout: 1), "WATCHDOG_PID names another process: no pings")
        daemon.stop()
        XCTAssertNotNil(notify.receive(until: "STOPPING=1"))
    }

    func testSIGUSR1AndSIGHUPReopenTheSecurityLogAfterItWasMoved() throws {
        let daemon = try startDaemon("rotate")
        let log = daemon.dataDirectory.appendingPathComponent("security.log")
        let rotated = daemon.dataDirectory.appendingPathComponent("security.log.1")
        let client = try SIPTestClient(.udp, serverPort: daemon.port)
        func register(_ user: String) {
            client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: UUID().uuidString, cseq: 1))
            _ = client.receiveText()
        }
        func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

        register("before-rotation")
        XCTAssertTrue(TestEnvironment.eventually { text(log).contains("sip:before-rotation@") }, "the challenge is logged")
        try FileManager.default.moveItem(at: log, to: rotated)
        kill(daemon.pid, SIGUSR1)
        var attempt = 0
        XCTAssertTrue(TestEnvironment.eventually {
            attempt += 1
            register("after-rotation-\(attempt)")
            return text(log).contains("sip:after-rotation-")
        }, "a new security.log is written after SIGUSR1:\n\(daemon.log().suffix(2000))")
        XCTAssertTrue(text(rotated).contains("sip:before-rotation@"), "the moved file keeps what was written before")
        XCTAssertFalse(text(log).contains("sip:before-rotation@"), "the new file starts fresh")
        XCTAssertTrue(daemon.log().contains("SIGUSR1"), "the daemon says why it reopened")

        // A reload (SIGHUP, `systemctl reload`) reopens the log too.
        try FileManager.default.moveItem(at: log, to: daemon.dataDirectory.appendingPathComponent("security.log.2"))
        kill(daemon.pid, SIGHUP)
        XCTAssertTrue(TestEnvironment.eventually {
            attempt += 1
            register("after-reload-\(attempt)")
            return text(log).contains("sip:after-reload-")
        }, "a new security.log is written after SIGHUP")
        XCTAssertTrue(daemon.isRunning)
    }

}
