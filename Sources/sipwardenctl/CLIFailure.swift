/// A failure the CLI reports itself: the message for stderr and the exit status.
struct CLIFailure: Error {
    /// 1: the operation failed; 2: usage error; 3: daemon unreachable.
    var exitCode: Int32
    /// What went wrong and what to do, without the "sipwardenctl: " prefix.
    var message: String

    /// The operation failed (exit status 1).
    static func failed(_ message: String) -> CLIFailure { CLIFailure(exitCode: 1, message: message) }

    /// The command line was wrong (exit status 2).
    static func usage(_ message: String) -> CLIFailure { CLIFailure(exitCode: 2, message: message) }
}
