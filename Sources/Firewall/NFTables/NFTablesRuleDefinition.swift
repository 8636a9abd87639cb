import CNFTables

/// One rule of our table: the chain it is in and its expressions in order.
struct NFTablesRuleDefinition: Hashable, Sendable {
    /// The chain the rule is appended to.
    var chain: String
    /// The expressions.
    var expressions: [NFTablesExpression]
    /// The rule in nft syntax, for logs and the shipped script.
    var nftText: String

    /// A libnftnl rule object (for `NFT_MSG_NEWRULE`); the caller frees it.
    func makeKernelRule(table: String) throws(NFTablesError) -> OpaquePointer {
        let rule = try allocated(nftnl_rule_alloc(), "rule \(chain) \(nftText)")
        nftnl_rule_set_str(rule, attribute(NFTNL_RULE_TABLE), table)
        nftnl_rule_set_str(rule, attribute(NFTNL_RULE_CHAIN), chain)
        nftnl_rule_set_u32(rule, attribute(NFTNL_RULE_FAMILY), UInt32(NFPROTO_INET))
        do throws(NFTablesError) {
            for expression in expressions { nftnl_rule_add_expr(rule, try expression.makeKernelExpression(rule: nftText)) }
        } catch {
            nftnl_rule_free(rule)  // with the expressions added so far
            throw error
        }
        return rule
    }
}
