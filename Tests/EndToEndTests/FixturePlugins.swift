import Foundation
import XCTest

/// Third-party plugin libraries for end-to-end tests, built from Tests/Fixtures/ExternalPlugin
/// (their own package, depending only on PolicyAPI, like any outside plugin): `hostprobe` and
/// `stuck`. A daemon loads them from a plugins directory that also holds the shipped plugins.
enum FixturePlugins {
    private static let built = NSLock()
    nonisolated(unsafe) private static var builtDirectory: String?

    /// The directory with the fixture package's libraries, built once per test run into the
    /// same scratch directory PluginHostTests uses (beside the daemon's build).
    static func buildDirectory() throws -> String {
        built.lock()
        defer { built.unlock() }
        if let builtDirectory { return builtDirectory }
        let package = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/ExternalPlugin").path
        let scratch = TestEnvironment.binDirectory.appendingPathComponent("fixture-external-plugin").path
        let swift = try TestEnvironment.tool("swift", package: "the Swift toolchain")
        let build = try ProcessRunner.run(swift, ["build", "--package-path", package, "--scratch-path", scratch], timeout: 1200)
        guard build.status == 0 else {
            throw FixtureError(description: "building the fixture plugins in \(package) failed (\(build.status)): \(build.stdout.suffix(3000)) \(build.stderr.suffix(2000))")
        }
        let bin = try ProcessRunner.run(swift, ["build", "--package-path", package, "--scratch-path", scratch, "--show-bin-path"])
        let directory = bin.stdout.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n").last ?? ""
        builtDirectory = directory
        return directory
    }

    /// A fresh plugins directory: the shipped plugins from the daemon's build and the fixture
    /// plugins named (`libsipwarden-NAME.so`), copied in.
    static func pluginsDirectory(_ label: String, fixtures: [String]) throws -> URL {
        let fixtureDirectory = try buildDirectory()
        let directory = try TestEnvironment.temporaryDirectory(label)
        var sources = PolicyDirectories.shipped.map { TestEnvironment.binDirectory.appendingPathComponent("libsipwarden-\($0).so").path }
        sources += fixtures.map { "\(fixtureDirectory)/libsipwarden-\($0).so" }
        for source in sources {
            guard FileManager.default.fileExists(atPath: source) else {
                throw FixtureError(description: "\(source) was not built (swift build builds the shipped plugins; the fixture package the others)")
            }
            try FileManager.default.copyItem(atPath: source, toPath: directory.appendingPathComponent((source as NSString).lastPathComponent).path)
        }
        return directory
    }

    /// A fixture that could not be built: the test fails (it is no missing peer program).
    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    /// SIPp's successful calls, from the last row of its `-trace_stat` file.
    static func successfulCalls(statFile: URL) -> Int? {
        guard let text = try? String(contentsOf: statFile, encoding: .utf8) else { return nil }
        let rows = text.split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
        guard let header = rows.first, let column = header.firstIndex(of: "SuccessfulCall(C)"), let last = rows.last, last.count > column else { return nil }
        return Int(last[column])
    }

    /// Runs SIPp's digest REGISTER scenario for `count` subscribers from `first` at `rate` per
    /// second, bounded in time; the users are imported into the daemon first.
    static func register(_ daemon: DaemonProcess, count: Int, first: Int, rate: Int) throws -> (result: ProcessResult, successful: Int?) {
        let sipp = try TestEnvironment.tool("sipp", package: "sip-tester")
        var text = "SEQUENTIAL\n"
        for user in first..<(first + count) { text += "\(user);pw-\(user)\n" }
        let users = daemon.dataDirectory.appendingPathComponent("users-\(first).csv")
        try text.write(to: users, atomically: true, encoding: .utf8)
        let imported = try daemon.ctl(["subscriber", "import", users.path])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        let scenario = TestEnvironment.packageRoot.appendingPathComponent("bench/scenarios/register_auth.xml").path
        let stat = daemon.dataDirectory.appendingPathComponent("stat-\(first).csv")
        let result = try ProcessRunner.run(sipp, [
            "-sf", scenario, "-inf", users.path, "127.0.0.1:\(daemon.port)", "-i", "127.0.0.1", "-p", "\(SIPTestClient.freePort())",
            "-t", "u1", "-m", "\(count)", "-r", "\(rate)", "-l", "200", "-timeout", "60s", "-nostdin",
            "-trace_stat", "-stf", stat.path,
        ], timeout: 120, currentDirectory: daemon.dataDirectory)
        return (result, successfulCalls(statFile: stat))
    }

    /// `plugins list --json`, by name.
    static func plugins(_ daemon: DaemonProcess) throws -> [String: [String: Any]] {
        let result = try daemon.ctl(["plugins", "list", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let array = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        var byName: [String: [String: Any]] = [:]
        for plugin in array { if let name = plugin["name"] as? String { byName[name] = plugin } }
        return byName
    }
}
