import Glibc

/// Who holds the claim on an nftables table (see `NFTablesTableClaim`), as the kernel reports
/// the claim socket's owner.
public struct NFTablesTableOwner: Sendable, Equatable, CustomStringConvertible {
    /// The owner's process id; 0 when unknown (it did not answer, or runs in another PID
    /// namespace).
    public var pid: Int32
    /// The owner's program name (`/proc/PID/comm`), when readable.
    public var program: String?

    /// An owner with this pid and program name.
    public init(pid: Int32, program: String?) {
        self.pid = pid
        self.program = program
    }

    /// "another sipwarden (pid 1234)", "this process (pid 1234)", "another process, nft-tool
    /// (pid 1234)", or a note that the pid cannot be seen.
    public var description: String {
        guard pid > 0 else { return "another process (pid unknown: it does not answer on its claim socket, or runs in another PID namespace)" }
        if pid == getpid() { return "this process (pid \(pid)), through another firewall backend object" }
        guard let program, !program.isEmpty else { return "another process (pid \(pid))" }
        return program == "sipwarden" ? "another sipwarden (pid \(pid))" : "another process, \(program) (pid \(pid))"
    }
}
