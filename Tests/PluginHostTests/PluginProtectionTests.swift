@testable import PluginHost
import Foundation
import Logging
import SIPWardenPolicy
import XCTest

/// The host never leaves the daemon silently unprotected: shipped plugins run on their defaults,
/// a bad reload keeps the last good configuration, dry runs report instead of banning, and a
/// plugin that hangs, floods or dies is isolated from the others.
final class PluginProtectionTests: XCTestCase {
    private var policies: URL!
    private var recorder: DecisionRecorder!
    private var log: CapturedLog!

    override func setUpWithError() throws {
        policies = try Fixtures.temporaryDirectory(self)
        recorder = DecisionRecorder()
        log = CapturedLog()
    }

    private func write(_ name: String, _ yaml: String) throws {
        try yaml.write(to: policies.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    private func event(_ kind: String, from source: String = "192.0.2.66") -> SecurityEvent {
        SecurityEvent(timeMilliseconds: 1, kind: kind, sourceIP: source, sourcePort: 5060, transport: "UDP")
    }

    private func shippedHost() -> PluginHost {
        let host = PluginHost(pluginsDirectory: Fixtures.binDirectory.path, policiesDirectory: policies.path,
                              builtIn: PluginHost.shippedPlugins, host: TestPolicyHost(), logger: log.logger, onDecisions: recorder.sink)
        addTeardownBlock { host.shutdown() }
        return host
    }

    /// A host whose `plugin: NAME` policies get the in-process plugins of `plugins` instead of a library.
    private func host(_ plugins: [String: MisbehavingPlugin], queueCapacity: Int = 1000, tick: Duration = .seconds(1),
                      stall: Duration = .seconds(5), sink: PluginHost.DecisionSink? = nil) throws -> PluginHost {
        for name in plugins.keys { try write("\(name).yaml", "plugin: \(name)\n") }
        let host = PluginHost(pluginsDirectory: "/nonexistent", policiesDirectory: policies.path, host: TestPolicyHost(),
                              logger: log.logger, queueCapacity: queueCapacity, tickInterval: tick, stallTimeout: stall,
                              factory: { policy, _ in plugins[policy.plugin] }, onDecisions: sink ?? recorder.sink)
        addTeardownBlock {
            for plugin in plugins.values { plugin.release() }
            host.shutdown()
        }
        return host
    }

    private func bans(by plugin: String) -> [BanRequest] {
        recorder.all.compactMap { entry in
            guard entry.plugin == plugin, case .ban(let ban) = entry.decision else { return nil }
            return ban
        }
    }

    private func reports(_ kind: String) -> [(plugin: String, event: SecurityEvent)] {
        recorder.all.compactMap { entry in
            guard case .report(let event) = entry.decision, event.kind == kind else { return nil }
            return (entry.plugin, event)
        }
    }

    // MARK: built-in defaults

    func testShippedPluginsRunOnTheirDefaultsWithoutPolicyFiles() throws {
        let host = shippedHost()
        let statuses = host.plugins
        XCTAssertEqual(statuses.map(\.name), ["allowlist", "bruteforce", "hijack", "ratelimit", "scanner"])
        for status in statuses {
            XCTAssertEqual(status.state, .loaded, "\(status.name): \(status.state)")
            XCTAssertTrue(status.onDefaults, status.name)
            XCTAssertEqual(status.policyFile, "")
        }
        XCTAssertTrue(host.isProtecting)
        XCTAssertEqual(log.messages(at: .warning).filter { $0.contains("no policy plugin active") }, [])

        // The defaults do their job: a scanner's User-Agent is banned.
        host.submit(SecurityEvent(timeMilliseconds: 1, kind: SecurityEventKind.authChallenged, sourceIP: "192.0.2.80", sourcePort: 5060,
                                  transport: "UDP", userAgent: "friendly-scanner"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "scanner").contains { $0.target.description == "192.0.2.80" } }, "\(recorder.all)")
    }

    func testAPolicyFileTunesOrSwitchesOffItsPluginAndTheRestStayOnDefaults() throws {
        try write("bruteforce.yaml", "plugin: bruteforce\nenabled: false\n")
        try write("my-scanner.yaml", "plugin: scanner\nsettings: {ban_time: 2h}\n")
        let host = shippedHost()
        let statuses = Dictionary(uniqueKeysWithValues: host.plugins.map { ($0.name, $0) })
        XCTAssertEqual(statuses.keys.sorted(), ["allowlist", "bruteforce", "hijack", "my-scanner", "ratelimit"])
        XCTAssertEqual(statuses["bruteforce"]?.state, .disabled(reason: "enabled: false in \(policies.path)/bruteforce.yaml"))
        XCTAssertEqual(statuses["bruteforce"]?.onDefaults, false)
        XCTAssertEqual(statuses["my-scanner"]?.onDefaults, false, "the file names the scanner plugin: it is not run twice")
        XCTAssertEqual(statuses["my-scanner"]?.state, .loaded)
        XCTAssertEqual(statuses["ratelimit"]?.onDefaults, true)

        // Removing the file brings the plugin back on its defaults.
        try FileManager.default.removeItem(at: policies.appendingPathComponent("bruteforce.yaml"))
        let after = Dictionary(uniqueKeysWithValues: host.reload().map { ($0.name, $0) })
        XCTAssertEqual(after["bruteforce"]?.state, .loaded)
        XCTAssertEqual(after["bruteforce"]?.onDefaults, true)
    }

    func testEveryPluginSwitchedOffWarnsOnStartAndOnEveryReload() throws {
        for name in PluginHost.shippedPlugins { try write("\(name).yaml", "plugin: \(name)\nenabled: false\n") }
        let host = shippedHost()
        XCTAssertFalse(host.isProtecting)
        XCTAssertEqual(host.plugins.filter(\.state.isLoaded), [])
        XCTAssertEqual(log.messages(at: .warning).filter { $0.hasPrefix("security agent: no policy plugin active") }.count, 1,
                       "\(log.messages(at: .warning))")
        host.reload()
        XCTAssertEqual(log.messages(at: .warning).filter { $0.hasPrefix("security agent: no policy plugin active") }.count, 2)
        let warning = try XCTUnwrap(log.messages(at: .warning).last)
        XCTAssertTrue(warning.contains("enabled: false"), warning)
        XCTAssertTrue(warning.contains("sipwardenctl plugins reload"), warning)
        XCTAssertTrue(warning.contains(policies.path), warning)
    }

    // MARK: reloads keep the last good configuration

    func testAReloadWithABadFileKeepsThePluginOnItsLastGoodConfiguration() throws {
        try write("external.yaml", "plugin: external\nsettings: {ban_seconds: 30}")
        let host = PluginHost(pluginsDirectory: try Fixtures.externalPluginDirectory(), policiesDirectory: policies.path,
                              host: TestPolicyHost(), logger: log.logger, onDecisions: recorder.sink)
        addTeardownBlock { host.shutdown() }
        XCTAssertEqual(host.plugins.first?.state, .loaded)

        // A value the plugin refuses: the old instance runs on, marked stale with the error.
        try write("external.yaml", "plugin: external\nsettings: {ban_seconds: 0}")
        let refused = try XCTUnwrap(host.reload().first)
        XCTAssertEqual(refused.state, .loaded)
        let stale = try XCTUnwrap(refused.stale)
        XCTAssertTrue(stale.contains("ban_seconds: invalid value '0'"), stale)
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "external").count == 1 })
        XCTAssertEqual(bans(by: "external").first?.seconds, 30, "the last good configuration is in force")

        // A file that is not even YAML: same.
        try write("external.yaml", "plugin: [external\n")
        let broken = try XCTUnwrap(host.reload().first)
        XCTAssertEqual(broken.state, .loaded)
        XCTAssertTrue(broken.stale?.contains("\(policies.path)/external.yaml") ?? false, "\(String(describing: broken.stale))")

        // Fixed: the new configuration takes over and the stale mark goes.
        try write("external.yaml", "plugin: external\nsettings: {ban_seconds: 45}")
        let fixed = try XCTUnwrap(host.reload().first)
        XCTAssertEqual(fixed.state, .loaded)
        XCTAssertNil(fixed.stale)
        host.submit(event(SecurityEventKind.authFailed, from: "192.0.2.67"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "external").count == 2 })
        XCTAssertEqual(bans(by: "external").last?.seconds, 45)
    }

    func testABadNewFileForAPluginOnDefaultsKeepsTheDefaultsRunning() throws {
        let host = shippedHost()
        XCTAssertEqual(host.plugins.first { $0.name == "bruteforce" }?.onDefaults, true)
        try write("bruteforce.yaml", "plugin: bruteforce\nsettings: {max_failures: lots}\n")
        let bruteforce = try XCTUnwrap(host.reload().first { $0.name == "bruteforce" })
        XCTAssertEqual(bruteforce.state, .loaded)
        XCTAssertTrue(bruteforce.onDefaults)
        XCTAssertTrue(bruteforce.stale?.contains("max_failures") ?? false, "\(String(describing: bruteforce.stale))")
        XCTAssertTrue(host.isProtecting)
    }

    // MARK: dry run

    func testEnforceFalseTurnsBansIntoWouldAddReports() throws {
        try write("external.yaml", "plugin: external\nenforce: false\nsettings: {ban_seconds: 30}")
        let host = PluginHost(pluginsDirectory: try Fixtures.externalPluginDirectory(), policiesDirectory: policies.path,
                              host: TestPolicyHost(), logger: log.logger, onDecisions: recorder.sink)
        addTeardownBlock { host.shutdown() }
        XCTAssertEqual(host.plugins.first?.enforce, false)
        XCTAssertFalse(host.isProtecting, "a dry run bans nobody")
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in !self.reports(SecurityEventKind.banWouldAdd).isEmpty })
        XCTAssertEqual(bans(by: "external").count, 0, "nothing is banned")
        let report = try XCTUnwrap(reports(SecurityEventKind.banWouldAdd).first)
        XCTAssertEqual(report.plugin, "external")
        XCTAssertEqual(report.event.sourceIP, "192.0.2.66")
        XCTAssertEqual(report.event.username, "external")
        XCTAssertTrue(report.event.detail?.hasPrefix("192.0.2.66 for 30s: ") ?? false, "\(String(describing: report.event.detail))")
        XCTAssertTrue(report.event.detail?.contains("enforce: false in \(policies.path)/external.yaml") ?? false)
    }

    func testPolicyFileEnforceKeyIsParsed() throws {
        XCTAssertEqual(try PolicyFile.parse(yaml: "plugin: x", path: "/p/x.yaml").enforce, true)
        XCTAssertEqual(try PolicyFile.parse(yaml: "plugin: x\nenforce: false", path: "/p/x.yaml").enforce, false)
        XCTAssertThrowsError(try PolicyFile.parse(yaml: "plugin: x\nenforce: maybe", path: "/p/x.yaml")) { error in
            XCTAssertTrue("\(error)".contains("enforce"), "\(error)")
        }
    }

    // MARK: isolation

    func testAPluginStuckInHandleIsDisabledWhileTheOthersKeepWorking() throws {
        let stuck = MisbehavingPlugin(name: "stuck", hangOnKind: SecurityEventKind.authFailed)
        let healthy = MisbehavingPlugin(name: "healthy")
        let host = try host(["stuck": stuck, "healthy": healthy], stall: .milliseconds(300))
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(recorder.wait { _ in !self.reports(SecurityEventKind.pluginFailed).isEmpty }, "the stuck plugin is reported")
        let failure = try XCTUnwrap(reports(SecurityEventKind.pluginFailed).first)
        XCTAssertEqual(failure.plugin, "stuck")
        XCTAssertTrue(failure.event.detail?.hasPrefix("stuck: stuck: handle has not returned") ?? false, "\(String(describing: failure.event.detail))")
        let states = Dictionary(uniqueKeysWithValues: host.plugins.map { ($0.name, $0.state) })
        XCTAssertEqual(states["healthy"], .loaded)
        guard case .disabled(let reason)? = states["stuck"] else { return XCTFail("\(states)") }
        XCTAssertTrue(reason.contains("its thread is abandoned"), reason)
        XCTAssertEqual(host.statistics.pluginFailures, 1)
        XCTAssertTrue(host.flush(), "flush waits for the active plugins only")
        XCTAssertEqual(bans(by: "healthy").map(\.target.description), ["192.0.2.66"], "the other plugin decided on the same event")

        // The other plugin goes on receiving events and deciding; the stuck one is not fed.
        host.submit(event(SecurityEventKind.authFailed, from: "192.0.2.70"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "healthy").count == 2 })
        XCTAssertEqual(healthy.kinds, [SecurityEventKind.authFailed, SecurityEventKind.authFailed])
        XCTAssertEqual(stuck.kinds, [SecurityEventKind.authFailed])

        // A stuck plugin that finally returns has its late ban discarded and gets no more calls.
        stuck.release()
        host.submit(event(SecurityEventKind.authFailed, from: "192.0.2.71"))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "healthy").count == 3 })
        usleep(100_000)
        XCTAssertEqual(bans(by: "stuck").count, 0)
        XCTAssertEqual(stuck.kinds, [SecurityEventKind.authFailed])
    }

    func testASlowDecisionSinkIsNotTheStallOfThePlugin() throws {
        let plugin = MisbehavingPlugin(name: "banner")
        let recorder = self.recorder!
        // The daemon's sink writes the store and the firewall; a slow disk must not get a healthy
        // plugin declared stuck.
        let host = try host(["banner": plugin], stall: .milliseconds(200)) { decisions, name in
            if decisions.contains(where: { if case .ban = $0 { true } else { false } }) { usleep(800_000) }
            recorder.sink(decisions, name)
        }
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(host.flush())
        XCTAssertEqual(bans(by: "banner").count, 1)
        XCTAssertEqual(reports(SecurityEventKind.pluginFailed).count, 0, "\(recorder.all)")
        XCTAssertEqual(host.plugins.first?.state, .loaded)
    }

    func testAPluginStuckInTickIsDisabledWhileTheOthersKeepWorking() throws {
        let stuck = MisbehavingPlugin(name: "ticker", hangInTick: true)
        let healthy = MisbehavingPlugin(name: "healthy")
        let host = try host(["ticker": stuck, "healthy": healthy], tick: .milliseconds(20), stall: .milliseconds(300))
        XCTAssertTrue(recorder.wait { _ in !self.reports(SecurityEventKind.pluginFailed).isEmpty })
        XCTAssertEqual(reports(SecurityEventKind.pluginFailed).map(\.plugin), ["ticker"])
        XCTAssertTrue(reports(SecurityEventKind.pluginFailed).first?.event.detail?.contains("tick has not returned") ?? false)
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "healthy").count == 1 })
        XCTAssertEqual(host.plugins.first { $0.name == "healthy" }?.state, .loaded)
    }

    func testEachPluginHasItsOwnBoundedQueueAndCountsWhatItDrops() throws {
        let slow = MisbehavingPlugin(name: "slow", hangOnKind: SecurityEventKind.registerRejected)
        let fast = MisbehavingPlugin(name: "fast")
        let host = try host(["slow": slow, "fast": fast], queueCapacity: 10, stall: .seconds(600))
        host.submit(event(SecurityEventKind.registerRejected))
        XCTAssertTrue(recorder.wait { _ in slow.hangs == 1 } || slow.hangs == 1)
        // One event at a time, each handled by the fast plugin before the next: the slow one's
        // queue (10) overflows without the fast one missing anything.
        for index in 0..<100 {
            host.submit(event(SecurityEventKind.authFailed, from: "192.0.2.\(index + 1)"))
            XCTAssertTrue(recorder.wait { _ in fast.kinds.count == index + 2 }, "event \(index): \(fast.kinds.count)")
        }
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "fast").count == 100 }, "\(self.bans(by: "fast").count)")
        let statuses = Dictionary(uniqueKeysWithValues: host.plugins.map { ($0.name, $0) })
        XCTAssertEqual(statuses["slow"]?.eventsDropped, 90)
        XCTAssertEqual(statuses["fast"]?.eventsDropped, 0)
        XCTAssertEqual(host.statistics.eventsDropped, 90)
        slow.release()
        XCTAssertTrue(host.flush())
        XCTAssertEqual(slow.kinds.count, 11, "the first event and the ten its queue held")
    }

    func testAnExecPluginWhoseCommandDiesIsRestartedAndEachDeathReported() throws {
        try write("dies.yaml", "plugin: exec\ncommand: [/bin/sh, -c, 'exit 3']\n")
        let healthy = MisbehavingPlugin(name: "healthy")
        let host = try host(["healthy": healthy])
        XCTAssertTrue(recorder.wait(timeout: 20) { _ in self.reports(SecurityEventKind.pluginRestarted).count >= 2 },
                      "\(recorder.all)")
        let restarts = reports(SecurityEventKind.pluginRestarted)
        XCTAssertEqual(Set(restarts.map(\.plugin)), ["dies"])
        XCTAssertTrue(restarts[0].event.detail?.hasPrefix("dies: command exited with status 3; restarting in 1s") ?? false,
                      "\(String(describing: restarts[0].event.detail))")
        XCTAssertTrue(restarts[1].event.detail?.contains("restarting in 2s") ?? false, "the backoff doubles: \(String(describing: restarts[1].event.detail))")
        let status = try XCTUnwrap(host.plugins.first { $0.name == "dies" })
        XCTAssertEqual(status.state, .loaded, "a dying command is restarted, not disabled")
        XCTAssertGreaterThanOrEqual(status.restarts, 2)
        XCTAssertEqual(status.lastExit, "exited with status 3")
        host.submit(event(SecurityEventKind.authFailed))
        XCTAssertTrue(host.flush())
        XCTAssertTrue(recorder.wait { _ in self.bans(by: "healthy").count == 1 }, "the other plugins keep working")
    }
}
