import SIPWardenPolicy
import XCTest

/// A configuration as the host would build it from `rules/policies/<section>.yaml`.
func configuration(_ section: String, _ values: [String: PolicyValue] = [:]) -> PolicyConfiguration {
    PolicyConfiguration(file: "rules/policies/\(section).yaml", section: section, values: values)
}

/// An event as the daemon would publish it.
func event(
    _ kind: String, from source: String, at time: Int64, port: Int = 5060, aor: String? = nil, username: String? = nil,
    userAgent: String? = nil, detail: String? = nil
) -> SecurityEvent {
    SecurityEvent(
        timeMilliseconds: time, kind: kind, sourceIP: source, sourcePort: port, transport: "UDP", aor: aor,
        username: username, userAgent: userAgent, detail: detail)
}

/// An address from text known to be valid.
func address(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> IPAddress {
    guard let address = IPAddress(text) else {
        XCTFail("not an address: \(text)", file: file, line: line)
        return IPAddress(ipv4: 0)
    }
    return address
}

/// The n-th address of 10.0.0.0/8 (n < 2^24), for tests that need many distinct sources.
func tenNet(_ n: Int) -> IPAddress { IPAddress(ipv4: 0x0A00_0000 | UInt32(n & 0xFF_FFFF)) }

extension Array where Element == Decision {
    /// The ban requests among the decisions.
    var bans: [BanRequest] { compactMap { if case .ban(let request) = $0 { request } else { nil } } }
    /// The alerts among the decisions.
    var alerts: [Alert] { compactMap { if case .alert(let alert) = $0 { alert } else { nil } } }
    /// The reported events among the decisions.
    var reports: [SecurityEvent] { compactMap { if case .report(let event) = $0 { event } else { nil } } }
    /// The ban targets as text.
    var banTargets: [String] { bans.map(\.target.description) }
}

/// Asserts that creating a plugin fails with exactly this configuration error text.
func assertConfigurationError(
    _ expected: String, file: StaticString = #filePath, line: UInt = #line, _ make: () throws -> Any
) {
    do {
        _ = try make()
        XCTFail("expected the error: \(expected)", file: file, line: line)
    } catch let error as PolicyConfigurationError {
        XCTAssertEqual(error.description, expected, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

/// A `ban.removed` or `ban.expired` event exactly as the daemon builds it (SecurityCoordinator):
/// `source_ip` is the address when the ban was of one address, `detail` is `TARGET: REASON`.
func banEnded(_ kind: String, _ target: String, at time: Int64, by who: String = "operator") -> SecurityEvent {
    let single = IPRange(target)?.isSingleAddress ?? false
    return SecurityEvent(
        timeMilliseconds: time, kind: kind, sourceIP: single ? target : "", sourcePort: 0, transport: "", username: who,
        detail: "\(target): \(kind == SecurityEventKind.banRemoved ? "lifted by the operator" : "scanner User-Agent")")
}
