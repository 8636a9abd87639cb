import CNFTables

/// One nftables transaction: netlink messages between a batch-begin and a batch-end, sent in
/// one `sendto` and applied by the kernel all or nothing.
///
/// Every message asks for an acknowledgement so that the answers can be counted and each error
/// mapped back, by sequence number, to the message (and by attribute offset to the element)
/// that caused it.
struct NFTablesBatch: ~Copyable {
    /// Most elements in one set-element message: its element list is one netlink attribute,
    /// whose 16-bit length silently wraps past 64 KiB.
    static let elementsPerMessage = 1000

    /// What one message of the batch did, to explain an error about it.
    struct MessageRecord {
        var seq: UInt32
        var operation: NFTablesOperation
        /// For set-element messages: its elements (labels are made only for an error) and
        /// where each starts in the message.
        var elements: ArraySlice<NFTablesSetElement> = []
        var elementOffsets: [Int] = []
    }

    private(set) var buffer = NFTablesMessageBuffer()
    private(set) var records: [MessageRecord] = []
    private var nextSeq: UInt32
    private(set) var ended = false

    /// Starts a batch whose messages are numbered from `firstSeq`.
    init(firstSeq: UInt32) {
        nextSeq = firstSeq
        let seq = takeSeq()
        buffer.append { nftnl_batch_begin($0, seq) }
    }

    /// How many messages (besides begin and end) the batch holds.
    var messageCount: Int { records.count }

    /// The sequence number after the batch's last message.
    var followingSeq: UInt32 { nextSeq }

    /// Appends one object message built by `payload` on a header of `type` and `flags`.
    mutating func append(
        _ operation: NFTablesOperation, type: UInt32, flags: Int32, payload: (UnsafeMutablePointer<nlmsghdr>) -> Void
    ) throws(NFTablesError) {
        let seq = takeSeq()
        let placed = buffer.append { buffer in
            guard let header = nftnl_nlmsg_build_hdr(buffer, UInt16(type), UInt16(NFPROTO_INET), UInt16(flags | NLM_F_ACK), seq) else { return nil }
            payload(header)
            return header
        }
        guard placed.length > 0 else { throw .cannotBuild("the netlink message to \(operation)") }
        records.append(MessageRecord(seq: seq, operation: operation))
    }

    /// Appends set-element messages (`NFT_MSG_NEWSETELEM` / `DELSETELEM`) for `elements`,
    /// split so that no message holds more than `elementsPerMessage`.
    mutating func appendElements(
        _ verb: NFTablesElementVerb, set: NFTablesSetDefinition, table: String, elements: some Collection<NFTablesSetElement>
    ) throws(NFTablesError) {
        // Chunks are slices of one array: recording them shares its storage, no element copies.
        var pending = Array(elements)[...]
        while !pending.isEmpty {
            let chunk = pending.prefix(Self.elementsPerMessage)
            pending = pending.dropFirst(chunk.count)
            let seq = takeSeq()
            let object = try set.elementContainer(table: table)
            defer { nftnl_set_free(object) }
            for element in chunk { nftnl_set_elem_add(object, try element.makeKernelElement()) }
            let operation = NFTablesOperation.elements(verb, count: chunk.count, set: set.name)
            // Per element at most: nest 4 + key nest 4 + data 4+16 + flags 8 + timeout 12 + comment.
            let room = 1024 + chunk.reduce(0) { $0 + 64 + ($1.comment.map { $0.utf8.count + 8 } ?? 0) }
            let placed = buffer.append(room: room) { buffer in
                guard let header = nftnl_nlmsg_build_hdr(
                    buffer, UInt16(verb.messageType), UInt16(NFPROTO_INET), UInt16(verb.flags | NLM_F_ACK), seq) else { return nil }
                nftnl_set_elems_nlmsg_build_payload(header, object)
                return header
            }
            guard placed.length > 0 else { throw .cannotBuild("the netlink message to \(operation)") }
            let offsets = Self.elementOffsets(in: buffer.header(at: placed.offset))
            precondition(offsets.count == chunk.count, "set-element message lost elements: \(offsets.count) of \(chunk.count) encoded")
            records.append(MessageRecord(seq: seq, operation: operation, elements: chunk, elementOffsets: offsets))
        }
    }

    /// Appends a message that empties a set (a set-element delete naming no element).
    mutating func appendFlush(set: NFTablesSetDefinition, table: String) throws(NFTablesError) {
        let object = try set.elementContainer(table: table)
        defer { nftnl_set_free(object) }
        try append(.flushSet(set.name), type: NFT_MSG_DELSETELEM.rawValue, flags: 0) { header in
            nftnl_set_elems_nlmsg_build_payload(header, object)
        }
    }

    /// Closes the batch; nothing may be appended after.
    mutating func end() {
        precondition(!ended)
        let seq = takeSeq()
        buffer.append { nftnl_batch_end($0, seq) }
        ended = true
    }

    /// The record of the message numbered `seq`.
    func record(seq: UInt32) -> MessageRecord? {
        guard let first = records.first?.seq, seq >= first else { return nil }
        let index = Int(seq - first)
        return index < records.count ? records[index] : nil
    }

    private mutating func takeSeq() -> UInt32 {
        defer { nextSeq &+= 1 }
        return nextSeq
    }

    /// The offsets, from the message start, of each element nest in a set-element message, in
    /// order: an extended ack's offset names the element it refused.
    static func elementOffsets(in header: UnsafeMutablePointer<nlmsghdr>) -> [Int] {
        let base = UnsafeRawPointer(header)
        let length = Int(header.pointee.nlmsg_len)
        var offsets: [Int] = []
        var cursor = Int(cnft_nlmsghdr_size() + cnft_nfgenmsg_size())
        while cursor + 4 <= length {
            let attributeLength = Int(base.loadUnaligned(fromByteOffset: cursor, as: UInt16.self))
            let type = Int32(base.loadUnaligned(fromByteOffset: cursor + 2, as: UInt16.self)) & 0x3fff
            guard attributeLength >= 4 else { break }
            if type == Int32(NFTA_SET_ELEM_LIST_ELEMENTS.rawValue) {
                // The list is the last attribute; its own length field may have wrapped, so
                // walk to the end of the message instead of trusting it.
                var inner = cursor + 4
                offsets.reserveCapacity(1000)
                while inner + 4 <= length {
                    let elementLength = Int(base.loadUnaligned(fromByteOffset: inner, as: UInt16.self))
                    guard elementLength >= 4 else { break }
                    offsets.append(inner)
                    inner += (elementLength + 3) & ~3
                }
                let declared = attributeLength
                precondition(declared == inner - cursor, "element list of \(inner - cursor) bytes overflowed its attribute length")
                return offsets
            }
            cursor += (attributeLength + 3) & ~3
        }
        return offsets
    }
}
