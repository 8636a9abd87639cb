#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, blocking Unix stream socket: just what the control client needs.
struct UnixSocket {
    /// The file descriptor.
    let descriptor: Int32

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #elseif canImport(Musl)
    private static let streamType = SOCK_STREAM
    private static let sendFlags = MSG_NOSIGNAL
    #else
    private static let streamType = SOCK_STREAM
    private static let sendFlags: Int32 = 0
    #endif

    /// Connects to the socket at `path`, with send and receive timeouts of `timeoutSeconds`.
    static func connect(path: String, timeoutSeconds: Int) -> Result<UnixSocket, ControlClientError> {
        let pathBytes = Array(path.utf8)
        if pathBytes.isEmpty {
            return .failure(.unreachable(socketPath: path, reason: "the socket path is empty"))
        }
        if pathBytes.contains(0) {
            return .failure(.unreachable(socketPath: path, reason: "the socket path contains a NUL byte"))
        }
        var address = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else {
            return .failure(.unreachable(
                socketPath: path,
                reason: "the path is \(pathBytes.count) bytes, longer than the \(capacity - 1) a Unix socket address holds; use a shorter path"))
        }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }

        let descriptor = socket(AF_UNIX, streamType, 0)
        guard descriptor >= 0 else {
            return .failure(.unreachable(socketPath: path, reason: "socket() failed: \(describe(errno))"))
        }
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    #if canImport(Darwin)
                    Darwin.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #elseif canImport(Musl)
                    Musl.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #else
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    #endif
                }
            }
        } while result != 0 && errno == EINTR
        guard result == 0 else {
            let code = errno
            _ = closeDescriptor(descriptor)
            switch code {
            case ENOENT:
                return .failure(.unreachable(socketPath: path, reason: "no such socket"))
            case ENOTDIR:
                return .failure(.unreachable(socketPath: path, reason: "a parent of the path is not a directory"))
            case ECONNREFUSED:
                return .failure(.unreachable(socketPath: path, reason: "connection refused: nothing is listening on that socket"))
            case EACCES, EPERM:
                return .failure(.permissionDenied(socketPath: path))
            case ENOTSOCK, EPROTOTYPE:
                return .failure(.unreachable(socketPath: path, reason: "the path is not a socket"))
            case EAGAIN:
                return .failure(.timedOut(socketPath: path, seconds: timeoutSeconds))
            default:
                return .failure(.unreachable(socketPath: path, reason: describe(code)))
            }
        }
        return .success(UnixSocket(descriptor: descriptor))
    }

    /// Writes every byte of `bytes`.
    func writeAll(_ bytes: [UInt8]) -> Result<Void, SocketIOError> {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress.map { $0 + offset }, bytes.count - offset, Self.sendFlags)
            }
            if written < 0 {
                let code = errno
                if code == EINTR { continue }
                return .failure(Self.ioError(code))
            }
            offset += written
        }
        return .success(())
    }

    /// Reads what is available (blocking until something is) and appends it to `buffer`;
    /// returns the number of bytes read, 0 at the end of the stream.
    func read(into buffer: inout [UInt8]) -> Result<Int, SocketIOError> {
        let chunk = 64 * 1024
        var count = 0
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        while true {
            count = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress.map { $0 + oldCount }, chunk, 0)
            }
            if count < 0 && errno == EINTR { continue }
            break
        }
        let code = errno
        buffer.removeLast(chunk - max(count, 0))
        if count < 0 { return .failure(Self.ioError(code)) }
        return .success(count)
    }

    /// Closes the descriptor.
    func close() {
        _ = Self.closeDescriptor(descriptor)
    }

    private static func closeDescriptor(_ descriptor: Int32) -> Int32 {
        #if canImport(Darwin)
        Darwin.close(descriptor)
        #elseif canImport(Musl)
        Musl.close(descriptor)
        #else
        Glibc.close(descriptor)
        #endif
    }

    private static func ioError(_ code: Int32) -> SocketIOError {
        switch code {
        case EPIPE, ECONNRESET: return .brokenPipe
        case EAGAIN, EWOULDBLOCK: return .timedOut
        default: return .other(describe(code))
        }
    }

    private static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
