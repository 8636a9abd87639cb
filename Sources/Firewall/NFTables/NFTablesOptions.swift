/// How the nftables backend sets up its table.
public struct NFTablesOptions: Sendable, Equatable {
    /// The table's name (family inet). Only this table is ever touched.
    public var table: String
    /// The ports whose packets are checked against the ban sets (the SIP listening ports).
    public var ports: [UInt16]
    /// Whether banned sources are dropped on every port, not only the SIP ports.
    public var allPorts: Bool
    /// Whether stopping the daemon deletes the table (by default it stays, so bans keep
    /// holding while the daemon restarts).
    public var removeTableOnStop: Bool
    /// A network namespace (name under /var/run/netns, or a path) to work in instead of the
    /// process's own: for tests and tools.
    public var networkNamespace: String?
    /// Whether to re-ban by delete-and-add even when the kernel refreshes timeouts on re-add
    /// (the path older kernels need; for tests).
    public var forceDeleteAndAdd: Bool

    /// Options for the table `inet sipwarden` guarding `ports`.
    public init(
        table: String = "sipwarden", ports: [UInt16] = [5060], allPorts: Bool = false, removeTableOnStop: Bool = false,
        networkNamespace: String? = nil, forceDeleteAndAdd: Bool = false
    ) {
        self.table = table
        self.ports = ports
        self.allPorts = allPorts
        self.removeTableOnStop = removeTableOnStop
        self.networkNamespace = networkNamespace
        self.forceDeleteAndAdd = forceDeleteAndAdd
    }
}
