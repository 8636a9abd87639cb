import CNFTables

/// One chain of our table: a base chain hooked into the packet path, or a regular chain that
/// base chains jump to.
struct NFTablesChainDefinition: Hashable, Sendable {
    /// The chain's name.
    var name: String
    /// For base chains: the netfilter hook and priority (prerouting at -300, before conntrack).
    var hook: (number: UInt32, priority: Int32)?

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.hook?.number == rhs.hook?.number && lhs.hook?.priority == rhs.hook?.priority
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(hook?.number)
        hasher.combine(hook?.priority)
    }

    /// A libnftnl chain object (for `NFT_MSG_NEWCHAIN`); the caller frees it.
    func makeKernelChain(table: String) throws(NFTablesError) -> OpaquePointer {
        let chain = try allocated(nftnl_chain_alloc(), "chain \(name)")
        nftnl_chain_set_str(chain, attribute(NFTNL_CHAIN_TABLE), table)
        nftnl_chain_set_str(chain, attribute(NFTNL_CHAIN_NAME), name)
        if let hook {
            nftnl_chain_set_u32(chain, attribute(NFTNL_CHAIN_HOOKNUM), hook.number)
            nftnl_chain_set_s32(chain, attribute(NFTNL_CHAIN_PRIO), hook.priority)
            nftnl_chain_set_str(chain, attribute(NFTNL_CHAIN_TYPE), "filter")
            nftnl_chain_set_u32(chain, attribute(NFTNL_CHAIN_POLICY), UInt32(NF_ACCEPT))
        }
        return chain
    }

    /// A libnftnl rule object naming only this chain: a rule delete with it empties the chain.
    func makeFlushRule(table: String) throws(NFTablesError) -> OpaquePointer {
        let rule = try allocated(nftnl_rule_alloc(), "the rule flushing chain \(name)")
        nftnl_rule_set_str(rule, attribute(NFTNL_RULE_TABLE), table)
        nftnl_rule_set_str(rule, attribute(NFTNL_RULE_CHAIN), name)
        nftnl_rule_set_u32(rule, attribute(NFTNL_RULE_FAMILY), UInt32(NFPROTO_INET))
        return rule
    }
}
