import NIOCore
import NIOEmbedded
import Registrar
import SIPCore
import XCTest

@testable import SIPService

/// The keepalive monitor over a testing UDP channel (the listener its probes leave from) and
/// a TCP connection: probes sent, misses counted to unreachable, an answer making the
/// binding reachable again, and RFC 5626 pings down a phone's TCP connection.
final class KeepaliveMonitorTests: XCTestCase {
    private let phone = SourceAddress(ip: "192.0.2.30", port: 5070)!

    private func binding(transport: Transport = .udp, source: SourceAddress? = nil) -> Binding {
        let source = source ?? phone
        let now = SystemClock.now()
        return Binding(
            aor: "sip:1001@example.com", contact: "sip:1001@\(source.ip):\(source.port)", contactKey: "sip:1001@\(source.ip):\(source.port)",
            expiresAt: now.adding(seconds: 3600), registeredAt: now, updatedAt: now, callID: "reg-1", cseq: 1,
            source: source, transport: transport, nat: true)
    }

    private func harness(_ bindings: [Binding]) throws -> ServiceHarness {
        try ServiceHarness(bindings: bindings) { configuration in
            configuration.keepalive.enabled = true
            configuration.keepalive.maxMisses = 2
            configuration.keepalive.removeAfter = 0  // keep unreachable bindings: removal is KeepaliveTable's (wall-clock) logic
        }
    }

    /// The UDP listener: a testing channel through a `UDPHandler`, known to the monitor.
    private func listener(_ harness: ServiceHarness) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        let service = harness.service
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(UDPHandler(service: service))
        }
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 5060)
        harness.service.keepalive.addUDPListener(channel)
        return channel
    }

    /// What the round just run wrote to `channel`: the monitor writes from the caller's thread,
    /// so the write is queued on the channel's loop; a task queued after it runs once it is done.
    private func written<T: Sendable>(_ channel: NIOAsyncTestingChannel, as type: T.Type) async throws -> T? {
        try await channel.testingEventLoop.executeInContext {}
        return try await channel.readOutbound(as: type)
    }

    /// The probe the round just run sent from the listener: its destination and Call-ID.
    private func probe(_ channel: NIOAsyncTestingChannel) async throws -> (destination: SocketAddress, callID: String) {
        let sent = try await written(channel, as: AddressedEnvelope<ByteBuffer>.self)
        let envelope = try XCTUnwrap(sent, "no probe sent")
        guard case .request(let request) = try SIPParser.parse(Array(envelope.data.readableBytesView)) else {
            throw HarnessError(description: "the keepalive probe is not a request")
        }
        XCTAssertEqual(request.method, .options)
        return (envelope.remoteAddress, request.callID)
    }

    func testMissedProbesMarkTheBindingUnreachableAndAnAnswerMakesItReachable() async throws {
        let harness = try harness([binding()])
        let channel = try await listener(harness)

        harness.service.keepaliveRound()
        let first = try await probe(channel)
        XCTAssertEqual(first.destination.ipAddress, phone.ip)
        XCTAssertEqual(first.destination.port, phone.port)
        harness.service.keepaliveRound()  // the first probe unanswered: one miss
        _ = try await probe(channel)
        XCTAssertEqual(try harness.eventKinds(), [])
        harness.service.keepaliveRound()  // two misses: unreachable
        let third = try await probe(channel)
        XCTAssertEqual(try harness.eventKinds(), ["register.unreachable"])
        let key = BindingKey(aor: "sip:1001@example.com", contactKey: "sip:1001@\(phone.ip):\(phone.port)")
        XCTAssertNotNil(harness.service.keepalive.state(of: key)?.unreachableSince)

        // The phone answers the latest probe, through the listener like any response.
        let answer = [
            "SIP/2.0 200 OK",
            "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKka1",
            "From: <sip:sipwarden@127.0.0.1>;tag=1",
            "To: <sip:1001@example.com>;tag=2",
            "Call-ID: \(third.callID)",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        try await channel.writeInbound(AddressedEnvelope(
            remoteAddress: try SocketAddress(ipAddress: phone.ip, port: phone.port), data: ByteBuffer(bytes: Array(answer.utf8))))
        XCTAssertEqual(try harness.eventKinds(), ["register.unreachable", "register.reachable"])
        XCTAssertNil(harness.service.keepalive.state(of: key)?.unreachableSince)
        XCTAssertEqual(harness.service.keepalive.state(of: key)?.misses, 0)
        XCTAssertEqual(try harness.store.loadBindings().count, 1, "nothing removed")
    }

    func testAnAnswerWithAnUnknownCallIDChangesNothing() async throws {
        let harness = try harness([binding()])
        let channel = try await listener(harness)
        for _ in 0..<3 {
            harness.service.keepaliveRound()
            _ = try await probe(channel)
        }
        let stray = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: not-ours\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        try await channel.writeInbound(AddressedEnvelope(
            remoteAddress: try SocketAddress(ipAddress: phone.ip, port: phone.port), data: ByteBuffer(bytes: Array(stray.utf8))))
        XCTAssertEqual(try harness.eventKinds(), ["register.unreachable"])
    }

    func testATCPBindingIsPingedDownItsOwnConnection() async throws {
        let tcpPhone = SourceAddress(ip: "192.0.2.31", port: 41000)!
        let harness = try harness([binding(transport: .tcp, source: tcpPhone)])
        let connection = NIOAsyncTestingChannel()
        let service = harness.service
        try await connection.testingEventLoop.executeInContext {
            try connection.pipeline.syncOperations.addHandler(TCPHandler(service: service, maxMessageSize: 65536))
        }
        connection.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 5060)
        try await connection.connect(to: try SocketAddress(ipAddress: tcpPhone.ip, port: tcpPhone.port)).get()

        harness.service.keepaliveRound()
        let sent = try await written(connection, as: ByteBuffer.self)
        let ping = try XCTUnwrap(sent, "no ping sent")
        XCTAssertEqual(Array(ping.readableBytesView), [13, 10, 13, 10])

        // Once the connection is gone, each round is a miss: unreachable after two.
        try await connection.close().get()
        harness.service.keepaliveRound()
        XCTAssertEqual(try harness.eventKinds(), [])
        harness.service.keepaliveRound()
        XCTAssertEqual(try harness.eventKinds(), ["register.unreachable"])
    }
}
