import Glibc

/// What went wrong talking to nftables, in words an operator can act on.
public enum NFTablesError: Error, Equatable, CustomStringConvertible {
    /// The netlink socket could not be opened (nf_tables or nfnetlink missing, or not allowed).
    case socketUnavailable(errno: Int32)
    /// The kernel refused for want of CAP_NET_ADMIN.
    case notPermitted
    /// The kernel has no nf_tables (module not loaded and not loadable).
    case nfTablesMissing(errno: Int32)
    /// A network namespace to work in could not be entered.
    case namespaceUnavailable(path: String, errno: Int32)
    /// The kernel refused part of a batch; nothing of the batch was applied.
    case batchFailed([NFTablesFailure])
    /// An object of ours exists with another definition (someone changed it by hand).
    case changedByHand(object: String, table: String, errno: Int32)
    /// A send or receive on the netlink socket failed.
    case io(operation: String, errno: Int32)
    /// The kernel's answers did not match what was sent.
    case protocolViolation(String)
    /// libnftnl could not allocate or build a message part (memory ran out); names the part.
    case cannotBuild(String)
    /// Another process holds the table in this network namespace (`NFTablesTableClaim`).
    case tableOwned(table: String, owner: NFTablesTableOwner)
    /// The claim on the table could not be taken for another reason (no socket).
    case tableClaimFailed(table: String, errno: Int32)

    /// A one-line explanation with what to do.
    public var description: String {
        switch self {
        case .socketUnavailable(let code):
            return "cannot open a netfilter netlink socket: \(Self.text(code)) (is nf_tables available in this kernel?)"
        case .notPermitted:
            return "nftables refused: the daemon lacks CAP_NET_ADMIN (run as root, or grant AmbientCapabilities=CAP_NET_ADMIN)"
        case .nfTablesMissing(let code):
            return "nf_tables is not available in this kernel: \(Self.text(code)) (try `modprobe nf_tables`)"
        case .namespaceUnavailable(let path, let code):
            return "cannot enter network namespace \(path): \(Self.text(code))"
        case .batchFailed(let failures):
            let shown = failures.prefix(3).map(\.description).joined(separator: "; ")
            let more = failures.count > 3 ? " (and \(failures.count - 3) more)" : ""
            return "nftables refused the batch, nothing of it was applied: \(shown)\(more)"
        case .changedByHand(let object, let table, let code):
            return "\(object) of table inet \(table) exists with another definition (changed by hand?): \(Self.text(code)); "
                + "remove it with `nft delete table inet \(table)` and restart the daemon"
        case .io(let operation, let code):
            return "netlink \(operation) failed: \(Self.text(code))"
        case .protocolViolation(let detail):
            return "unexpected netlink answer: \(detail)"
        case .cannotBuild(let what):
            return "libnftnl could not build \(what) (out of memory?); nothing was sent, the change can be retried"
        case .tableOwned(let table, let owner):
            return "table inet \(table) is already owned by \(owner) in this network namespace; "
                + "stop it, or give this instance its own table with nftables.table: NAME"
        case .tableClaimFailed(let table, let code):
            return "cannot claim table inet \(table) for this process (abstract socket @\(NFTablesTableClaim.socketName(table: table))): \(Self.text(code))"
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) + " (errno \(code))" }
}
