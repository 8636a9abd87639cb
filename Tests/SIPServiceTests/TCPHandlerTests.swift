import NIOCore
import NIOEmbedded
import Registrar
import SIPCore
import XCTest

@testable import SIPService

/// The TCP handler on a testing channel: framing across and within reads, keep-alive pongs,
/// framing errors and junk connections closed with their events.
final class TCPHandlerTests: XCTestCase {
    private let phone = SourceAddress(ip: "192.0.2.20", port: 40000)!

    /// A connected channel from `source` through a `TCPHandler` of `harness`'s service.
    private func connection(_ harness: ServiceHarness, from source: SourceAddress? = nil) async throws -> NIOAsyncTestingChannel {
        let source = source ?? phone
        let channel = NIOAsyncTestingChannel()
        let service = harness.service
        let maxMessageSize = harness.configuration.maxMessageSize
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(TCPHandler(service: service, maxMessageSize: maxMessageSize))
        }
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 5060)
        // The testing channel takes the address it connects to as its remote address: the phone's.
        try await channel.connect(to: try SocketAddress(ipAddress: source.ip, port: source.port)).get()
        return channel
    }

    private func send(_ bytes: [UInt8], on channel: NIOAsyncTestingChannel) async throws {
        try await channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    private func nextResponse(_ channel: NIOAsyncTestingChannel) async throws -> SIPResponse {
        try ServiceHarness.response(try await channel.waitForOutboundWrite(as: ByteBuffer.self))
    }

    func testAMessageSplitAcrossReadsIsFramedAndAnsweredDownTheConnection() async throws {
        let harness = try ServiceHarness()
        let channel = try await connection(harness)
        let register = ServiceHarness.register(from: phone, transport: "TCP")
        try await send(Array(register.prefix(40)), on: channel)
        let early = try await channel.readOutbound(as: ByteBuffer.self)
        XCTAssertNil(early, "nothing answered before the message is complete")
        try await send(Array(register.dropFirst(40)), on: channel)
        let challenge = try await nextResponse(channel)
        XCTAssertEqual(challenge.statusCode, 401)

        let authorization = try ServiceHarness.authorization(answering: try XCTUnwrap(challenge.headers.values("WWW-Authenticate").first))
        try await send(ServiceHarness.register(from: phone, transport: "TCP", cseq: 2, authorization: authorization), on: channel)
        let ok = try await nextResponse(channel)
        XCTAssertEqual(ok.statusCode, 200)
        let stored = try harness.store.loadBindings()
        XCTAssertEqual(stored.map(\.transport), [.tcp])
        XCTAssertEqual(stored.first?.source, phone)
        XCTAssertTrue(channel.isActive)
    }

    func testTwoMessagesInOneReadGetTwoAnswersInOrder() async throws {
        let harness = try ServiceHarness()
        let channel = try await connection(harness)
        let first = ServiceHarness.register(from: phone, transport: "TCP", callID: "first")
        let second = ServiceHarness.register(from: phone, transport: "TCP", callID: "second")
        try await send(first + second, on: channel)
        let answers = [try await nextResponse(channel), try await nextResponse(channel)]
        XCTAssertEqual(answers.map(\.statusCode), [401, 401])
        XCTAssertEqual(answers.map(\.callID), ["first", "second"])
    }

    func testADoubleCRLFPingIsAnsweredWithASingleCRLFPong() async throws {
        let harness = try ServiceHarness()
        let channel = try await connection(harness)
        try await send([13, 10, 13, 10], on: channel)
        let pong = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        XCTAssertEqual(Array(pong.readableBytesView), [13, 10])
        XCTAssertTrue(channel.isActive)
        XCTAssertEqual(try harness.eventKinds(), [])
    }

    func testAFramingErrorClosesTheConnectionWithAMalformedEvent() async throws {
        let harness = try ServiceHarness()
        let channel = try await connection(harness)
        let text = String(decoding: ServiceHarness.register(from: phone, transport: "TCP"), as: UTF8.self)
            .replacingOccurrences(of: "Content-Length: 0\r\n", with: "")
        try await send(Array(text.utf8), on: channel)
        try await channel.closeFuture.get()
        XCTAssertFalse(channel.isActive)
        XCTAssertEqual(try harness.eventKinds(), ["request.malformed"])
    }

    func testAConnectionSilentPastTheFirstMessageTimeoutIsClosedAsJunk() async throws {
        let harness = try ServiceHarness { $0.tcpFirstMessageTimeout = 5 }
        let channel = try await connection(harness)
        try await send(Array("\u{16}\u{03}\u{01}".utf8), on: channel)  // a TLS hello to the plain port
        await channel.testingEventLoop.advanceTime(by: .seconds(4))
        XCTAssertTrue(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        try await channel.closeFuture.get()
        let events = try harness.events()
        XCTAssertEqual(events.compactMap { $0["kind"] as? String }, ["transport.junk"])
        XCTAssertTrue((events.first?["detail"] as? String)?.contains("3 bytes received") == true, "\(events)")
    }

    func testACompleteMessageCancelsTheFirstMessageTimeout() async throws {
        let harness = try ServiceHarness { $0.tcpFirstMessageTimeout = 5 }
        let channel = try await connection(harness)
        try await send(ServiceHarness.register(from: phone, transport: "TCP"), on: channel)
        _ = try await nextResponse(channel)
        await channel.testingEventLoop.advanceTime(by: .seconds(10))
        XCTAssertTrue(channel.isActive)
        XCTAssertFalse(try harness.eventKinds().contains("transport.junk"))
    }

    func testConnectionsBeyondThePerSourceLimitAreClosedAtAccept() async throws {
        let harness = try ServiceHarness { $0.tcpMaxConnectionsPerSource = 1 }
        let first = try await connection(harness, from: phone)
        let second = try await connection(harness, from: SourceAddress(phone.address, port: phone.port + 1))
        try await second.closeFuture.get()
        XCTAssertTrue(first.isActive)
        XCTAssertEqual(try harness.eventKinds(), ["transport.junk"])
        // Once the first closes, the address may connect again.
        try await first.close()
        let third = try await connection(harness, from: SourceAddress(phone.address, port: phone.port + 2))
        XCTAssertTrue(third.isActive)
    }
}
