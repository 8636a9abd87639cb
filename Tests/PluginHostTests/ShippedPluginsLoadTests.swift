@testable import PluginHost
import Foundation
import Logging
import SIPWardenPolicy
import XCTest

/// The shipped plugins (Plugins/, built by `swift build` beside the test binary) load through
/// the same loader as any third-party plugin.
final class ShippedPluginsLoadTests: XCTestCase {
    private static let shipped = ["ratelimit", "bruteforce", "scanner", "allowlist", "hijack"]

    func testEveryShippedLibraryLoadsWithDefaultSettings() throws {
        let bin = Fixtures.binDirectory.path
        let policies = try Fixtures.temporaryDirectory(self)
        for name in Self.shipped {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(bin)/\(PluginLoader.libraryFileName(plugin: name))"),
                          "\(name): swift build did not build libsipwarden-\(name).so into \(bin)")
            try "plugin: \(name)\n".write(to: policies.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let host = PluginHost(pluginsDirectory: bin, policiesDirectory: policies.path, host: TestPolicyHost(),
                              logger: Logger(label: "test"), onDecisions: { _, _ in })
        defer { host.shutdown() }
        for status in host.plugins {
            XCTAssertEqual(status.state, .loaded, "\(status.name): \(status.state)")
            XCTAssertFalse(status.version.isEmpty, status.name)
        }
        XCTAssertEqual(host.plugins.count, Self.shipped.count)
    }

    func testTheRepositoryPolicyFilesLoad() throws {
        let policies = Fixtures.repository.appendingPathComponent("rules/policies")
        let paths = try PolicyFile.paths(in: policies.path)
        try XCTSkipIf(paths.isEmpty, "no policy files in rules/policies yet")
        let host = PluginHost(pluginsDirectory: Fixtures.binDirectory.path, policiesDirectory: policies.path, host: TestPolicyHost(),
                              logger: Logger(label: "test"), onDecisions: { _, _ in })
        defer { host.shutdown() }
        XCTAssertEqual(host.plugins.count, paths.count)
        for status in host.plugins {
            XCTAssertNotEqual(status.state.description.prefix(6), "failed", "\(status.name): \(status.state)")
        }
    }
}
