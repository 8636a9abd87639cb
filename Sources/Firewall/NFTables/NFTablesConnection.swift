import CNFTables
import Glibc

/// Talks nftables over one netlink socket: commits batches and checks the outcome of every
/// message, and asks the small questions the drift check needs. Not thread-safe: its owner
/// serialises calls.
final class NFTablesConnection {
    private let socket: NetlinkSocket
    private var seq: UInt32

    /// Opens a socket in the current network namespace, or in `networkNamespace`.
    init(networkNamespace: String?) throws(NFTablesError) {
        socket = try NetlinkSocket(networkNamespace: networkNamespace)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        seq = UInt32(truncatingIfNeeded: now.tv_sec)
    }

    /// Starts a batch numbered after everything sent so far.
    func makeBatch() -> NFTablesBatch { NFTablesBatch(firstSeq: seq) }

    /// Sends a batch and checks one answer per message: any error means the kernel applied
    /// nothing, and is reported with the message (and element) it names.
    func commit(_ batch: consuming NFTablesBatch) throws(NFTablesError) {
        if !batch.ended { batch.end() }
        seq = batch.followingSeq
        guard batch.messageCount > 0 else { return }
        try batch.buffer.withBytes { bytes throws(NFTablesError) in try socket.send(bytes) }
        let replies = try socket.drain(expecting: batch.messageCount)
        var answered = Set<UInt32>()
        var failures: [NFTablesFailure] = []
        for case .ack(let replySeq, let error, let offset, let message) in replies {
            guard let record = batch.record(seq: replySeq) else {
                // An error for the batch's begin message: the whole batch was refused.
                if error != 0 { throw Self.batchError(error, message: message) }
                continue
            }
            answered.insert(replySeq)
            guard error != 0 else { continue }
            var element: String?
            if let offset, !record.elementOffsets.isEmpty {
                let position = record.elementOffsets.lastIndex { $0 <= Int(offset) }
                element = position.map { record.elements[record.elements.startIndex + $0].label }
            }
            failures.append(NFTablesFailure(action: record.operation, element: element, errno: error, kernelMessage: message))
        }
        if !failures.isEmpty {
            if failures.allSatisfy({ $0.errno == EPERM }) { throw .notPermitted }
            throw .batchFailed(failures)
        }
        guard answered.count == batch.messageCount else {
            throw .protocolViolation("the kernel answered \(answered.count) of \(batch.messageCount) messages; state unknown")
        }
    }

    /// Whether our table exists.
    func tableExists(_ table: String) throws(NFTablesError) -> Bool {
        let object = try allocated(nftnl_table_alloc(), "table inet \(table)")
        defer { nftnl_table_free(object) }
        nftnl_table_set_str(object, attribute(NFTNL_TABLE_NAME), table)
        let replies = try request(.get("table inet \(table)"), type: NFT_MSG_GETTABLE.rawValue, flags: NLM_F_ACK) { nftnl_table_nlmsg_build_payload($0, object) }
        return try Self.found(replies, what: "table inet \(table)")
    }

    /// Whether every one of `elements` (looked up by key, in one request) is in `set`.
    func elementsExist(_ elements: [NFTablesSetElement], set: NFTablesSetDefinition, table: String) throws(NFTablesError) -> Bool {
        try Self.found(try getElements(elements, set: set, table: table), what: "\(elements.count) elements of set \(set.name)")
    }

    /// The expiry, in milliseconds from now, the kernel reports for `element` of `set`; nil
    /// when it is not there.
    func elementExpiration(_ element: NFTablesSetElement, set: NFTablesSetDefinition, table: String) throws(NFTablesError) -> UInt64? {
        let replies = try getElements([element], set: set, table: table)
        guard try Self.found(replies, what: "element \(element.label) of set \(set.name)") else { return nil }
        for case .data(_, let bytes) in replies {
            let parsed = try allocated(nftnl_set_alloc(), "set \(set.name) to parse an answer into")
            defer { nftnl_set_free(parsed) }
            let ok = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return false }
                return nftnl_set_elems_nlmsg_parse(base.assumingMemoryBound(to: nlmsghdr.self), parsed) >= 0
            }
            guard ok, let iterator = nftnl_set_elems_iter_create(parsed) else { continue }
            defer { nftnl_set_elems_iter_destroy(iterator) }
            if let first = nftnl_set_elems_iter_cur(iterator) {
                return nftnl_set_elem_get_u64(first, attribute(NFTNL_SET_ELEM_EXPIRATION))
            }
        }
        return nil
    }

    /// One GETSETELEM request for `elements`: the kernel answers each found one, or ENOENT at
    /// the first missing.
    private func getElements(_ elements: [NFTablesSetElement], set: NFTablesSetDefinition, table: String) throws(NFTablesError) -> [NetlinkReply] {
        let object = try set.elementContainer(table: table)
        defer { nftnl_set_free(object) }
        for element in elements { nftnl_set_elem_add(object, try element.makeKernelElement()) }
        return try request(.get("\(elements.count) elements of set \(set.name)"), type: NFT_MSG_GETSETELEM.rawValue, flags: NLM_F_ACK) { nftnl_set_elems_nlmsg_build_payload($0, object) }
    }

    /// The handles of the rules in `table`, by chain.
    func ruleHandles(table: String) throws(NFTablesError) -> [String: [UInt64]] {
        let object = try allocated(nftnl_rule_alloc(), "the rule listing table inet \(table)")
        defer { nftnl_rule_free(object) }
        nftnl_rule_set_str(object, attribute(NFTNL_RULE_TABLE), table)
        let replies = try request(.listRules(table: table), type: NFT_MSG_GETRULE.rawValue, flags: NLM_F_DUMP) { nftnl_rule_nlmsg_build_payload($0, object) }
        var handles: [String: [UInt64]] = [:]
        for reply in replies {
            switch reply {
            case .ack(_, let error, _, let message) where error != 0:
                if error == ENOENT { return [:] }
                throw .batchFailed([NFTablesFailure(action: .listRules(table: table), errno: error, kernelMessage: message)])
            case .data(_, let bytes):
                let rule = try allocated(nftnl_rule_alloc(), "a rule of table inet \(table) to parse an answer into")
                defer { nftnl_rule_free(rule) }
                let ok = bytes.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress else { return false }
                    return nftnl_rule_nlmsg_parse(base.assumingMemoryBound(to: nlmsghdr.self), rule) >= 0
                }
                guard ok, let chainName = nftnl_rule_get_str(rule, attribute(NFTNL_RULE_CHAIN)) else { continue }
                let tableName = nftnl_rule_get_str(rule, attribute(NFTNL_RULE_TABLE)).map { String(cString: $0) }
                guard tableName == table else { continue }
                handles[String(cString: chainName), default: []].append(nftnl_rule_get_u64(rule, attribute(NFTNL_RULE_HANDLE)))
            default:
                continue
            }
        }
        return handles
    }

    /// Sends one request (outside a batch) and collects its replies.
    private func request(
        _ operation: NFTablesOperation, type: UInt32, flags: Int32, payload: (UnsafeMutablePointer<nlmsghdr>) -> Void
    ) throws(NFTablesError) -> [NetlinkReply] {
        var buffer = NFTablesMessageBuffer()
        let requestSeq = seq
        seq &+= 1
        let placed = buffer.append { bytes in
            guard let header = nftnl_nlmsg_build_hdr(bytes, UInt16(type), UInt16(NFPROTO_INET), UInt16(flags), requestSeq) else { return nil }
            payload(header)
            return header
        }
        guard placed.length > 0 else { throw .cannotBuild("the netlink message to \(operation)") }
        try buffer.withBytes { bytes throws(NFTablesError) in try socket.send(bytes) }
        return try socket.awaitReplies(seq: requestSeq)
    }

    /// True when the replies carry the object, false on ENOENT; other errors throw.
    private static func found(_ replies: [NetlinkReply], what: String) throws(NFTablesError) -> Bool {
        for case .ack(_, let error, _, let message) in replies where error != 0 {
            if error == ENOENT { return false }
            if error == EPERM { throw .notPermitted }
            throw .batchFailed([NFTablesFailure(action: .get(what), errno: error, kernelMessage: message)])
        }
        return true
    }

    private static func batchError(_ error: Int32, message: String?) -> NFTablesError {
        switch error {
        case EPERM: .notPermitted
        case EPROTONOSUPPORT, EOPNOTSUPP: .nfTablesMissing(errno: error)
        default: .batchFailed([NFTablesFailure(action: .beginBatch, errno: error, kernelMessage: message)])
        }
    }
}
