import Foundation
import Glibc

/// One process's exclusive claim on its nftables table within a network namespace, so that two
/// daemons never share a table (each would take the other's bans and rules for edits made by
/// hand and "repair" them, undoing each other).
///
/// The claim is an abstract-namespace Unix socket, `\0sipwarden-nftables-<table>`, bound and
/// listening. Abstract names belong to a network namespace exactly as nftables tables do, need
/// no file or permission, and vanish with the last descriptor: when the process dies, however
/// it dies (kill -9 included), the claim is gone. A second claimant finds the name taken,
/// connects, and learns the owner's pid from the kernel (SO_PEERCRED) to name it in the error.
/// The owner's thread accepts and closes such connections at once, so they never pile up.
final class NFTablesTableClaim: Sendable {
    /// The table claimed (family inet).
    let table: String
    private let listener: Int32
    private let wake: (reader: Int32, writer: Int32)
    private let stopped = DispatchSemaphore(value: 0)

    /// The abstract socket name (without its leading NUL) that stands for `table`.
    static func socketName(table: String) -> String { "sipwarden-nftables-" + table }

    /// Claims `table` in the current network namespace, or in `networkNamespace` (a name under
    /// /var/run/netns, or a path).
    ///
    /// - Throws: `NFTablesError.tableOwned` when another process holds the claim,
    ///   `.tableClaimFailed` when the socket could not be made.
    init(table: String, networkNamespace: String?) throws(NFTablesError) {
        self.table = table
        let name = Array(Self.socketName(table: table).utf8)
        var address = sockaddr_un()
        guard name.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .tableClaimFailed(table: table, errno: ENAMETOOLONG) }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0
            for (index, byte) in name.enumerated() { path[index + 1] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + name.count)
        var attempt = 0
        while true {
            let socket = try Self.makeSocket(networkNamespace: networkNamespace, table: table)
            if Self.bind(socket, &address, length) == 0 {
                guard listen(socket, 16) == 0 else {
                    let code = errno
                    close(socket)
                    throw .tableClaimFailed(table: table, errno: code)
                }
                listener = socket
                break
            }
            let code = errno
            close(socket)
            guard code == EADDRINUSE else { throw .tableClaimFailed(table: table, errno: code) }
            if let owner = try Self.owner(at: &address, length, networkNamespace: networkNamespace, table: table) {
                throw .tableOwned(table: table, owner: owner)
            }
            // The name is taken but nobody answers: an owner between bind and listen, or one
            // exiting. Try again for about a second before giving up without a pid.
            attempt += 1
            guard attempt < 20 else { throw .tableOwned(table: table, owner: NFTablesTableOwner(pid: 0, program: nil)) }
            usleep(50_000)
        }
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            let code = errno
            close(listener)
            throw .tableClaimFailed(table: table, errno: code)
        }
        wake = (pair[0], pair[1])
        let thread = Thread { [listener, wake, stopped] in
            Self.acceptUntilWoken(listener, wake: wake.reader)
            stopped.signal()
        }
        thread.name = "nftables table claim"
        thread.start()
    }

    /// Releases the claim: the next daemon may take the table.
    deinit {
        var byte: UInt8 = 1
        _ = write(wake.writer, &byte, 1)
        stopped.wait()
        close(listener)
        close(wake.reader)
        close(wake.writer)
    }

    private static func makeSocket(networkNamespace: String?, table: String) throws(NFTablesError) -> Int32 {
        let open: @Sendable () -> (Int32, Int32) = {
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            return (descriptor, errno)
        }
        // A socket belongs to the namespace it was made in; binding and connecting may then
        // happen on any thread.
        let (descriptor, code) = if let networkNamespace { try NetworkNamespace.run(in: networkNamespace, open) } else { open() }
        guard descriptor >= 0 else { throw .tableClaimFailed(table: table, errno: code) }
        return descriptor
    }

    private static func bind(_ socket: Int32, _ address: inout sockaddr_un, _ length: socklen_t) -> Int32 {
        withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, length) }
        }
    }

    /// Connects to the claim's socket and asks the kernel who listens on it; nil when nobody
    /// accepts the connection.
    private static func owner(
        at address: inout sockaddr_un, _ length: socklen_t, networkNamespace: String?, table: String
    ) throws(NFTablesError) -> NFTablesTableOwner? {
        let socket = try makeSocket(networkNamespace: networkNamespace, table: table)
        defer { close(socket) }
        // Non-blocking: an owner that stopped accepting (SIGSTOP) must not hang the caller.
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, length) }
        }
        guard connected == 0 else { return nil }
        var credentials = PeerCredentials()
        var size = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &credentials, &size) == 0 else { return nil }
        let comm = try? String(contentsOfFile: "/proc/\(credentials.pid)/comm", encoding: .utf8)
        let program = comm?.trimmingCharacters(in: .whitespacesAndNewlines)
        return NFTablesTableOwner(pid: credentials.pid, program: credentials.pid > 0 ? program : nil)
    }

    /// Accepts and closes every connection (a second claimant asking who holds the table)
    /// until a byte arrives on `wake`.
    private static func acceptUntilWoken(_ listener: Int32, wake: Int32) {
        var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        while true {
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[1].revents != 0 { return }
            if descriptors[0].revents & Int16(POLLIN) != 0 {
                let connection = accept(listener, nil, nil)
                if connection >= 0 {
                    close(connection)
                } else if [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(errno) {
                    usleep(100_000)
                }
            } else if descriptors[0].revents != 0 {
                return
            }
        }
    }

    /// The kernel's `struct ucred`.
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }
}
