import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare UDP or TCP socket on loopback for sending SIP by hand: a chosen local address
/// (127.0.0.2, 127.0.0.3, ...) stands for a distinct phone or attacker.
final class SIPTestClient {
    enum Kind { case udp, tcp }

    let kind: Kind
    let localIP: String
    private(set) var localPort: Int = 0
    private let fd: Int32

    /// Opens a socket bound to `localIP` (port chosen by the kernel), connected to the server.
    init(_ kind: Kind, localIP: String = "127.0.0.1", serverPort: Int, serverIP: String = "127.0.0.1") throws {
        self.kind = kind
        self.localIP = localIP
        fd = socket(AF_INET, kind == .udp ? Int32(SOCK_DGRAM.rawValue) : Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SIPTestClientError("socket() failed: errno \(errno)") }
        var local = Self.address(localIP, 0)
        guard withUnsafePointer(to: &local, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else {
            close(fd)
            throw SIPTestClientError("bind(\(localIP)) failed: errno \(errno)")
        }
        var remote = Self.address(serverIP, serverPort)
        guard withUnsafePointer(to: &remote, { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }) == 0 else {
            close(fd)
            throw SIPTestClientError("connect(\(serverIP):\(serverPort)) failed: errno \(errno)")
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        localPort = Int(UInt16(bigEndian: bound.sin_port))
    }

    deinit { close(fd) }

    /// Sends raw bytes.
    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Sends text with its line ends as written.
    func send(_ text: String) { send(Array(text.utf8)) }

    /// Receives one datagram (UDP) or whatever bytes arrive (TCP) within `timeout` seconds.
    func receive(timeout: TimeInterval = 2) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[0..<count]) : nil
    }

    /// Receives one response as text (for TCP, reads until a complete header block and body).
    func receiveText(timeout: TimeInterval = 2) -> String? {
        guard kind == .tcp else { return receive(timeout: timeout).map { String(decoding: $0, as: UTF8.self) } }
        var collected: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let chunk = receive(timeout: max(0.01, deadline.timeIntervalSinceNow)) else { break }
            collected += chunk
            let text = String(decoding: collected, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let length = text.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text[end.upperBound...].utf8.count >= length { return text }
            }
        }
        return collected.isEmpty ? nil : String(decoding: collected, as: UTF8.self)
    }

    /// Whether the peer closed a TCP connection within `timeout` seconds.
    func waitForClose(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            let count = recv(fd, &byte, 1, 0)
            if count == 0 { return true }
            if count < 0 { return true }
        }
        return false
    }

    private static func address(_ ip: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, ip, &address.sin_addr)
        return address
    }

    /// A port free for both UDP and TCP on 127.0.0.1.
    static func freePort() -> Int {
        for _ in 0..<50 {
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var address = Self.address("127.0.0.1", 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(udp, $0, &length) } }
            let port = Int(UInt16(bigEndian: bound.sin_port))
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var tcpAddress = Self.address("127.0.0.1", port)
            let ok = withUnsafePointer(to: &tcpAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(tcp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
            close(tcp)
            close(udp)
            if ok && port > 1024 { return port }
        }
        return 25060
    }
}

struct SIPTestClientError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
