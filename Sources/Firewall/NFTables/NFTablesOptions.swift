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

    /// The longest table name accepted: 31 bytes, what every kernel takes (before 4.16 names
    /// were limited to 32 bytes with the terminating NUL).
    public static let maximumTableNameLength = 31

    /// Why `name` cannot be a table name, or nil when it can: a letter first, then letters,
    /// digits, `_` or `-` (names `nft` takes unquoted), at most `maximumTableNameLength`.
    public static func tableNameProblem(_ name: String) -> String? {
        guard let first = name.unicodeScalars.first else { return "a table name must not be empty" }
        let letters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
        let digits = Set("0123456789".unicodeScalars)
        guard name.utf8.count <= maximumTableNameLength else {
            return "a table name has at most \(maximumTableNameLength) characters (this one has \(name.utf8.count))"
        }
        guard letters.contains(first), name.unicodeScalars.allSatisfy({ letters.contains($0) || digits.contains($0) || $0 == "_" || $0 == "-" }) else {
            return "a table name starts with a letter and holds only letters, digits, _ and - (as `nft` takes it unquoted), e.g. sipwarden_b"
        }
        return nil
    }

    /// Options for the table `inet <table>` (default `sipwarden`) guarding `ports`.
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
