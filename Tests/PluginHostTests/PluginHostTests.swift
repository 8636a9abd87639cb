@testable import PluginHost
import Foundation
import Logging
import SIPWardenPolicy
import XCTest

final class PluginHostTests: XCTestCase {
    private var policies: URL!
    private var recorder: DecisionRecorder!

    override func setUpWithError() throws {
        policies = try Fixtures.temporaryDirectory(self)
        recorder = DecisionRecorder()
    }

    private func write(_ name: String, _ yaml: String) throws {
        try yaml.write(to: policies.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func makeHost(pluginsDirectory: String? = nil, queueCapacity: Int = 1000, tick: Duration = .seconds(1),
                          sink: PluginHost.DecisionSink? = nil) throws -> PluginHost {
        let host = PluginHost(pluginsDirectory: try pluginsDirectory ?? Fixtures.externalPluginDirectory(), policiesDirectory: policies.path,
                              host: TestPolicyHost(), logger: Logger(label: "test"), queueCapacity: queueCapacity, tickInterval: tick,
                              onDecisions: sink ?? recorder.sink)
        addTeardownBlock { host.shutdown() }
        return host
    }

    private func event(_ kind: String, from source: String = "192.0.2.66") -> SecurityEvent {
        SecurityEvent(timeMilliseconds: 1, kind: kind, sourceIP: source, sourcePort: 5060, transport: "UDP")
    }

    func testLoadsPolicyFilesAndReportsStatus() throws {
        try write("external.yaml", "plugin: external\nsettings: {ban_seconds: 30}")
        try write("off.yaml", "plugin: external\nenabled: false")
        try write("broken.yaml", "plugin: external\nsettings: {ban_seconds: 0}")
        try write("typo.yaml", "plugin: external\nenabeld: true")
        try write("absent.yaml", "plugin: nosuchplugin")
        let host = try makeHost()
        let statuses = Dictionary(uniqueKeysWithValues: host.plugins.map { ($0.name, $0) })
        XCTAssertEqual(statuses.keys.sorted(), ["absent", "broken", "external", "off", "typo"])
        XCTAssertEqual(statuses["external"]?.state, .loaded)
        XCTAssertEqual(statuses["external"]?.version, "1.2.3")
        XCTAssertTrue(statuses["external"]?.file.hasSuffix("/libsipwarden-external.so") ?? false)
        XCTAssertEqual(statuses["off"]?.state.description, "disabled: enabled: false in \(policies.path)/off.yaml")
        XCTAssertTrue(statuses["broken"]?.state.description.contains("ban_seconds: invalid value '0'") ?? false, "\(String(describing: statuses["broken"]))")
        XCTAssertTrue(statuses["typo"]?.state.description.hasPrefix("failed: \(policies.path)/typo.yaml: enabeld: invalid value 'true': unknown key") ?? false)
        XCTAssertTrue(statuses["absent"]?.state.description.contains("libsipwarden-nosuchplugin.so") ?? false)
    }

    func testRefusesAPluginForAnotherAPIVersionNamingBoth() throws {
        try write("future.yaml", "plugin: future")
        let host = try makeHost(pluginsDirectory: try Fixtures.foreignLibrariesDirectory())
        let status = try XCTUnwrap(host.plugins.first)
        XCTAssertEqual(status.state, .failed(error: "\(status.file) was built for plugin API 2, this sipwarden speaks API 1; rebuild the plugin against this sipwarden's SIPWardenPolicy"))
    }

    func testEventsReachPluginsAndDecisionsReachTheSink() throws {
        try write("external.yaml", "plugin: external\nsettings: {ban_seconds: 30}")
        let host = try makeHost()
        host.submit(event("register.accepted"))
        host.submit(event("auth.failed"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { $0.count == 1 })
        XCTAssertEqual(recorder.all.first?.plugin, "external")
        guard case .ban(let ban)? = recorder.all.first?.decision else { return XCTFail("\(recorder.all)") }
        XCTAssertEqual(ban.target.description, "192.0.2.66")
        XCTAssertEqual(ban.seconds, 30)
        XCTAssertEqual(host.statistics.eventsHandled, 2)
        XCTAssertEqual(host.statistics.decisions, 1)
        XCTAssertEqual(host.plugins.first?.eventsHandled, 2)
    }

    func testAdmissionAndReviewAskTheLoadedPlugins() throws {
        try write("a.yaml", "plugin: external\nsettings: {drop: [198.51.100.0/24]}")
        try write("b.yaml", "plugin: external\nsettings: {refuse_aor: 'sip:666@h'}")
        let host = try makeHost()
        let bad = try XCTUnwrap(IPAddress("198.51.100.1"))
        let good = try XCTUnwrap(IPAddress("192.0.2.1"))
        XCTAssertEqual(host.admit(PacketInfo(source: bad, sourcePort: 1, transport: "UDP", size: 10)), .drop)
        XCTAssertEqual(host.admit(PacketInfo(source: good, sourcePort: 1, transport: "UDP", size: 10)), .accept)
        func attempt(_ aor: String) -> RegisterAttempt {
            RegisterAttempt(source: good, sourcePort: 1, transport: "UDP", aor: aor, username: "u", userAgent: nil, contact: "<sip:u@h>",
                            liveBindingSources: [], allowedRanges: [], timeMilliseconds: 0)
        }
        XCTAssertEqual(host.review(attempt("sip:666@h")), .refuse(status: 403, reason: "Forbidden by external"))
        XCTAssertEqual(host.review(attempt("sip:1@h")), .allow)
    }

    func testAPluginThatThrowsIsDisabledAndReportedWhileOthersGoOn() throws {
        try write("fragile.yaml", "plugin: external\nsettings: {throw_on_kind: register.accepted}")
        try write("sturdy.yaml", "plugin: external")
        let host = try makeHost()
        host.submit(event("register.accepted"))
        host.submit(event("auth.failed"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { $0.count == 2 })
        let failure = recorder.all.first { if case .report = $0.decision { true } else { false } }
        XCTAssertEqual(failure?.plugin, "fragile")
        guard case .report(let reported)? = failure?.decision else { return XCTFail("no plugin.failed report: \(recorder.all)") }
        XCTAssertEqual(reported.kind, "plugin.failed")
        XCTAssertEqual(reported.detail, "fragile: handle threw: told to throw on register.accepted")
        let bans = recorder.all.filter { if case .ban = $0.decision { true } else { false } }
        XCTAssertEqual(bans.map(\.plugin), ["sturdy"], "the disabled plugin saw no more events")
        let states = Dictionary(uniqueKeysWithValues: host.plugins.map { ($0.name, $0.state) })
        XCTAssertEqual(states["fragile"], .disabled(reason: "handle threw: told to throw on register.accepted"))
        XCTAssertEqual(states["sturdy"], .loaded)
        XCTAssertEqual(host.statistics.pluginFailures, 1)
        XCTAssertEqual(host.admit(PacketInfo(source: try XCTUnwrap(IPAddress("1.2.3.4")), sourcePort: 1, transport: "UDP", size: 1)), .accept)
    }

    func testTicksReachPlugins() throws {
        try write("ticker.yaml", "plugin: external\nsettings: {alert_every_tick: true}")
        let host = try makeHost(tick: .milliseconds(50))
        XCTAssertTrue(recorder.wait(timeout: 5) { $0.count >= 2 })
        guard case .alert(let alert)? = recorder.all.first?.decision else { return XCTFail("\(recorder.all)") }
        XCTAssertEqual(alert.severity, "info")
        XCTAssertEqual(alert.message, "tick at 1700000000000")
        _ = host
    }

    func testReloadAddsChangesAndRemovesPlugins() throws {
        try write("keep.yaml", "plugin: external")
        try write("change.yaml", "plugin: external\nsettings: {ban_seconds: 10}")
        try write("remove.yaml", "plugin: external")
        let host = try makeHost()
        let before = host.plugins
        XCTAssertEqual(before.map(\.name), ["change", "keep", "remove"])
        host.submit(event("register.accepted"))
        XCTAssertTrue(host.flush())

        try write("change.yaml", "plugin: external\nsettings: {ban_seconds: 20}")
        try FileManager.default.removeItem(at: policies.appendingPathComponent("remove.yaml"))
        try write("new.yaml", "plugin: external\nsettings: {ban_seconds: 40}")
        let after = host.reload()
        XCTAssertEqual(after.map(\.name), ["change", "keep", "new"])
        XCTAssertTrue(after.allSatisfy { $0.state == .loaded })
        XCTAssertEqual(after.first { $0.name == "keep" }?.eventsHandled, 1, "an unchanged plugin keeps its instance")
        XCTAssertEqual(after.first { $0.name == "change" }?.eventsHandled, 0, "a changed plugin is recreated")

        host.submit(event("auth.failed"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { $0.count == 3 })
        let seconds = Dictionary(uniqueKeysWithValues: recorder.all.compactMap { entry -> (String, Int)? in
            guard case .ban(let ban) = entry.decision else { return nil }
            return (entry.plugin, ban.seconds)
        })
        XCTAssertEqual(seconds, ["change": 20, "keep": 60, "new": 40])
    }

    func testReloadRetriesAPluginThatWasDisabledAfterThrowing() throws {
        try write("fragile.yaml", "plugin: external\nsettings: {throw_on_kind: register.accepted}")
        let host = try makeHost()
        host.submit(event("register.accepted"))
        XCTAssertTrue(host.flush())
        XCTAssertEqual(host.plugins.first?.state.isLoaded, false)
        XCTAssertEqual(host.reload().first?.state, .loaded)
    }

    func testTheEventQueueIsBoundedAndNeverBlocksTheCaller() throws {
        try write("external.yaml", "plugin: external")
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let host = try makeHost(queueCapacity: 10) { _, _ in
            // The first decision stalls the worker: the queue behind it must fill and overflow.
            entered.signal()
            release.wait()
        }
        host.submit(event("auth.failed"))
        XCTAssertEqual(entered.wait(timeout: .now() + 10), .success)
        let started = ContinuousClock.now
        for _ in 0..<100 { host.submit(event("auth.failed")) }
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(500), "submit must not wait for the plugins")
        XCTAssertEqual(host.statistics.eventsDropped, 90)
        XCTAssertEqual(host.statistics.eventsQueued, 10)
        for _ in 0..<11 { release.signal() }
        XCTAssertTrue(host.flush())
        XCTAssertEqual(host.statistics.eventsHandled, 11)
    }

    func testMissingPoliciesDirectoryMeansNoPlugins() throws {
        let host = PluginHost(pluginsDirectory: "/nonexistent", policiesDirectory: policies.appendingPathComponent("none").path,
                              host: TestPolicyHost(), logger: Logger(label: "test"), onDecisions: recorder.sink)
        addTeardownBlock { host.shutdown() }
        XCTAssertEqual(host.plugins, [])
        XCTAssertEqual(host.admit(PacketInfo(source: try XCTUnwrap(IPAddress("1.2.3.4")), sourcePort: 1, transport: "UDP", size: 1)), .accept)
        host.submit(event("auth.failed"))
        XCTAssertTrue(host.flush())
        XCTAssertEqual(host.statistics.eventsHandled, 1)
    }
}
