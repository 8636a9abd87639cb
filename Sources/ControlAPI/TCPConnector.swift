#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SIPWardenPolicy

/// Connects a blocking TCP socket to the daemon's TCP control listener (an IPv4 or IPv6
/// literal address; the listener is loopback by default), wrapped as the same socket type the
/// Unix-socket client reads and writes.
enum TCPConnector {
    /// Connects to `endpoint`, with send and receive timeouts of `timeoutSeconds`.
    static func connect(_ endpoint: ControlEndpoint.TCP, label: String, timeoutSeconds: Int) -> Result<UnixSocket, ControlClientError> {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let address = IPAddress(endpoint.host)
        if let address, !address.isIPv6 {
            withUnsafeMutableBytes(of: &v4.sin_addr) { $0.copyBytes(from: address.bytes) }
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(endpoint.port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: withUnsafeBytes(of: &v4) { Array($0) }) }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            family = AF_INET
        } else if let address {
            withUnsafeMutableBytes(of: &v6.sin6_addr) { $0.copyBytes(from: address.bytes) }
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(endpoint.port).bigEndian)
            withUnsafeMutableBytes(of: &storage) { $0.copyBytes(from: withUnsafeBytes(of: &v6) { Array($0) }) }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            family = AF_INET6
        } else {
            return .failure(.unreachable(socketPath: label, reason: "'\(endpoint.host)' is not an IP address; give e.g. http://127.0.0.1:9479"))
        }
        #if canImport(Glibc)
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(family, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return .failure(.unreachable(socketPath: label, reason: "socket() failed")) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    #if canImport(Darwin)
                    Darwin.connect(descriptor, $0, length)
                    #elseif canImport(Musl)
                    Musl.connect(descriptor, $0, length)
                    #else
                    Glibc.connect(descriptor, $0, length)
                    #endif
                }
            }
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            UnixSocket(descriptor: descriptor).close()
            switch code {
            case ECONNREFUSED: return .failure(.unreachable(socketPath: label, reason: "connection refused: nothing listens there"))
            case EAGAIN, ETIMEDOUT: return .failure(.timedOut(socketPath: label, seconds: timeoutSeconds))
            default: return .failure(.unreachable(socketPath: label, reason: String(cString: strerror(code)).lowercased()))
            }
        }
        return .success(UnixSocket(descriptor: descriptor))
    }
}
