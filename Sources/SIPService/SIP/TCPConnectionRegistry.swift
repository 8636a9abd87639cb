import NIOCore
import Registrar
import Synchronization

/// The open TCP connections from phones, by their remote address, so the keepalive monitor
/// can ping a TCP binding down the connection it registered over (a phone behind NAT cannot
/// be reached on a new one).
final class TCPConnectionRegistry: Sendable {
    private let channels = Mutex<[SourceAddress: any Channel]>([:])

    /// Notes an open connection from `source`.
    func opened(_ channel: any Channel, from source: SourceAddress) {
        channels.withLock { $0[source] = channel }
    }

    /// Forgets the connection from `source` (if it is still `channel`).
    func closed(_ channel: any Channel, from source: SourceAddress) {
        channels.withLock { channels in
            if let current = channels[source], current === channel { channels[source] = nil }
        }
    }

    /// The open connection from `source`, if any.
    func connection(from source: SourceAddress) -> (any Channel)? {
        channels.withLock { $0[source] }.flatMap { $0.isActive ? $0 : nil }
    }
}
