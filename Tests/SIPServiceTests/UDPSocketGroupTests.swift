import NIOCore
import XCTest

@testable import SIPService

#if canImport(Glibc)
import Glibc
#endif

/// The UDP sockets of one listen address: bound together, datagrams spread over all of them,
/// the address refused while anything else holds it.
final class UDPSocketGroupTests: XCTestCase {
    private func port(of descriptor: CInt) -> Int {
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    /// Datagrams waiting on a non-blocking socket.
    private func drain(_ descriptor: CInt) -> Int {
        var buffer = [UInt8](repeating: 0, count: 64)
        var count = 0
        while recv(descriptor, &buffer, buffer.count, 0) > 0 { count += 1 }
        return count
    }

    func testAnEphemeralPortIsChosenOnceAndSharedByEverySocket() throws {
        let descriptors = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 3, ipv6Only: false)
        defer { descriptors.forEach { close($0) } }
        XCTAssertEqual(descriptors.count, 3)
        let ports = Set(descriptors.map(port(of:)))
        XCTAssertEqual(ports.count, 1)
        XCTAssertNotEqual(ports.first, 0)
    }

    func testDatagramsFromOneSourceReachEverySocketAndNoneIsLost() throws {
        let descriptors = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 2, ipv6Only: false)
        defer { descriptors.forEach { close($0) } }
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port(of: descriptors[0]))
        let client = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(client) }
        // One source address and port: the kernel's default choice (a hash of the source)
        // would give every datagram to the same socket.
        let sent = 400
        for index in 0..<sent {
            let payload = Array("datagram \(index)".utf8)
            let result = target.withSockAddr { address, length in sendto(client, payload, payload.count, 0, address, socklen_t(length)) }
            XCTAssertEqual(result, payload.count)
        }
        usleep(100_000)
        let received = descriptors.map(drain)
        XCTAssertEqual(received.reduce(0, +), sent, "every datagram reaches one of the sockets: \(received)")
        for (index, count) in received.enumerated() {
            XCTAssertGreaterThan(count, sent / 8, "socket \(index) got \(count) of \(sent): the datagrams are not spread (\(received))")
        }
    }

    func testAnAddressHeldByAnotherSocketIsRefusedAndNothingStaysBound() throws {
        let holder = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 1, ipv6Only: false)
        let taken = port(of: holder[0])
        XCTAssertThrowsError(try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: taken), count: 2, ipv6Only: false)) { error in
            XCTAssertEqual((error as? IOError)?.errnoCode, EADDRINUSE, "\(error)")
        }
        close(holder[0])
        // Once the holder is gone the address is free again: the refused attempt left nothing bound.
        let again = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: taken), count: 2, ipv6Only: false)
        XCTAssertEqual(again.count, 2)
        again.forEach { close($0) }
    }
}
