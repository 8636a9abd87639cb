/// The `nftables:` section: how the nftables backend guards the SIP ports.
public struct NFTablesSettings: Sendable, Equatable {
    /// The table the backend owns, family inet (`nftables.table`); one daemon per table in a
    /// network namespace.
    public var table = "sipwarden"
    /// Ports whose packets are checked against the ban sets (`nftables.ports`); nil means the
    /// ports the daemon listens on.
    public var ports: [UInt16]?
    /// Whether banned sources are dropped on every port (`nftables.all_ports`).
    public var allPorts = false
    /// Seconds between checks that the table is as the daemon left it (`nftables.check_interval`).
    public var checkInterval: Int64 = 30
    /// Whether the table is deleted when the daemon stops (`nftables.remove_table_on_stop`);
    /// by default it stays, so bans hold across a restart.
    public var removeTableOnStop = false

    /// The defaults.
    public init() {}
}
