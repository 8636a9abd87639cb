import NIOCore
import NIOEmbedded
import Registrar
import SIPCore
import SIPWardenPolicy
import XCTest

@testable import SIPService

/// The UDP handler on a testing channel, over the in-memory store: the REGISTER dialogue, the
/// durable commit before 200 OK, and what becomes of malformed datagrams.
final class UDPHandlerTests: XCTestCase {
    private let phone = SourceAddress(ip: "192.0.2.10", port: 5062)!

    private func channel(_ harness: ServiceHarness) async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        let service = harness.service
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(UDPHandler(service: service))
        }
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 5060)
        return channel
    }

    private func datagram(_ bytes: [UInt8], from source: SourceAddress) throws -> AddressedEnvelope<ByteBuffer> {
        AddressedEnvelope(remoteAddress: try SocketAddress(ipAddress: source.ip, port: source.port), data: ByteBuffer(bytes: bytes))
    }

    func testRegisterIsChallengedThenAcceptedOnceTheBindingIsStored() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)

        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 1), from: phone))
        let challengeEnvelope = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertEqual(challengeEnvelope.remoteAddress.port, phone.port, "answered to the source port (rport)")
        let challenge = try ServiceHarness.response(challengeEnvelope.data)
        XCTAssertEqual(challenge.statusCode, 401)
        let wwwAuthenticate = try XCTUnwrap(challenge.headers.values("WWW-Authenticate").first)
        XCTAssertTrue(try harness.store.loadBindings().isEmpty, "a challenge stores nothing")

        let authorization = try ServiceHarness.authorization(answering: wwwAuthenticate)
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 2, authorization: authorization), from: phone))
        // The 200 leaves from the committer's thread, after the binding is in the store.
        let okEnvelope = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        let ok = try ServiceHarness.response(okEnvelope.data)
        XCTAssertEqual(ok.statusCode, 200)
        XCTAssertEqual(ok.headers.values("Contact").count, 1)
        let stored = try harness.store.loadBindings()
        XCTAssertEqual(stored.map(\.aor), ["sip:1001@example.com"])
        XCTAssertEqual(stored.first?.source, phone)
        XCTAssertEqual(stored.first?.transport, .udp)
        XCTAssertEqual(harness.service.liveBindingCount(from: phone.address), 1)
        let kinds = try harness.eventKinds()
        XCTAssertTrue(kinds.contains("register.accepted"), "\(kinds)")
    }

    func testARetransmittedRegisterGetsTheSameAnswerWithoutASecondCommit() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 1), from: phone))
        let challenge = try ServiceHarness.response(try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self).data)
        let authorization = try ServiceHarness.authorization(answering: try XCTUnwrap(challenge.headers.values("WWW-Authenticate").first))
        let second = ServiceHarness.register(from: phone, cseq: 2, authorization: authorization)
        try await channel.writeInbound(try datagram(second, from: phone))
        let first = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        let transactions = harness.store.bindingTransactions
        try await channel.writeInbound(try datagram(second, from: phone))
        let again = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertEqual(String(decoding: again.data.readableBytesView, as: UTF8.self), String(decoding: first.data.readableBytesView, as: UTF8.self),
                       "the cached final response")
        XCTAssertEqual(try ServiceHarness.response(first.data).statusCode, 200)
        XCTAssertEqual(harness.store.bindingTransactions, transactions, "a retransmission commits nothing")
        // The byte-identical copy was known by its fingerprint (answered before parsing); one
        // that differs in a byte is the same transaction all the same, found after parsing.
        XCTAssertEqual(harness.service.transactions.withLock { $0.fingerprintCount }, 1, "the authenticated REGISTER's datagram")
        var altered = second
        let end = try XCTUnwrap(altered.lastIndex(of: UInt8(ascii: "\n")))
        altered.insert(contentsOf: Array("X-Copy: 1\r\n".utf8), at: end + 1 - 2)
        try await channel.writeInbound(try datagram(altered, from: phone))
        let third = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertEqual(String(decoding: third.data.readableBytesView, as: UTF8.self), String(decoding: first.data.readableBytesView, as: UTF8.self))
        XCTAssertEqual(harness.store.bindingTransactions, transactions)
    }

    func testARetransmittedChallengedRegisterGetsTheSame401AndANewOneAFreshChallenge() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        let first = ServiceHarness.register(from: phone, cseq: 1)
        try await channel.writeInbound(try datagram(first, from: phone))
        let original = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertEqual(try ServiceHarness.response(original.data).statusCode, 401)
        try await channel.writeInbound(try datagram(first, from: phone))
        let again = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertEqual(String(decoding: again.data.readableBytesView, as: UTF8.self), String(decoding: original.data.readableBytesView, as: UTF8.self),
                       "the same 401: same nonce, same To tag")
        // A new transaction (the next CSeq, a new branch) is challenged afresh.
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 2), from: phone))
        let fresh = try ServiceHarness.response(try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self).data)
        let originalChallenge = try ServiceHarness.response(original.data)
        XCTAssertEqual(fresh.statusCode, 401)
        XCTAssertNotEqual(fresh.headers.values("WWW-Authenticate"), originalChallenge.headers.values("WWW-Authenticate"))
        // The repeated 401's nonce works: the phone answers it and registers.
        let authorization = try ServiceHarness.authorization(
            answering: try XCTUnwrap(try ServiceHarness.response(again.data).headers.values("WWW-Authenticate").first))
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 3, authorization: authorization), from: phone))
        let ok = try ServiceHarness.response(try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self).data)
        XCTAssertEqual(ok.statusCode, 200)
    }

    func testAFailedCommitIsAnswered500AndNothingIsKept() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 1), from: phone))
        let challenge = try ServiceHarness.response(try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self).data)
        let authorization = try ServiceHarness.authorization(answering: try XCTUnwrap(challenge.headers.values("WWW-Authenticate").first))
        harness.store.failWrites = true
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone, cseq: 2, authorization: authorization), from: phone))
        let failure = try ServiceHarness.response(try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self).data)
        XCTAssertEqual(failure.statusCode, 500)
        XCTAssertEqual(failure.headers.values("Retry-After"), ["5"])
        harness.store.failWrites = false
        XCTAssertTrue(try harness.store.loadBindings().isEmpty)
    }

    func testGarbageIsDroppedWithAMalformedEvent() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        try await channel.writeInbound(try datagram(Array("\u{16}\u{03}\u{01} not SIP at all\r\n\r\n".utf8), from: phone))
        let written = try await channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertNil(written, "nothing to address a reply with: dropped")
        let events = try harness.events()
        XCTAssertEqual(events.compactMap { $0["kind"] as? String }, ["request.malformed"])
        XCTAssertEqual(events.first?["source_ip"] as? String, phone.ip)
    }

    func testABrokenRequestThatCanBeAddressedIsAnswered400() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        var text = String(decoding: ServiceHarness.register(from: phone), as: UTF8.self)
        text = text.replacingOccurrences(of: "CSeq: 1 REGISTER", with: "CSeq: 99999999999 REGISTER")
        try await channel.writeInbound(try datagram(Array(text.utf8), from: phone))
        let answer = try await channel.waitForOutboundWrite(as: AddressedEnvelope<ByteBuffer>.self)
        // Read as text: the answer echoes the out-of-range CSeq, which the parser rightly refuses.
        let reply = String(decoding: answer.data.readableBytesView, as: UTF8.self)
        XCTAssertTrue(reply.hasPrefix("SIP/2.0 400 "), reply)
        XCTAssertTrue(reply.contains("\r\nCall-ID: call-1\r\n"), reply)
        XCTAssertEqual(answer.remoteAddress.port, phone.port)
        XCTAssertEqual(try harness.eventKinds(), ["request.malformed"])
    }

    func testNATKeepaliveDatagramsAreIgnoredSilently() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        try await channel.writeInbound(try datagram([13, 10, 13, 10], from: phone))
        let written = try await channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertNil(written)
        XCTAssertEqual(try harness.eventKinds(), [])
    }

    func testABannedSourceIsDroppedUnread() async throws {
        let harness = try ServiceHarness()
        let channel = try await channel(harness)
        let target = try XCTUnwrap(IPRange(phone.ip))
        try harness.security.ban(target, seconds: 600, reason: "test", source: "operator", evidence: [], now: SystemClock.now())
        try await channel.writeInbound(try datagram(ServiceHarness.register(from: phone), from: phone))
        let written = try await channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self)
        XCTAssertNil(written)
        XCTAssertEqual(try harness.eventKinds(), ["ban.added"], "the REGISTER made no event")
        XCTAssertEqual(try harness.store.bans(activeAt: SystemClock.now()).map(\.target), [phone.ip])
    }
}
