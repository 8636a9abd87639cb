import NIOCore
import XCTest

@testable import SIPService

#if canImport(Glibc)
import Glibc
#endif

/// The UDP sockets of one listen address: bound together, one source's datagrams on one socket
/// in order, many sources spread over all of them, the address refused while anything else holds it.
final class UDPSocketGroupTests: XCTestCase {
    private func port(of descriptor: CInt) -> Int { Int(TrunkEndpoint.local(of: descriptor)?.port ?? 0) }

    func testAnEphemeralPortIsChosenOnceAndSharedByEverySocket() throws {
        let descriptors = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 3, ipv6Only: false)
        defer { descriptors.forEach { close($0) } }
        XCTAssertEqual(descriptors.count, 3)
        let ports = Set(descriptors.map(port(of:)))
        XCTAssertEqual(ports.count, 1)
        XCTAssertNotEqual(ports.first, 0)
    }

    /// Sends `count` datagrams from `client` to `target`, numbered from `first`.
    private func send(_ count: Int, from client: CInt, to target: SocketAddress, first: Int = 0) {
        for index in first..<(first + count) {
            let payload = Array("\(index)".utf8)
            let result = target.withSockAddr { address, length in sendto(client, payload, payload.count, 0, address, socklen_t(length)) }
            XCTAssertEqual(result, payload.count)
        }
    }

    /// The numbers of the datagrams waiting on a non-blocking socket, in arrival order.
    private func received(_ descriptor: CInt) -> [Int] {
        var buffer = [UInt8](repeating: 0, count: 64)
        var numbers: [Int] = []
        while true {
            let length = recv(descriptor, &buffer, buffer.count, 0)
            guard length > 0 else { return numbers }
            numbers.append(Int(String(decoding: buffer[..<length], as: UTF8.self)) ?? -1)
        }
    }

    func testOneSourceKeepsToOneSocketInOrderAndManySourcesReachEverySocket() throws {
        let descriptors = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 2, ipv6Only: false)
        defer { descriptors.forEach { close($0) } }
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port(of: descriptors[0]))

        let client = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(client) }
        send(200, from: client, to: target)
        usleep(50_000)
        let one = descriptors.map(received)
        XCTAssertEqual(one.filter { !$0.isEmpty }.count, 1, "one source's datagrams take one socket: \(one.map(\.count))")
        XCTAssertEqual(one.flatMap { $0 }, Array(0..<200), "all of them, in the order sent")

        // Sixty-four sources (ports): the hash spreads them; a socket left without any would
        // mean the group is not shared (the chance of that by hash is 2^-63).
        let clients = (0..<64).map { _ in socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0) }
        defer { clients.forEach { close($0) } }
        for (index, client) in clients.enumerated() { send(5, from: client, to: target, first: index * 5) }
        usleep(50_000)
        let many = descriptors.map(received)
        XCTAssertEqual(many.flatMap { $0 }.sorted(), Array(0..<320), "none lost")
        for (index, numbers) in many.enumerated() {
            XCTAssertFalse(numbers.isEmpty, "socket \(index) got nothing from 64 sources: \(many.map(\.count))")
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
