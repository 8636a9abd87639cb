import SIPWardenPolicy
import Synchronization

/// A PolicyHost for tests: a settable clock, trusted ranges and live binding counts, and the
/// log lines plugins wrote.
final class FakePolicyHost: PolicyHost {
    private struct State {
        var now: Int64 = 1_700_000_000_000
        var trusted: [IPRange] = []
        var bindings: [IPAddress: Int] = [:]
        var logs: [(PolicyLogLevel, String)] = []
    }
    private let state = Mutex(State())

    func log(_ level: PolicyLogLevel, _ message: String) { state.withLock { $0.logs.append((level, message)) } }
    func isTrusted(_ address: IPAddress) -> Bool { state.withLock { $0.trusted.contains { $0.contains(address) } } }
    func liveBindingCount(from address: IPAddress) -> Int { state.withLock { $0.bindings[address] ?? 0 } }
    func nowMilliseconds() -> Int64 { state.withLock { $0.now } }

    /// The clock.
    var now: Int64 {
        get { state.withLock { $0.now } }
        set { state.withLock { $0.now = newValue } }
    }
    /// Moves the clock on.
    func advance(milliseconds: Int64) { state.withLock { $0.now += milliseconds } }
    /// Sets the trusted ranges.
    func trust(_ ranges: [String]) { state.withLock { $0.trusted = ranges.compactMap(IPRange.init) } }
    /// Sets the live binding count of an address.
    func setBindings(_ count: Int, from address: String) {
        guard let address = IPAddress(address) else { return }
        state.withLock { $0.bindings[address] = count }
    }
    /// Log lines written so far.
    var logs: [(PolicyLogLevel, String)] { state.withLock { $0.logs } }
}
