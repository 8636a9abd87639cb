import CNFTables

/// One message the kernel sent back on a netfilter netlink socket. `package` (not public) so
/// the netlink fuzzer (Fuzz/, `make fuzz`) can reach the parser without `@testable`.
package enum NetlinkReply {
    /// An acknowledgement (`error` 0) or an error for the request with sequence number `seq`;
    /// `offset` is the byte offset, in that request, of the attribute the kernel blamed.
    case ack(seq: UInt32, error: Int32, offset: UInt32?, message: String?)
    /// A data message (a dumped or fetched object), its bytes from the netlink header on.
    case data(seq: UInt32, bytes: [UInt8])
    /// The end of a dump.
    case done(seq: UInt32)

    /// The sequence number the reply answers.
    package var seq: UInt32 {
        switch self {
        case .ack(let seq, _, _, _), .data(let seq, _), .done(let seq): return seq
        }
    }

    /// Splits a buffer read from the socket into replies.
    package static func parse(_ buffer: UnsafeRawBufferPointer) throws(NFTablesError) -> [NetlinkReply] {
        var replies: [NetlinkReply] = []
        var offset = 0
        let headerSize = 16
        while offset + headerSize <= buffer.count {
            let length = Int(buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let flags = buffer.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self)
            let seq = buffer.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
            guard length >= headerSize, offset + length <= buffer.count else {
                throw .protocolViolation("netlink message of length \(length) at offset \(offset) of \(buffer.count)")
            }
            let body = UnsafeRawBufferPointer(rebasing: buffer[(offset + headerSize)..<(offset + length)])
            switch Int32(type) {
            case NLMSG_ERROR:
                replies.append(try parseError(body, seq: seq, flags: flags))
            case NLMSG_DONE:
                replies.append(.done(seq: seq))
            case NLMSG_NOOP:
                break
            default:
                replies.append(.data(seq: seq, bytes: Array(buffer[offset..<(offset + length)])))
            }
            offset += (length + 3) & ~3
        }
        return replies
    }

    /// Reads `struct nlmsgerr` and, when present, the extended-ack attributes after it.
    private static func parseError(_ body: UnsafeRawBufferPointer, seq: UInt32, flags: UInt16) throws(NFTablesError) -> NetlinkReply {
        guard body.count >= 4 + 16 else { throw .protocolViolation("short netlink error message") }
        let code = body.loadUnaligned(fromByteOffset: 0, as: Int32.self)
        // The kernel sends 0 or a negated errno; Int32.min cannot be negated (found by `make fuzz`).
        guard code != Int32.min else { throw .protocolViolation("netlink error code \(code) is not a negated errno") }
        let error = -code
        var offset: UInt32?
        var message: String?
        if flags & UInt16(NLM_F_ACK_TLVS) != 0 {
            // With NETLINK_CAP_ACK the original message is not echoed: only its header follows.
            let originalLength = Int(body.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            var cursor = 4 + (flags & UInt16(NLM_F_CAPPED) != 0 ? 16 : ((originalLength + 3) & ~3))
            while cursor + 4 <= body.count {
                let attributeLength = Int(body.loadUnaligned(fromByteOffset: cursor, as: UInt16.self))
                let attributeType = Int32(body.loadUnaligned(fromByteOffset: cursor + 2, as: UInt16.self) & 0x3fff)
                guard attributeLength >= 4, cursor + attributeLength <= body.count else { break }
                let value = UnsafeRawBufferPointer(rebasing: body[(cursor + 4)..<(cursor + attributeLength)])
                if attributeType == Int32(NLMSGERR_ATTR_OFFS.rawValue), value.count >= 4 {
                    offset = value.loadUnaligned(as: UInt32.self)
                } else if attributeType == Int32(NLMSGERR_ATTR_MSG.rawValue) {
                    message = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
                }
                cursor += (attributeLength + 3) & ~3
            }
        }
        return .ack(seq: seq, error: error, offset: offset, message: message)
    }
}
