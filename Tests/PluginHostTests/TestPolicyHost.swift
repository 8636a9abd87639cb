import SIPWardenPolicy
import Synchronization

/// A PolicyHost for tests: records log lines, trusts given ranges, a settable clock.
final class TestPolicyHost: PolicyHost {
    private let state = Mutex<(logs: [String], now: Int64)>(([], 1_700_000_000_000))
    let trusted: [IPRange]
    let liveBindings: [IPAddress: Int]

    init(trusted: [IPRange] = [], liveBindings: [IPAddress: Int] = [:]) {
        self.trusted = trusted
        self.liveBindings = liveBindings
    }

    var logs: [String] { state.withLock { $0.logs } }

    func log(_ level: PolicyLogLevel, _ message: String) {
        state.withLock { $0.logs.append("\(level.rawValue): \(message)") }
    }

    func isTrusted(_ address: IPAddress) -> Bool { trusted.contains { $0.contains(address) } }
    func liveBindingCount(from address: IPAddress) -> Int { liveBindings[address] ?? 0 }
    func nowMilliseconds() -> Int64 { state.withLock { $0.now } }
}
