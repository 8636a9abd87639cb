@testable import PluginHost
import Foundation
import Logging
import SIPWardenPolicy
import XCTest

/// The exec plugin against small /bin/sh scripts.
final class ExecPluginTests: XCTestCase {
    private var directory: URL!
    private var recorder: DecisionRecorder!

    override func setUpWithError() throws {
        directory = try Fixtures.temporaryDirectory(self)
        recorder = DecisionRecorder()
    }

    /// Writes an executable shell script and returns its path.
    private func script(_ name: String, _ body: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try ("#!/bin/sh\n" + body).write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    private func makePlugin(_ command: [String], queue: Int = 1000, backoff: Duration = .milliseconds(200)) -> ExecPlugin {
        let recorder = recorder!
        let plugin = ExecPlugin(name: "script", command: command, queueCapacity: queue, logger: Logger(label: "test"),
                                initialBackoff: backoff, maxBackoff: .seconds(2)) { recorder.sink($0, "script") }
        addTeardownBlock { plugin.stop() }
        return plugin
    }

    private func lines(_ file: URL) -> [String] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    private func waitFor(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    private func event(_ kind: String = "auth.failed", from source: String = "192.0.2.50") -> SecurityEvent {
        SecurityEvent(id: 9, timeMilliseconds: 1_700_000_000_000, kind: kind, sourceIP: source, sourcePort: 5060, transport: "UDP",
                      userAgent: "evil \"agent\"\nwith newline")
    }

    func testScriptReceivesEventsAndItsDecisionsReachTheSink() throws {
        let log = directory.appendingPathComponent("events.jsonl")
        let path = try script("policy.sh", """
            while IFS= read -r line; do
              printf '%s\\n' "$line" >> '\(log.path)'
              echo '{"action":"ban","target":"192.0.2.50","seconds":600,"reason":"script says so"}'
            done
            """)
        let plugin = makePlugin([path])
        XCTAssertEqual(try plugin.handle(event()), [], "decisions come later, through the sink")
        XCTAssertTrue(recorder.wait { $0.count == 1 })
        XCTAssertEqual(recorder.all.first?.plugin, "script")
        XCTAssertEqual(recorder.all.first?.decision,
                       .ban(BanRequest(target: try XCTUnwrap(IPRange("192.0.2.50")), seconds: 600, reason: "script says so")))
        let received = lines(log)
        XCTAssertEqual(received.count, 1, "one event is one line, even with a newline in the User-Agent")
        XCTAssertEqual(try JSONDecoder().decode(SecurityEvent.self, from: Data(received[0].utf8)), event())
        XCTAssertTrue(received[0].contains(#""kind":"auth.failed""#))
        XCTAssertEqual(plugin.statistics.eventsWritten, 1)
        XCTAssertEqual(plugin.statistics.decisions, 1)
    }

    func testMalformedOutputIsIgnored() throws {
        let path = try script("noisy.sh", """
            while IFS= read -r line; do
              echo 'this is not json'
              echo '{"action":"ban","target":"not-an-address","seconds":1}'
              echo ''
              echo '{"action":"alert","severity":"warning","message":"still here"}'
            done
            """)
        let plugin = makePlugin([path])
        _ = try plugin.handle(event())
        XCTAssertTrue(recorder.wait { $0.count == 1 })
        XCTAssertEqual(recorder.all.first?.decision, .alert(Alert(severity: "warning", message: "still here")))
        XCTAssertEqual(plugin.statistics.malformedLines, 2)
    }

    func testQueueBoundHoldsWhenTheScriptNeverReads() throws {
        let path = try script("deaf.sh", "exec sleep 300\n")
        let plugin = makePlugin([path], queue: 10)
        XCTAssertTrue(waitFor { plugin.pid != nil })
        let started = ContinuousClock.now
        for _ in 0..<20_000 { _ = try plugin.handle(event()) }
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(3), "handle must never wait for the script")
        let statistics = plugin.statistics
        // What is not dropped sits in the pipe (64 KiB) or the queue (10).
        XCTAssertGreaterThan(statistics.eventsDropped, 19_000)
        XCTAssertLessThanOrEqual(statistics.eventsWritten, 1_000)
        let stopStarted = ContinuousClock.now
        plugin.stop()
        XCTAssertLessThan(ContinuousClock.now - stopStarted, .seconds(5), "a stuck script is killed")
        let again = ContinuousClock.now
        plugin.stop()  // and the teardown stops it a third time: stop is idempotent
        XCTAssertLessThan(ContinuousClock.now - again, .milliseconds(100))
    }

    func testADeadScriptIsRestartedWithBackoff() throws {
        let log = directory.appendingPathComponent("events.jsonl")
        // Handles one event, then exits: each event needs a fresh process.
        let path = try script("once.sh", """
            IFS= read -r line && printf '%s\\n' "$line" >> '\(log.path)'
            echo '{"action":"report","kind":"scanner.detected","source_ip":"192.0.2.50"}'
            exit 3
            """)
        let plugin = makePlugin([path], backoff: .milliseconds(300))
        _ = try plugin.handle(event())
        XCTAssertTrue(waitFor { self.lines(log).count == 1 })
        XCTAssertTrue(waitFor { plugin.statistics.starts == 2 }, "restarted after it exited")
        _ = try plugin.handle(event("register.accepted"))
        XCTAssertTrue(waitFor { self.lines(log).count == 2 })
        XCTAssertTrue(lines(log)[1].contains("register.accepted"))
        XCTAssertTrue(recorder.wait { $0.count == 2 })
        guard case .report(let reported)? = recorder.all.first?.decision else { return XCTFail("\(recorder.all)") }
        XCTAssertEqual(reported.kind, "scanner.detected")
    }

    func testBackoffDoublesWhileTheScriptKeepsDying() throws {
        let path = try script("crash.sh", "exit 1\n")
        let plugin = makePlugin([path], backoff: .milliseconds(100))
        // Starts at 0, then after 0.1, 0.2, 0.4, 0.8 s (plus reaping): about 5 starts in 2 s,
        // where a fixed 100 ms delay would give about 15.
        Thread.sleep(forTimeInterval: 2.0)
        let starts = plugin.statistics.starts
        XCTAssertGreaterThanOrEqual(starts, 3)
        XCTAssertLessThanOrEqual(starts, 8)
    }

    func testACommandThatCannotStartIsRetried() throws {
        let plugin = makePlugin(["/nonexistent/policy-script"], backoff: .milliseconds(100))
        XCTAssertNoThrow(try plugin.handle(event()))
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertEqual(plugin.statistics.starts, 0)
        XCTAssertNil(plugin.pid)
    }

    func testStopEndsAScriptThatIgnoresSIGTERM() throws {
        let path = try script("stubborn.sh", "trap '' TERM\nwhile true; do sleep 0.1; done\n")
        let plugin = makePlugin([path])
        XCTAssertTrue(waitFor { plugin.pid != nil })
        let pid = try XCTUnwrap(plugin.pid)
        let started = ContinuousClock.now
        plugin.stop()
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        XCTAssertEqual(kill(pid, 0), -1, "the process is gone and reaped")
    }

    func testExecPolicyFileRunsThroughThePluginHost() throws {
        let path = try script("policy.sh", """
            while IFS= read -r line; do
              case "$line" in *'"auth.failed"'*) echo '{"action":"ban","target":"192.0.2.50","seconds":60,"reason":"exec"}' ;; esac
            done
            """)
        let policies = directory.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try "plugin: exec\ncommand: ['\(path)']\nqueue: 100\n".write(to: policies.appendingPathComponent("myscript.yaml"), atomically: true, encoding: .utf8)
        let host = PluginHost(pluginsDirectory: "/nonexistent", policiesDirectory: policies.path, host: TestPolicyHost(),
                              logger: Logger(label: "test"), onDecisions: recorder.sink)
        addTeardownBlock { host.shutdown() }
        XCTAssertEqual(host.plugins.map(\.name), ["myscript"])
        XCTAssertEqual(host.plugins.first?.state, .loaded)
        XCTAssertEqual(host.plugins.first?.version, "exec")
        XCTAssertEqual(host.plugins.first?.file, path)
        host.submit(event("register.accepted"))
        host.submit(event("auth.failed"))
        XCTAssertTrue(recorder.wait { $0.count == 1 })
        XCTAssertEqual(recorder.all.first?.plugin, "myscript")
        guard case .ban(let ban)? = recorder.all.first?.decision else { return XCTFail("\(recorder.all)") }
        XCTAssertEqual(ban.reason, "exec")
    }
}
