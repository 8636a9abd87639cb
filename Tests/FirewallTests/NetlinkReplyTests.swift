import Firewall
import XCTest

/// The netlink reply parser on hand-made buffers, including the inputs the fuzzer
/// (`make fuzz`, target netlink-reply) found trapping.
final class NetlinkReplyTests: XCTestCase {
    /// `struct nlmsghdr` (little-endian, as on the hosts we build for) followed by `body`.
    private func message(type: UInt16, flags: UInt16 = 0, seq: UInt32, body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        append(UInt32(16 + body.count))
        append(type)
        append(flags)
        append(seq)
        append(UInt32(0))
        return bytes + body + Array(repeating: 0, count: (4 - body.count % 4) % 4)
    }

    private func nlmsgerr(error: Int32, seq: UInt32) -> [UInt8] {
        var body: [UInt8] = []
        withUnsafeBytes(of: error.littleEndian) { body += $0 }
        // The original request's header (NETLINK_CAP_ACK: header only).
        for value in [UInt32(32), UInt32(0x0005_0a0c), seq, 0] { withUnsafeBytes(of: value.littleEndian) { body += $0 } }
        return body
    }

    private func parse(_ bytes: [UInt8]) throws -> [NetlinkReply] {
        try bytes.withUnsafeBytes { buffer throws(NFTablesError) in try NetlinkReply.parse(buffer) }
    }

    func testAckAndErrorAreParsed() throws {
        let replies = try parse(message(type: 2, seq: 7, body: nlmsgerr(error: 0, seq: 7))
                                    + message(type: 2, seq: 8, body: nlmsgerr(error: -17, seq: 8)))
        XCTAssertEqual(replies.count, 2)
        guard case .ack(7, 0, nil, nil) = replies[0], case .ack(8, 17, nil, nil) = replies[1] else {
            return XCTFail("unexpected replies \(replies)")
        }
    }

    /// Found by the fuzzer: an error code of Int32.min made `-error` overflow and trap. The
    /// kernel only sends negated errnos; anything else is refused as a protocol violation.
    func testErrorCodeThatCannotBeNegatedIsRefusedNotATrap() {
        let bytes = message(type: 2, seq: 7, body: nlmsgerr(error: Int32.min, seq: 7))
        XCTAssertThrowsError(try parse(bytes)) { error in
            guard case NFTablesError.protocolViolation = error else { return XCTFail("unexpected error \(error)") }
        }
    }

    func testTruncatedMessageIsRefused() {
        XCTAssertThrowsError(try parse(Array(message(type: 2, seq: 1, body: nlmsgerr(error: 0, seq: 1)).prefix(30))))
    }
}
