@testable import Configuration
import XCTest

/// Which policies directory the daemon reads: never the working directory.
final class PoliciesDirectoryTests: XCTestCase {
    func testTheSearchOrderIsBesideTheProgramThenThePrefixThenEtc() {
        XCTAssertEqual(PoliciesDirectory.candidates(programDirectory: "/usr/local/lib/sipwarden"), [
            "/usr/local/lib/sipwarden/policies", "/usr/local/etc/sipwarden/policies", "/etc/sipwarden/policies",
        ])
        XCTAssertEqual(PoliciesDirectory.candidates(programDirectory: "/usr/lib/sipwarden"), [
            "/usr/lib/sipwarden/policies", "/usr/etc/sipwarden/policies", "/etc/sipwarden/policies",
        ])
        XCTAssertFalse(PoliciesDirectory.candidates(programDirectory: "/opt/sw/bin").contains { !$0.hasPrefix("/") },
                       "no candidate is relative to the working directory")
    }

    func testTheFirstExistingCandidateWins() {
        let chosen = PoliciesDirectory.resolve(configured: nil, programDirectory: "/usr/local/lib/sipwarden") {
            $0 == "/etc/sipwarden/policies" || $0 == "/usr/local/etc/sipwarden/policies"
        }
        XCTAssertEqual(chosen.path, "/usr/local/etc/sipwarden/policies")
        XCTAssertFalse(chosen.configuredButMissing)
        XCTAssertTrue(chosen.explanation.hasPrefix("/usr/local/etc/sipwarden/policies (found"), chosen.explanation)
    }

    func testWithNoneFoundTheDefaultsAreInForce() {
        let chosen = PoliciesDirectory.resolve(configured: nil, programDirectory: "/opt/sw") { _ in false }
        XCTAssertNil(chosen.path)
        XCTAssertTrue(chosen.explanation.contains("built-in defaults"), chosen.explanation)
        XCTAssertTrue(chosen.explanation.contains("/etc/sipwarden/policies"), "it says where it looked: \(chosen.explanation)")
    }

    func testAConfiguredDirectoryIsUsedEvenWhenMissingAndSaysSo() {
        let present = PoliciesDirectory.resolve(configured: "rules/policies", programDirectory: "/opt/sw") { $0 == "rules/policies" }
        XCTAssertEqual(present.path, "rules/policies")
        XCTAssertFalse(present.configuredButMissing)
        let missing = PoliciesDirectory.resolve(configured: "/etc/sipwarden/polcies", programDirectory: "/opt/sw") { _ in false }
        XCTAssertEqual(missing.path, "/etc/sipwarden/polcies")
        XCTAssertTrue(missing.configuredButMissing)
        XCTAssertTrue(missing.explanation.contains("does not exist"), missing.explanation)
    }

    func testTheDefaultConfigurationSearches() {
        XCTAssertNil(DaemonConfiguration().policiesDirectory, "no cwd-relative default")
    }
}
