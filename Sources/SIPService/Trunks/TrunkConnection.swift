import Foundation
import SIPCore

#if canImport(Glibc)
    import Glibc
#endif

/// One trunk's TCP connection to its registrar (or outbound proxy): a non-blocking POSIX
/// socket owned by the trunk thread, like `TrunkSocket` for UDP. Connecting and writing wait
/// in poll() with a timeout on that thread (never on an event loop); reads happen when the
/// thread's poll says the socket is readable. Responses are cut from the stream with
/// `SIPStreamFramer`. The connection stays open between refreshes.
final class TrunkConnection {
    let descriptor: Int32
    /// Where it is connected to.
    let remote: TrunkEndpoint
    /// Our end (the kernel's ephemeral port): the Via's and Contact's address.
    let local: TrunkEndpoint
    private var framer: SIPStreamFramer
    /// How long connect() and a write may wait, in milliseconds.
    static let timeout: Int32 = 3000

    /// Connects to `remote`, bound to `bindHost` when it is not a wildcard address.
    init(to remote: TrunkEndpoint, bindHost: String, maxMessageSize: Int = 65_536) throws {
        let fd = socket(
            remote.isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TrunkSocketError("socket()", errno) }
        if bindHost != "0.0.0.0", bindHost != "::" {
            let bound = TrunkEndpoint(ip: bindHost, port: 0)?.withSocketAddress { bind(fd, $0, $1) }
            guard bound == 0 else {
                let code = errno
                close(fd)
                throw TrunkSocketError("bind(\(bindHost))", code)
            }
        }
        let started = remote.withSocketAddress { connect(fd, $0, $1) }
        if started != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                close(fd)
                throw TrunkSocketError("connect(\(remote.description))", code)
            }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&descriptor, 1, Self.timeout) == 1 else {
                close(fd)
                throw TrunkSocketError("connect(\(remote.description)) within \(Self.timeout) ms", ETIMEDOUT)
            }
            var failure: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 else {
                close(fd)
                throw TrunkSocketError("connect(\(remote.description))", failure)
            }
        }
        guard let local = TrunkEndpoint.local(of: fd) else {
            let code = errno
            close(fd)
            throw TrunkSocketError("getsockname()", code)
        }
        self.descriptor = fd
        self.remote = remote
        self.local = local
        self.framer = SIPStreamFramer(maxMessageSize: maxMessageSize)
    }

    deinit { close(descriptor) }

    /// Writes the whole message; an error text on failure (the connection is then unusable).
    func send(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.send(descriptor, raw.baseAddress?.advanced(by: offset), raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR else {
                return written == 0 ? "the connection wrote nothing" : String(cString: strerror(errno))
            }
            var waiting = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            guard poll(&waiting, 1, Self.timeout) == 1 else { return "the connection did not take the message within \(Self.timeout) ms" }
        }
        return nil
    }

    /// Reads what is waiting: the complete messages, and why the connection is finished
    /// (closed by the peer, a read error, lost framing), nil while it is usable.
    func receive() -> (messages: [[UInt8]], closed: String?) {
        var messages: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var closed: String?
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                framer.append(contentsOf: Array(buffer[0..<count]))
                continue
            }
            if count == 0 { closed = "the registrar closed the connection" }
            else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { closed = String(cString: strerror(errno)) }
            break
        }
        do {
            while let frame = try framer.nextFrame() {
                if case .message(let bytes) = frame { messages.append(bytes) }
            }
        } catch {
            closed = "unframeable data from the registrar (\(error))"
        }
        return (messages, closed)
    }
}
