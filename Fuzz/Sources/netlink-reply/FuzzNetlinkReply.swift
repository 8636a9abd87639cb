import Firewall

/// libFuzzer entry point: bytes as read from the nftables netlink socket through the reply
/// parser (`NetlinkReply.parse`: message headers, `nlmsgerr`, extended-ack attributes).
/// A refusal (`NFTablesError.protocolViolation`) is expected; a trap or an out-of-bounds read
/// is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetlinkReply(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    // A copy, so a read past the end lands outside a heap block of exactly `size` bytes.
    let bytes = Array(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    bytes.withUnsafeBytes { buffer in
        guard let replies = try? NetlinkReply.parse(buffer) else { return }
        for reply in replies { _ = reply.seq }
    }
    return 0
}
