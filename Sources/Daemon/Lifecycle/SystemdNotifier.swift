import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Tells systemd how the daemon is doing: the `sd_notify` protocol (one datagram of
/// `KEY=value` lines to the Unix socket named by `NOTIFY_SOCKET`), written here rather than
/// linking libsystemd for one `sendto`.
///
/// Used by `Type=notify` units: `READY=1` once the daemon listens, `STOPPING=1` when it
/// stops, `RELOADING=1` (with `MONOTONIC_USEC`) then `READY=1` around a reload, and
/// `WATCHDOG=1` every half `WATCHDOG_USEC` when the unit sets `WatchdogSec=`. Outside systemd
/// (no `NOTIFY_SOCKET`) there is no notifier and nothing is sent.
public final class SystemdNotifier: Sendable {
    /// The socket address: a path, or an abstract name (`@name` in `NOTIFY_SOCKET`).
    private let address: [UInt8]
    private let descriptor: Int32
    private let logger: Logger
    /// How often to send `WATCHDOG=1` (half the watchdog timeout), or nil when systemd does
    /// not watch this process.
    public let watchdogInterval: Duration?

    /// A notifier for `environment`'s `NOTIFY_SOCKET`, or nil when it is unset, empty or not a
    /// Unix socket name (systemd only uses `/path` and `@abstract`).
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        guard let name = environment["NOTIFY_SOCKET"], let address = Self.socketPath(name) else { return nil }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            logger.warning("NOTIFY_SOCKET is set but no datagram socket could be made", metadata: ["errno": "\(errno)"])
            return nil
        }
        self.address = address
        self.descriptor = descriptor
        self.logger = logger
        self.watchdogInterval = Self.watchdogInterval(
            microseconds: environment["WATCHDOG_USEC"], pid: environment["WATCHDOG_PID"], ownPID: getpid())
    }

    deinit { close(descriptor) }

    /// The bytes of `sun_path` for a `NOTIFY_SOCKET` value: the path itself, or for `@name`
    /// a leading NUL and the name (Linux abstract namespace). Nil when it is neither or does
    /// not fit `sun_path`.
    static func socketPath(_ name: String) -> [UInt8]? {
        var bytes = Array(name.utf8)
        guard let first = bytes.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "@"), bytes.count > 1 else { return nil }
        if first == UInt8(ascii: "@") { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        // A path needs room for its terminating NUL; an abstract name is counted by length.
        guard bytes.count < capacity || (first == UInt8(ascii: "@") && bytes.count <= capacity) else { return nil }
        return bytes
    }

    /// Half of `WATCHDOG_USEC`, when it is set and `WATCHDOG_PID` (if any) names this process.
    static func watchdogInterval(microseconds: String?, pid: String?, ownPID: pid_t) -> Duration? {
        guard let microseconds, let value = UInt64(microseconds), value > 0 else { return nil }
        if let pid, !pid.isEmpty, pid_t(pid) != ownPID { return nil }
        return .microseconds(Int64(value / 2))
    }

    /// Sends `state` (newline-separated `KEY=value` assignments). Failures are logged, never
    /// thrown: a daemon must not stop because its supervisor went away.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { path in
            path.copyBytes(from: address)
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + address.count + (address.first == 0 ? 0 : 1))
        let payload = Array(state.utf8)
        let sent = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                payload.withUnsafeBytes { bytes in
                    sendto(descriptor, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), generic, length)
                }
            }
        }
        if sent != payload.count {
            logger.warning("systemd notification not sent", metadata: ["state": "\(state)", "errno": "\(errno)"])
            return false
        }
        return true
    }

    /// `RELOADING=1` with the monotonic time systemd (≥ 253) asks for along with it.
    public func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        notify("RELOADING=1\nMONOTONIC_USEC=\(UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)")
    }
}
