import Configuration
import XCTest

/// The issue-15 `console.*` keys: off by default, loopback unless allowed, errors naming file,
/// key and value.
final class ConsoleConfigurationTests: XCTestCase {
    private func message(_ yaml: String) -> String {
        do { _ = try ConfigurationLoader.parse(yaml: yaml, file: "t.yaml"); return "" } catch { return "\(error)" }
    }

    func testTheConsoleIsOffUntilConfigured() throws {
        XCTAssertNil(try ConfigurationLoader.parse(yaml: "trusted: []\n", file: "t.yaml").consoleListen)
        let configuration = try ConfigurationLoader.parse(yaml: "console:\n  listen: 127.0.0.1:8080\n  session_lifetime: 600\n", file: "t.yaml")
        XCTAssertEqual(configuration.consoleListen, HostPort(host: "127.0.0.1", port: 8080))
        XCTAssertEqual(configuration.consoleSessionLifetime, 600)
        XCTAssertFalse(configuration.consoleAllowNonLoopback)
    }

    func testANonLoopbackAddressNeedsTheAllowFlag() {
        let refused = message("console:\n  listen: 0.0.0.0:8080\n")
        XCTAssertTrue(refused.contains("t.yaml") && refused.contains("console.listen") && refused.contains("0.0.0.0:8080"), refused)
        XCTAssertTrue(refused.contains("console.allow_non_loopback"), refused)
        XCTAssertEqual(message("console:\n  listen: 0.0.0.0:8080\n  allow_non_loopback: true\n"), "")
    }

    func testBadValuesAreNamed() {
        XCTAssertTrue(message("console:\n  listen: eighty\n").contains("expected HOST:PORT"))
        XCTAssertTrue(message("console:\n  session_lifetime: 5\n").contains("console.session_lifetime"))
        XCTAssertTrue(message("console:\n  lisen: x\n").contains("unknown key"))
    }
}
