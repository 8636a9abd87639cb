import CNFTables

/// Everything SIPWarden keeps in the kernel: one table (`inet sipwarden`), its sets, its two
/// chains and their rules. Nothing outside this table is ever touched.
///
///     chain prerouting (hook prerouting, priority raw = -300, before conntrack)
///         ip saddr @allow4 counter accept
///         ip6 saddr @allow6 counter accept
///         udp dport @sipports jump bans     (meta l4proto udp, th dport; or one `jump bans` for all ports)
///         tcp dport @sipports jump bans
///     chain bans
///         ip saddr @ban4 counter drop          ip saddr @bannet4 counter drop
///         ip6 saddr @ban6 counter drop         ip6 saddr @bannet6 counter drop
struct NFTablesLayout: Sendable {
    /// The table's name (family inet).
    var table: String
    /// The SIP ports whose packets are checked (ignored when `allPorts`).
    var ports: [UInt16]
    /// Whether a banned source is dropped on every port.
    var allPorts: Bool

    static let ban4 = NFTablesSetDefinition(name: "ban4", role: .bans, keyType: .ipv4Address, interval: false, timeout: true, id: 1)
    static let ban6 = NFTablesSetDefinition(name: "ban6", role: .bans, keyType: .ipv6Address, interval: false, timeout: true, id: 2)
    static let bannet4 = NFTablesSetDefinition(name: "bannet4", role: .rangeBans, keyType: .ipv4Address, interval: true, timeout: true, id: 3)
    static let bannet6 = NFTablesSetDefinition(name: "bannet6", role: .rangeBans, keyType: .ipv6Address, interval: true, timeout: true, id: 4)
    static let allow4 = NFTablesSetDefinition(name: "allow4", role: .allowed, keyType: .ipv4Address, interval: true, timeout: false, id: 5)
    static let allow6 = NFTablesSetDefinition(name: "allow6", role: .allowed, keyType: .ipv6Address, interval: true, timeout: false, id: 6)
    static let sipports = NFTablesSetDefinition(name: "sipports", role: .ports, keyType: .port, interval: false, timeout: false, id: 7)

    static let prerouting = NFTablesChainDefinition(name: "prerouting", hook: (UInt32(NF_INET_PRE_ROUTING.rawValue), -300))
    static let bans = NFTablesChainDefinition(name: "bans", hook: nil)

    /// The sets, in creation order.
    var sets: [NFTablesSetDefinition] {
        [Self.ban4, Self.ban6, Self.bannet4, Self.bannet6, Self.allow4, Self.allow6] + (allPorts ? [] : [Self.sipports])
    }

    /// The chains, in creation order (the jump target first).
    var chains: [NFTablesChainDefinition] { [Self.bans, Self.prerouting] }

    /// The rules, in order.
    var rules: [NFTablesRuleDefinition] {
        var rules = [
            Self.sourceRule(chain: "prerouting", family: 4, set: Self.allow4, verdict: .accept),
            Self.sourceRule(chain: "prerouting", family: 6, set: Self.allow6, verdict: .accept),
        ]
        if allPorts {
            rules.append(NFTablesRuleDefinition(chain: "prerouting", expressions: [.verdict(.jump("bans"))], nftText: "jump bans"))
        } else {
            for (proto, name) in [(UInt8(IPPROTO_UDP), "udp"), (UInt8(IPPROTO_TCP), "tcp")] {
                rules.append(NFTablesRuleDefinition(chain: "prerouting", expressions: [
                    .meta(key: UInt32(NFT_META_L4PROTO.rawValue)), .equals([proto]),
                    .payload(base: UInt32(NFT_PAYLOAD_TRANSPORT_HEADER.rawValue), offset: 2, length: 2),
                    .lookup(set: Self.sipports.name, setID: Self.sipports.id), .verdict(.jump("bans")),
                ], nftText: "\(name) dport @sipports jump bans"))
            }
        }
        for set in [Self.ban4, Self.bannet4] { rules.append(Self.sourceRule(chain: "bans", family: 4, set: set, verdict: .drop)) }
        for set in [Self.ban6, Self.bannet6] { rules.append(Self.sourceRule(chain: "bans", family: 6, set: set, verdict: .drop)) }
        return rules
    }

    /// `ip saddr @set counter <verdict>` (or `ip6 saddr`): in an inet table the family is checked first.
    static func sourceRule(chain: String, family: Int, set: NFTablesSetDefinition, verdict: NFTablesVerdict) -> NFTablesRuleDefinition {
        let nfproto: UInt8 = family == 4 ? UInt8(NFPROTO_IPV4) : UInt8(NFPROTO_IPV6)
        let verdictWord = verdict == .drop ? "drop" : "accept"
        return NFTablesRuleDefinition(chain: chain, expressions: [
            .meta(key: UInt32(NFT_META_NFPROTO.rawValue)), .equals([nfproto]),
            .payload(base: UInt32(NFT_PAYLOAD_NETWORK_HEADER.rawValue), offset: family == 4 ? 12 : 8, length: family == 4 ? 4 : 16),
            .lookup(set: set.name, setID: set.id), .counter, .verdict(verdict),
        ], nftText: "\(family == 4 ? "ip" : "ip6") saddr @\(set.name) counter \(verdictWord)")
    }

    /// The single-address ban set of a family (4 or 6).
    static func banSet(family: Int) -> NFTablesSetDefinition { family == 4 ? ban4 : ban6 }
    /// The range ban set of a family.
    static func rangeBanSet(family: Int) -> NFTablesSetDefinition { family == 4 ? bannet4 : bannet6 }
    /// The allowed-range set of a family.
    static func allowSet(family: Int) -> NFTablesSetDefinition { family == 4 ? allow4 : allow6 }
}
