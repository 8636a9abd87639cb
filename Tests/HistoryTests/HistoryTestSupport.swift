import Foundation
@testable import History
import Logging
import SIPWardenPolicy
import Synchronization
import XCTest

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ milliseconds: Int64) { value = Mutex(milliseconds) }
    var now: Int64 { value.withLock { $0 } }
    func set(_ milliseconds: Int64) { value.withLock { $0 = milliseconds } }
}

/// A scratch directory removed at the end of the test.
func scratchDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "history-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// 2026-12-01T10:00:00Z.
let baseMilliseconds: Int64 = 1_764_583_200_000

/// An event at `base + offset` milliseconds.
func historyEvent(
    _ kind: String, at offset: Int64, aor: String? = "sip:1001@example.com", username: String? = "1001", ip: String = "192.0.2.1",
    port: Int = 5060, userAgent: String? = "Yealink SIP-T46S 66.86.0.15", detail: String? = nil
) -> SecurityEvent {
    SecurityEvent(
        timeMilliseconds: baseMilliseconds + offset, kind: kind, sourceIP: ip, sourcePort: port, transport: "UDP", aor: aor,
        username: username, userAgent: userAgent, contact: aor.map { "<\($0.replacingOccurrences(of: "@example.com", with: "@\(ip)"))>" },
        detail: detail)
}

let testLogger = Logger(label: "history-tests")
