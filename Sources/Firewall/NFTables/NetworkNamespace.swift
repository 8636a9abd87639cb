import CNFTables
import Foundation

/// Runs work inside a named network namespace (`ip netns add NAME` makes
/// `/var/run/netns/NAME`) on a thread of its own, so that no other thread of the process moves.
///
/// A netlink socket belongs to the namespace it was created in, so tests and tools can drive a
/// namespace's nftables from an ordinary process.
enum NetworkNamespace {
    /// The path of a namespace given by name or by path.
    static func path(for nameOrPath: String) -> String {
        nameOrPath.contains("/") ? nameOrPath : "/var/run/netns/" + nameOrPath
    }

    /// Runs `body` on a new thread that has entered the namespace; returns its result.
    static func run<T>(in nameOrPath: String, _ body: @escaping @Sendable () -> T) throws(NFTablesError) -> T {
        let path = path(for: nameOrPath)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .namespaceUnavailable(path: path, errno: errno) }
        defer { close(fd) }
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            if cnft_enter_network_namespace(fd) != 0 {
                box.failure = errno
            } else {
                box.value = body()
            }
            done.signal()
        }
        thread.start()
        done.wait()
        if let failure = box.failure { throw .namespaceUnavailable(path: path, errno: failure) }
        guard let value = box.value else { throw .namespaceUnavailable(path: path, errno: EINVAL) }
        return value
    }

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
        var failure: Int32?
    }
}
