@testable import PluginHost
import Foundation
import SIPWardenPolicy
import XCTest

/// Loads real shared objects: a Swift plugin built in a separate package against the API, a C
/// object claiming API version 2, and a C object that is no plugin at all.
final class PluginLoaderTests: XCTestCase {
    private func configuration(_ values: [String: PolicyValue] = [:]) -> PolicyConfiguration {
        PolicyConfiguration(file: "rules/policies/external.yaml", section: "external", values: values)
    }

    func testLoadsAPluginBuiltInASeparatePackage() throws {
        let directory = try Fixtures.externalPluginDirectory()
        let host = TestPolicyHost(trusted: [try XCTUnwrap(IPRange("10.0.0.0/8"))])
        let plugin = try PluginLoader.load(library: directory + "/libsipwarden-external.so",
                                           configuration: configuration(["drop": .list([.string("198.51.100.0/24")]), "refuse_aor": .string("sip:9@h")]),
                                           host: host)
        XCTAssertEqual(plugin.name, "external")
        XCTAssertEqual(plugin.version, "1.2.3")
        XCTAssertTrue(plugin.wantsAdmission)
        XCTAssertEqual(host.logs, ["info: external plugin created"])

        // Every call crosses the boundary with API types intact.
        let attacker = try XCTUnwrap(IPAddress("198.51.100.7"))
        XCTAssertEqual(plugin.admit(PacketInfo(source: attacker, sourcePort: 5060, transport: "UDP", size: 400)), .drop)
        XCTAssertEqual(plugin.admit(PacketInfo(source: try XCTUnwrap(IPAddress("192.0.2.1")), sourcePort: 5060, transport: "UDP", size: 400)), .accept)
        let attempt = RegisterAttempt(source: attacker, sourcePort: 5060, transport: "UDP", aor: "sip:9@h", username: "9", userAgent: nil,
                                      contact: "<sip:9@198.51.100.7>", liveBindingSources: [], allowedRanges: [], timeMilliseconds: 0)
        XCTAssertEqual(plugin.review(attempt), .refuse(status: 403, reason: "Forbidden by external"))
        let event = SecurityEvent(id: 3, timeMilliseconds: 9, kind: "auth.failed", sourceIP: "2001:db8::7", sourcePort: 5060, transport: "UDP")
        XCTAssertEqual(try plugin.handle(event),
                       [.ban(BanRequest(target: try XCTUnwrap(IPRange("2001:db8::7")), seconds: 60, reason: "external: auth.failed", evidence: [event]))])
        let trustedEvent = SecurityEvent(timeMilliseconds: 9, kind: "auth.failed", sourceIP: "10.1.2.3", sourcePort: 5060, transport: "UDP")
        XCTAssertEqual(try plugin.handle(trustedEvent), [], "the plugin asked the host, which trusts 10/8")
    }

    func testTheHostAndThePluginShareOneAPILibrary() throws {
        let directory = try Fixtures.externalPluginDirectory()
        _ = try PluginLoader.load(library: directory + "/libsipwarden-external.so", configuration: configuration(), host: TestPolicyHost())
        // The fixture package built its own libSIPWardenPolicy.so beside the plugin; the dynamic
        // linker must have reused the one this process already had (same name), or the cast in
        // the loader would have failed. Exactly one copy is mapped.
        // FileHandle reads to EOF; /proc files report size 0, which some readers take literally.
        let maps = String(decoding: try XCTUnwrap(FileHandle(forReadingAtPath: "/proc/self/maps")).readDataToEndOfFile(), as: UTF8.self)
        let copies = Set(maps.split(separator: "\n").compactMap { line -> String? in
            guard let path = line.split(separator: " ", omittingEmptySubsequences: true).last, path.hasSuffix("/libSIPWardenPolicy.so") else { return nil }
            return String(path)
        })
        XCTAssertEqual(copies.count, 1, "\(copies)")
        XCTAssertFalse(copies.first?.hasPrefix(directory) ?? true, "the plugin's own copy must not be loaded")
        XCTAssertTrue(maps.contains(directory + "/libsipwarden-external.so"))
    }

    func testACreateFailureCarriesThePluginsMessage() throws {
        let directory = try Fixtures.externalPluginDirectory()
        let path = directory + "/libsipwarden-external.so"
        XCTAssertThrowsError(try PluginLoader.load(library: path, configuration: configuration(["ban_seconds": .int(0)]), host: TestPolicyHost())) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("rules/policies/external.yaml: ban_seconds: invalid value '0'"), text)
        }
    }

    func testRefusesAPluginBuiltForAnotherAPIVersionNamingBoth() throws {
        let path = try Fixtures.foreignLibrariesDirectory() + "/libsipwarden-future.so"
        XCTAssertThrowsError(try PluginLoader.load(library: path, configuration: configuration(), host: TestPolicyHost())) { error in
            XCTAssertEqual("\(error)", "\(path) was built for plugin API 2, this sipwarden speaks API 1; rebuild the plugin against this sipwarden's SIPWardenPolicy")
        }
    }

    func testRefusesALibraryThatIsNoPlugin() throws {
        let path = try Fixtures.foreignLibrariesDirectory() + "/libsipwarden-stranger.so"
        XCTAssertThrowsError(try PluginLoader.load(library: path, configuration: configuration(), host: TestPolicyHost())) { error in
            XCTAssertEqual("\(error)", "\(path) is not a SIPWarden plugin (it exports no sipwarden_policy_api_version)")
        }
    }

    func testMissingFileSaysSo() {
        XCTAssertThrowsError(try PluginLoader.load(library: "/nonexistent/libsipwarden-x.so", configuration: configuration(), host: TestPolicyHost())) { error in
            XCTAssertTrue("\(error)".hasPrefix("cannot load /nonexistent/libsipwarden-x.so: "), "\(error)")
        }
    }
}
