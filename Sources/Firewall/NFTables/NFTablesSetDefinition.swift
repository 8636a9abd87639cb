import CNFTables

/// One named set of our table: its key type and flags.
struct NFTablesSetDefinition: Hashable, Sendable {
    /// What the set's keys are.
    enum KeyType: Hashable, Sendable {
        case ipv4Address, ipv6Address, port

        /// nftables' datatype number (what `nft list` prints the keys as).
        var datatype: UInt32 {
            switch self {
            case .ipv4Address: 7
            case .ipv6Address: 8
            case .port: 13
            }
        }

        /// Key length in bytes.
        var length: UInt32 {
            switch self {
            case .ipv4Address: 4
            case .ipv6Address: 16
            case .port: 2
            }
        }

        /// The nft name of the type.
        var nftName: String {
            switch self {
            case .ipv4Address: "ipv4_addr"
            case .ipv6Address: "ipv6_addr"
            case .port: "inet_service"
            }
        }
    }

    /// What a set holds, for the code that refills it.
    enum Role: Hashable, Sendable {
        /// Single banned addresses (ban4, ban6).
        case bans
        /// Banned ranges, as disjoint intervals (bannet4, bannet6).
        case rangeBans
        /// Allowed (trusted) ranges (allow4, allow6).
        case allowed
        /// The SIP ports the rules apply to (sipports).
        case ports
    }

    /// The set's name in the table ("ban4").
    var name: String
    /// What it holds.
    var role: Role
    /// The key type.
    var keyType: KeyType
    /// Whether elements are ranges (`flags interval`).
    var interval: Bool
    /// Whether elements carry their own expiry (`flags timeout`).
    var timeout: Bool
    /// A batch-unique id, so that rules added in the same batch can refer to the set.
    var id: UInt32

    /// The address family of its keys: 4, 6 (the port set counts as 4; it is never asked).
    var family: Int { keyType == .ipv6Address ? 6 : 4 }

    /// The `NFT_SET_*` flags.
    var flags: UInt32 {
        var flags: UInt32 = 0
        if interval { flags |= UInt32(NFT_SET_INTERVAL.rawValue) }
        if timeout { flags |= UInt32(NFT_SET_TIMEOUT.rawValue) }
        return flags
    }

    /// A libnftnl set object describing the whole set (for `NFT_MSG_NEWSET`). The caller frees it.
    func makeKernelSet(table: String) throws(NFTablesError) -> OpaquePointer {
        let set = try elementContainer(table: table)
        nftnl_set_set_u32(set, attribute(NFTNL_SET_KEY_TYPE), keyType.datatype)
        nftnl_set_set_u32(set, attribute(NFTNL_SET_KEY_LEN), keyType.length)
        nftnl_set_set_u32(set, attribute(NFTNL_SET_ID), id)
        if flags != 0 { nftnl_set_set_u32(set, attribute(NFTNL_SET_FLAGS), flags) }
        return set
    }

    /// A libnftnl set object naming only the set, to carry elements. The caller frees it.
    func elementContainer(table: String) throws(NFTablesError) -> OpaquePointer {
        let set = try allocated(nftnl_set_alloc(), "set \(name)")
        nftnl_set_set_str(set, attribute(NFTNL_SET_TABLE), table)
        nftnl_set_set_str(set, attribute(NFTNL_SET_NAME), name)
        nftnl_set_set_u32(set, attribute(NFTNL_SET_FAMILY), UInt32(NFPROTO_INET))
        return set
    }

    /// The set as an nft declaration line (for logs and the shipped script's comments).
    var nftDeclaration: String {
        var flagWords: [String] = []
        if interval { flagWords.append("interval") }
        if timeout { flagWords.append("timeout") }
        let flags = flagWords.isEmpty ? "" : " flags \(flagWords.joined(separator: ", "));"
        return "set \(name) { type \(keyType.nftName);\(flags) }"
    }
}
