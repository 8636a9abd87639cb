import Dispatch
import NIOCore
import NIOPosix
import XCTest

@testable import SIPService

#if canImport(Glibc)
import Glibc
#endif

/// Responses sent from other threads than the channel's event loop (the committer's 200 OKs):
/// straight out of a duplicate of the channel's real socket, from the listen address, and
/// through the event loop once the channel is closed.
final class DatagramSenderTests: XCTestCase {
    private func port(of descriptor: CInt) -> Int { Int(TrunkEndpoint.local(of: descriptor)?.port ?? 0) }

    /// A non-blocking client socket on 127.0.0.1 and its address.
    private func client() throws -> (CInt, SocketAddress) {
        let client = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        let any = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        XCTAssertEqual(any.withSockAddr { bind(client, $0, socklen_t($1)) }, 0)
        return (client, try SocketAddress(ipAddress: "127.0.0.1", port: port(of: client)))
    }

    /// Datagrams waiting on `descriptor` within about a second, with the port each came from.
    private func receive(_ descriptor: CInt, expecting count: Int) -> [(text: String, port: Int)] {
        var got: [(String, Int)] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        for _ in 0..<200 where got.count < count {
            var from = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = withUnsafeMutablePointer(to: &from) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(descriptor, &buffer, buffer.count, 0, $0, &length) }
            }
            if n > 0 {
                got.append((String(decoding: buffer[..<n], as: UTF8.self), Int(UInt16(bigEndian: from.sin_port))))
            } else {
                usleep(5_000)
            }
        }
        return got
    }

    func testSendsFromAnotherThreadLeaveFromTheListenAddressAndAfterCloseThroughTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let descriptors = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: 0), count: 1, ipv6Only: false)
        let listenPort = port(of: descriptors[0])
        let channel = try await DatagramBootstrap(group: group).withBoundSocket(descriptors[0]).get()
        let sender = DatagramSender(channel: channel, descriptor: descriptors[0])
        let (client, clientAddress) = try client()
        defer { close(client) }

        // From this (non-loop) thread, with the event loop held busy: the datagrams arrive all
        // the same, so they did not wait for the loop.
        XCTAssertFalse(channel.eventLoop.inEventLoop)
        let busy = DispatchSemaphore(value: 0), holding = DispatchSemaphore(value: 0)
        channel.eventLoop.execute {
            holding.signal()
            busy.wait()
        }
        holding.wait()
        for index in 0..<20 { sender.send(Array("ok \(index)".utf8), to: clientAddress) }
        let direct = receive(client, expecting: 20)
        busy.signal()
        XCTAssertEqual(direct.map(\.text), (0..<20).map { "ok \($0)" }, "every datagram, in the order sent")
        XCTAssertEqual(Set(direct.map(\.port)), [listenPort], "they leave from the listen address")

        // Closed (NIO closes its descriptor; the sender closes its duplicate): later sends take
        // the event loop's path, which drops them on a closed channel, and nothing leaves.
        try await channel.close()
        sender.close()
        sender.send(Array("late".utf8), to: clientAddress)
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertEqual(receive(client, expecting: 1).map(\.text), [], "nothing is sent once the channel is closed")
        // The listen address is free again: neither NIO's descriptor nor the duplicate holds it.
        let again = try UDPSocketGroup.bind(try SocketAddress(ipAddress: "127.0.0.1", port: listenPort), count: 1, ipv6Only: false)
        again.forEach { close($0) }
        try await group.shutdownGracefully()
    }

    func testWithoutADescriptorSendsFromAnotherThreadGoThroughTheEventLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let sender = DatagramSender(channel: channel)
        let (client, clientAddress) = try client()
        defer { close(client) }
        for index in 0..<5 { sender.send(Array("hop \(index)".utf8), to: clientAddress) }
        let got = receive(client, expecting: 5)
        XCTAssertEqual(got.map(\.text), (0..<5).map { "hop \($0)" })
        XCTAssertEqual(Set(got.map(\.port)), [channel.localAddress?.port ?? -1])
        try await channel.close()
        try await group.shutdownGracefully()
    }
}
