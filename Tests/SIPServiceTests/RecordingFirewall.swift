import Firewall
import SIPWardenPolicy
import Synchronization

/// A firewall that records every ban and unban batch it is handed, and enforces through the
/// memory backend.
final class RecordingFirewall: FirewallBackend {
    let inner = MemoryFirewall()
    let banCalls = Mutex<[[FirewallBan]]>([])
    let unbanCalls = Mutex<[[IPRange]]>([])
    var name: String { "recording" }

    func ban(_ entries: [FirewallBan]) throws {
        banCalls.withLock { $0.append(entries) }
        try inner.ban(entries)
    }

    func unban(_ targets: [IPRange]) throws {
        unbanCalls.withLock { $0.append(targets) }
        try inner.unban(targets)
    }

    func isBlocked(_ address: IPAddress, nowMilliseconds: Int64) -> Bool { inner.isBlocked(address, nowMilliseconds: nowMilliseconds) }
    func setAllowed(_ ranges: [IPRange]) throws { try inner.setAllowed(ranges) }
}
