import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a control connection: "uid N" from the Unix socket's peer
/// credentials (SO_PEERCRED, set by the kernel, so it cannot be forged), "token" on the TCP
/// control API (the caller proved the bearer token), or "control" when neither is known.
public enum ControlCaller {
    /// The caller of the control request being answered, for the audit lines of the service
    /// behind it (set by `ControlDispatcher.respond`); "control" outside a request.
    @TaskLocal public static var current: String = "control"

    /// The kernel's `struct ucred`: pid, uid, gid.
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Names the peer of `channel`.
    static func identify(_ channel: any Channel) async -> String {
        #if os(Linux)
        // Only a Unix socket carries credentials; on TCP (the bearer-token API) the kernel
        // would answer with the overflow uid.
        switch channel.localAddress?.protocol {
        case .unix?: break
        case .some: return "token"
        case nil: return "control"
        }
        guard let provider = channel as? any SocketOptionProvider else { return "control" }
        let option = NIOBSDSocket.Option(rawValue: CInt(SO_PEERCRED))
        guard let credentials: PeerCredentials = try? await provider.unsafeGetSocketOption(level: .socket, name: option).get() else {
            return "control"
        }
        guard credentials.pid != 0 else { return "control" }
        return "uid \(credentials.uid)"
        #else
        return "control"
        #endif
    }
}
