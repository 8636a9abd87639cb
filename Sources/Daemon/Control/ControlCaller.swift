import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// Who is on the other end of a control connection: "uid N" from the Unix socket's peer
/// credentials (SO_PEERCRED, set by the kernel, so it cannot be forged), or "control" when
/// they are not available (another platform, another kind of socket).
enum ControlCaller {
    /// The kernel's `struct ucred`: pid, uid, gid.
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Names the peer of `channel`.
    static func identify(_ channel: any Channel) async -> String {
        #if os(Linux)
        guard let provider = channel as? any SocketOptionProvider else { return "control" }
        let option = NIOBSDSocket.Option(rawValue: CInt(SO_PEERCRED))
        guard let credentials: PeerCredentials = try? await provider.unsafeGetSocketOption(level: .socket, name: option).get() else {
            return "control"
        }
        return "uid \(credentials.uid)"
        #else
        return "control"
        #endif
    }
}
