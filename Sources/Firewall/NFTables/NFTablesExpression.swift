import CNFTables

/// One expression of a rule, as the kernel's virtual machine runs it.
enum NFTablesExpression: Hashable, Sendable {
    /// Loads packet metadata (`NFT_META_NFPROTO`, `NFT_META_L4PROTO`) into register 1.
    case meta(key: UInt32)
    /// Compares register 1 with bytes; the rule stops when they differ.
    case equals([UInt8])
    /// Loads `length` bytes at `offset` of a header (`NFT_PAYLOAD_NETWORK_HEADER`,
    /// `NFT_PAYLOAD_TRANSPORT_HEADER`) into register 1.
    case payload(base: UInt32, offset: UInt32, length: UInt32)
    /// Looks register 1 up in a named set; the rule stops when it is not there.
    case lookup(set: String, setID: UInt32)
    /// Counts packets and bytes.
    case counter
    /// A verdict: accept, drop, or jump to a chain.
    case verdict(NFTablesVerdict)

    /// The libnftnl expression; ownership passes to the rule it is added to. `rule` names the
    /// rule in the error when memory runs out.
    func makeKernelExpression(rule: String) throws(NFTablesError) -> OpaquePointer {
        let register1 = UInt32(NFT_REG_1.rawValue)
        switch self {
        case .meta(let key):
            let expression = try allocated(nftnl_expr_alloc("meta"), "a meta expression of rule \(rule)")
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_META_KEY), key)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_META_DREG), register1)
            return expression
        case .equals(let bytes):
            let expression = try allocated(nftnl_expr_alloc("cmp"), "a cmp expression of rule \(rule)")
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_CMP_SREG), register1)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_CMP_OP), UInt32(NFT_CMP_EQ.rawValue))
            _ = nftnl_expr_set(expression, attribute(NFTNL_EXPR_CMP_DATA), bytes, UInt32(bytes.count))
            return expression
        case .payload(let base, let offset, let length):
            let expression = try allocated(nftnl_expr_alloc("payload"), "a payload expression of rule \(rule)")
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_PAYLOAD_BASE), base)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_PAYLOAD_OFFSET), offset)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_PAYLOAD_LEN), length)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_PAYLOAD_DREG), register1)
            return expression
        case .lookup(let set, let setID):
            let expression = try allocated(nftnl_expr_alloc("lookup"), "a lookup expression of rule \(rule)")
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_LOOKUP_SREG), register1)
            nftnl_expr_set_str(expression, attribute(NFTNL_EXPR_LOOKUP_SET), set)
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_LOOKUP_SET_ID), setID)
            return expression
        case .counter:
            return try allocated(nftnl_expr_alloc("counter"), "a counter expression of rule \(rule)")
        case .verdict(let verdict):
            let expression = try allocated(nftnl_expr_alloc("immediate"), "a immediate expression of rule \(rule)")
            nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_IMM_DREG), UInt32(NFT_REG_VERDICT.rawValue))
            switch verdict {
            case .accept: nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_IMM_VERDICT), UInt32(NF_ACCEPT))
            case .drop: nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_IMM_VERDICT), UInt32(NF_DROP))
            case .jump(let chain):
                nftnl_expr_set_u32(expression, attribute(NFTNL_EXPR_IMM_VERDICT), UInt32(bitPattern: NFT_JUMP.rawValue))
                nftnl_expr_set_str(expression, attribute(NFTNL_EXPR_IMM_CHAIN), chain)
            }
            return expression
        }
    }
}

/// A rule's verdict.
enum NFTablesVerdict: Hashable, Sendable {
    case accept, drop
    case jump(String)
}
