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
    case changedByHand(object: String, errno: Int32)
    /// A send or receive on the netlink socket failed.
    case io(operation: String, errno: Int32)
    /// The kernel's answers did not match what was sent.
    case protocolViolation(String)
    /// libnftnl could not allocate or build a message part (memory ran out); names the part.
    case cannotBuild(String)

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
        case .changedByHand(let object, let code):
            return "\(object) exists with another definition (changed by hand?): \(Self.text(code)); "
                + "remove it with `nft delete table inet sipwarden` and restart the daemon"
        case .io(let operation, let code):
            return "netlink \(operation) failed: \(Self.text(code))"
        case .protocolViolation(let detail):
            return "unexpected netlink answer: \(detail)"
        case .cannotBuild(let what):
            return "libnftnl could not build \(what) (out of memory?); nothing was sent, the change can be retried"
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) + " (errno \(code))" }
}
