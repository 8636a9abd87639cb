#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running process of an exec plugin: its pid and our ends of its stdin and stdout.
///
/// Spawned with posix_spawnp (argv, no shell, PATH lookup) rather than Foundation's Process
/// because the child must start with a clean signal state: the daemon ignores SIGPIPE and its
/// signal thread blocks SIGTERM/SIGINT, and both would otherwise be inherited across exec,
/// leaving a script that cannot be stopped with SIGTERM.
struct ExecChild: Sendable {
    /// The process id.
    let pid: pid_t
    /// Our end of the child's stdin (we write events here).
    let stdinFD: Int32
    /// Our end of the child's stdout (decisions come from here).
    let stdoutFD: Int32
    /// When it started (for the backoff reset).
    let started: ContinuousClock.Instant

    /// Why a spawn failed, with errno's text.
    struct SpawnError: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `argv` with stdin and stdout connected to new pipes; stderr is the daemon's.
    static func spawn(_ argv: [String]) throws(SpawnError) -> ExecChild {
        guard let program = argv.first, !program.isEmpty else { throw SpawnError(description: "empty command") }
        var stdinPipe: [Int32] = [-1, -1]
        var stdoutPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0 else { throw SpawnError(description: "pipe: \(errnoText())") }
        guard pipe(&stdoutPipe) == 0 else {
            close(stdinPipe[0]); close(stdinPipe[1])
            throw SpawnError(description: "pipe: \(errnoText())")
        }
        // Close-on-exec everywhere: our ends must not leak into other children; the dup2 onto
        // the child's 0 and 1 clears the flag for the copies it needs. (pipe2 is not exported
        // by the Glibc module.)
        for fd in stdinPipe + stdoutPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { for pointer in cArguments { free(pointer) } }

        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, cArguments, environ)
        // The child's ends belong to the child now (or to nobody, on failure).
        close(stdinPipe[0])
        close(stdoutPipe[1])
        guard status == 0 else {
            close(stdinPipe[1])
            close(stdoutPipe[0])
            throw SpawnError(description: "cannot run \(program): \(String(cString: strerror(status)))")
        }
        return ExecChild(pid: pid, stdinFD: stdinPipe[1], stdoutFD: stdoutPipe[0], started: .now)
    }

    /// Writes all of `bytes` to the child's stdin, blocking while the pipe is full; false when
    /// the child is gone (EPIPE) or the descriptor failed.
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                Glibc.write(stdinFD, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Stops the process (SIGTERM, then SIGKILL after `grace` seconds) and reaps it; returns
    /// its wait status. Closes our descriptors except stdout, which the reader closes.
    func terminateAndReap(grace: Double) -> Int32 {
        close(stdinFD)  // EOF first: a well-behaved script exits on its own
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .milliseconds(Int(grace * 1000))
        var signalled = false
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || (result < 0 && errno != EINTR) { return status }
            if !signalled, ContinuousClock.now >= deadline - .milliseconds(Int(grace * 500)) {
                kill(pid, SIGTERM)
                signalled = true
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                return status
            }
            usleep(10_000)
        }
    }

    /// `exited with status N` / `killed by signal N`, from a wait status.
    static func describe(waitStatus status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exited with status \((status >> 8) & 0xFF)" }
        return "killed by signal \(signal)"
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
