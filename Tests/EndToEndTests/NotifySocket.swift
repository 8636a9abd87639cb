import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Unix datagram socket playing systemd's side of `NOTIFY_SOCKET`: bound to a path, or to
/// an abstract name (`@name`), it collects the notifications a daemon sends.
final class NotifySocket {
    /// The value to put in the daemon's `NOTIFY_SOCKET`.
    let name: String
    private let descriptor: Int32
    private let directory: URL?

    /// Binds a socket file in a fresh temporary directory, or an abstract name when `abstract`.
    init(abstract: Bool) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw SIPTestClientError("socket(AF_UNIX, SOCK_DGRAM) failed: errno \(errno)") }
        var bytes: [UInt8]
        if abstract {
            directory = nil
            name = "@sipwarden-test-\(UUID().uuidString.prefix(12))"
            bytes = Array(name.utf8)
            bytes[0] = 0
        } else {
            let directory = try TestEnvironment.temporaryDirectory("notify")
            self.directory = directory
            name = directory.appendingPathComponent("notify.sock").path
            bytes = Array(name.utf8)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0 else { throw SIPTestClientError("bind(\(name)) failed: errno \(errno)") }
    }

    /// The next notification, or nil when none comes within `timeout`.
    func receive(timeout: TimeInterval = 5) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    /// Notifications until one contains `line` as a whole line; nil when it does not come
    /// within `timeout`. Returns everything received up to and including it.
    func receive(until line: String, timeout: TimeInterval = 10) -> [String]? {
        var received: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let message = receive(timeout: max(0.05, deadline.timeIntervalSinceNow)) else { continue }
            received.append(message)
            if message.split(separator: "\n").contains(Substring(line)) { return received }
        }
        return nil
    }

    deinit {
        close(descriptor)
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}
