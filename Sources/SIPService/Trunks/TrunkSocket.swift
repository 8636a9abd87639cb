import Foundation

/// The trunk client's own non-blocking UDP socket (one per address family in use), bound to
/// the SIP listen address on an ephemeral port. REGISTERs leave from it and their responses
/// come back to it; nothing else is served on it.
final class TrunkSocket {
    let descriptor: Int32
    /// The bound address (the port the kernel picked).
    let local: TrunkEndpoint

    /// Opens and binds a socket on `host` (an IP literal, or "0.0.0.0" / "::").
    init(host: String) throws {
        guard let probe = TrunkEndpoint(ip: host, port: 0) else { throw TrunkSocketError("bind(\(host)): not an IP address", EINVAL) }
        let family = probe.isIPv6 ? AF_INET6 : AF_INET
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TrunkSocketError("socket()", errno) }
        let bound = probe.withSocketAddress { address, length in bind(fd, address, length) }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw TrunkSocketError("bind(\(probe.description))", code)
        }
        guard let local = TrunkEndpoint.local(of: fd) else {
            let code = errno
            close(fd)
            throw TrunkSocketError("getsockname()", code)
        }
        self.descriptor = fd
        self.local = local
    }

    deinit { close(descriptor) }

    /// Sends one datagram; an error text on failure.
    func send(_ bytes: [UInt8], to destination: TrunkEndpoint) -> String? {
        let sent = destination.withSocketAddress { address, length in
            bytes.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
        }
        if sent < 0 { return String(cString: strerror(errno)) }
        return nil
    }

    /// The next waiting datagram, or nil when there is none.
    func receive() -> (bytes: [UInt8], from: TrunkEndpoint)? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, raw.baseAddress, raw.count, 0, $0, &length) }
            }
        }
        guard count >= 0, let from = withUnsafePointer(to: &storage, { TrunkEndpoint.from($0) }) else { return nil }
        return (Array(buffer[0..<count]), from)
    }

    /// The local address the kernel would send from towards `destination` (for a socket bound
    /// to a wildcard address: the Via and Contact need a concrete one).
    func sourceAddress(toward destination: TrunkEndpoint) -> String? {
        guard local.isWildcard else { return local.ip }
        let fd = socket(destination.isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard destination.withSocketAddress({ connect(fd, $0, $1) }) == 0 else { return nil }
        return TrunkEndpoint.local(of: fd)?.ip
    }
}
