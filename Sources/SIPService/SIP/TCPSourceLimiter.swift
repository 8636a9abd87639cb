import SIPWardenPolicy
import Synchronization

/// Open TCP connections per source address, so one address cannot hold more than
/// `transport.tcp_max_connections_per_source` of them.
///
/// An address is in the table only while it has an open connection counted here, so the table
/// never holds more entries than there are open connections (themselves bounded by the
/// process's file descriptor limit): an attacker rotating addresses cannot grow it past that.
final class TCPSourceLimiter: Sendable {
    /// Connections one address may hold; 0: no limit.
    let maximum: Int
    private let counts = Mutex<[IPAddress: Int]>([:])

    init(maximum: Int) { self.maximum = maximum }

    /// Counts a new connection from `ip`; false (and nothing counted) when the address already
    /// holds `maximum`.
    func open(_ ip: IPAddress) -> Bool {
        counts.withLock { counts in
            let current = counts[ip, default: 0]
            if maximum > 0, current >= maximum { return false }
            counts[ip] = current + 1
            return true
        }
    }

    /// Uncounts a connection `open` counted.
    func close(_ ip: IPAddress) {
        counts.withLock { counts in
            guard let current = counts[ip] else { return }
            counts[ip] = current > 1 ? current - 1 : nil
        }
    }

    /// Connections counted for `ip`.
    func count(_ ip: IPAddress) -> Int { counts.withLock { $0[ip, default: 0] } }

    /// Addresses in the table.
    var trackedAddresses: Int { counts.withLock { $0.count } }
}
