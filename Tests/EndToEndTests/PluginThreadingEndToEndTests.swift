import Foundation
import XCTest

/// Third-party library plugins (built as any outside plugin is, Tests/Fixtures/ExternalPlugin)
/// in a running daemon under SIPp load: one that calls every host function from every plugin
/// call, one that never returns from `handle`, one that falls behind. The registrar keeps
/// answering throughout.
final class PluginThreadingEndToEndTests: XCTestCase {
    private func policies(_ files: [String: String]) throws -> URL {
        let directory = try TestEnvironment.temporaryDirectory("thread-policies")
        for (name, text) in files {
            try text.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        return directory
    }

    private func securityLog(_ daemon: DaemonProcess) -> String {
        (try? String(contentsOf: daemon.dataDirectory.appendingPathComponent("security.log"), encoding: .utf8)) ?? ""
    }

    /// The figures of the last `hostprobe calls:` alert in the daemon's log.
    private func probeFigures(_ log: String) -> [String: Int] {
        guard let line = log.split(separator: "\n").last(where: { $0.contains("hostprobe calls:") }),
              let range = line.range(of: "hostprobe calls:") else { return [:] }
        var figures: [String: Int] = [:]
        for pair in line[range.upperBound...].split(separator: " ") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let value = Int(parts[1].prefix { $0.isNumber }) { figures[String(parts[0])] = value }
        }
        return figures
    }

    /// Before reviews ran outside the registrar's lock, the first reviewed REGISTER made the
    /// probe's `liveBindingCount` take the lock its own thread held: the daemon trapped.
    func testAPluginCallingEveryHostFunctionFromEveryCallRunsUnderLoad() throws {
        let plugins = try FixturePlugins.pluginsDirectory("probe-plugins", fixtures: ["hostprobe"])
        let daemon = try DaemonProcess(label: "hostprobe", extraArguments: [
            "--plugins-dir", plugins.path, "--policies-dir", try policies(["hostprobe": "plugin: hostprobe\n"]).path,
        ])
        try daemon.start()
        defer { daemon.stop() }
        let loaded = try FixturePlugins.plugins(daemon)
        XCTAssertEqual(loaded["hostprobe"]?["state"] as? String, "loaded", "\(loaded["hostprobe"] ?? [:])\n\(daemon.log().suffix(2000))")
        XCTAssertEqual(loaded.values.filter { $0["state"] as? String == "loaded" }.count, 6, "the shipped plugins run beside it: \(loaded)")

        let count = 1000
        let (result, successful) = try FixturePlugins.register(daemon, count: count, first: 510_000, rate: 200)
        XCTAssertTrue(daemon.isRunning, "the daemon survived:\n\(daemon.log().suffix(3000))")
        XCTAssertEqual(result.status, 0, "SIPp failed calls:\n\(result.stdout.suffix(2000))\n\(daemon.log().suffix(2000))")
        XCTAssertEqual(successful, count, "every REGISTER answered 200")
        let status = try daemon.ctl(["status", "--json"])
        XCTAssertEqual(status.status, 0, "the control socket answers status: \(status.stderr)")
        XCTAssertTrue(status.stdout.contains("\"bindings\""), status.stdout)

        // Each tick the probe reports how many of its calls went through the host.
        var figures: [String: Int] = [:]
        XCTAssertTrue(TestEnvironment.eventually(15) {
            figures = self.probeFigures(daemon.log())
            return (figures["review"] ?? 0) >= count && (figures["tick"] ?? 0) >= 2
        }, "the probe's alerts show every review: \(figures)\n\(daemon.log().suffix(2000))")
        XCTAssertGreaterThanOrEqual(figures["admit"] ?? 0, 2 * count, "admit ran per packet and called the host")
        XCTAssertGreaterThan(figures["handle"] ?? 0, 0, "handle ran and called the host")
        XCTAssertGreaterThan(figures["largest_binding_count"] ?? 0, 0, "liveBindingCount answered the bindings SIPp made")
        XCTAssertGreaterThanOrEqual(figures["host"] ?? 0, 3 * ((figures["admit"] ?? 0) + (figures["review"] ?? 0)), "three host calls per admit and review")
        XCTAssertEqual(try FixturePlugins.plugins(daemon)["hostprobe"]?["state"] as? String, "loaded", "the probe was never disabled")
        XCTAssertEqual(try daemon.registrations().count, count)
    }

    /// A library plugin stuck in `handle` is found by the watchdog, disabled with
    /// `plugin.failed`; another that is only slow keeps running and drops what its queue of 8
    /// cannot hold. SIPp's registrations all succeed meanwhile and after.
    func testAStuckAndASlowLibraryPluginDoNotStallTheRegistrar() throws {
        let plugins = try FixturePlugins.pluginsDirectory("stuck-plugins", fixtures: ["stuck"])
        let daemon = try DaemonProcess(label: "stuck", extraArguments: [
            "--plugins-dir", plugins.path, "--policies-dir", try policies([
                "stuck": "plugin: stuck\nsettings:\n  mode: loop\n  on_kind: auth.challenged\n",
                "backlog": "plugin: stuck\nqueue: 8\nsettings:\n  mode: slow\n  sleep_ms: 100\n",
            ]).path,
        ])
        try daemon.start()
        defer { daemon.stop() }
        let before = try FixturePlugins.plugins(daemon)
        XCTAssertEqual(before["stuck"]?["state"] as? String, "loaded", "\(before)")
        XCTAssertEqual(before["backlog"]?["state"] as? String, "loaded", "\(before)")

        // 600 registrations at 100/s: the first challenge hangs `stuck`; `backlog` takes 100 ms an event.
        let (first, firstSuccessful) = try FixturePlugins.register(daemon, count: 600, first: 520_000, rate: 100)
        XCTAssertEqual(first.status, 0, "SIPp failed calls while a plugin hung:\n\(first.stdout.suffix(2000))\n\(daemon.log().suffix(2000))")
        XCTAssertEqual(firstSuccessful, 600)

        var failed = ""
        XCTAssertTrue(TestEnvironment.eventually(20) {
            failed = self.securityLog(daemon).split(separator: "\n").first { $0.contains("\"plugin.failed\"") && $0.contains("stuck:") }.map(String.init) ?? ""
            return !failed.isEmpty
        }, "plugin.failed for stuck in the security log:\n\(securityLog(daemon).suffix(2000))")
        XCTAssertTrue(failed.contains("handle has not returned for"), "the reason names the stuck call: \(failed)")
        XCTAssertTrue(failed.contains("stall timeout 5 s"), "and the bound: \(failed)")

        let after = try FixturePlugins.plugins(daemon)
        XCTAssertEqual(after["stuck"]?["state"] as? String, "disabled", "\(after["stuck"] ?? [:])")
        XCTAssertTrue((after["stuck"]?["detail"] as? String ?? "").contains("stuck"), "\(after["stuck"] ?? [:])")
        XCTAssertEqual(after["backlog"]?["state"] as? String, "loaded", "a slow plugin is not a stuck one: \(after["backlog"] ?? [:])")
        XCTAssertGreaterThan(after["backlog"]?["events_dropped"] as? Int ?? 0, 0, "its full queue dropped and counted: \(after["backlog"] ?? [:])")
        for name in PolicyDirectories.shipped {
            XCTAssertEqual(after[name]?["state"] as? String, "loaded", "\(name) goes on: \(after[name] ?? [:])")
        }

        // The registrar still answers, and the control socket too.
        let (second, secondSuccessful) = try FixturePlugins.register(daemon, count: 200, first: 521_000, rate: 100)
        XCTAssertEqual(second.status, 0, "SIPp after the plugin was disabled:\n\(second.stdout.suffix(2000))")
        XCTAssertEqual(secondSuccessful, 200)
        XCTAssertEqual(try daemon.ctl(["status"]).status, 0)
        XCTAssertTrue(daemon.isRunning)
    }
}
