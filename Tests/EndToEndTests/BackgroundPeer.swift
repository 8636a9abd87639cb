import Foundation

/// A peer daemon (kamailio, dnsmasq) started through bash in the background, detached
/// (own session, every descriptor above 2 closed), so it is not a child this test process
/// must reap; stopped by its pid.
struct BackgroundPeer {
    let pid: pid_t

    /// Starts `arguments` with its output appended to `log`.
    static func start(_ arguments: [String], log: URL) throws -> BackgroundPeer {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
            for fd in $(ls /proc/$$/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
            setsid \(quoted) </dev/null >>'\(log.path)' 2>&1 &
            echo $!
            """
        let result = try ProcessRunner.run("/bin/bash", ["-c", script], timeout: 20)
        guard result.status == 0, let pid = pid_t(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SIPTestClientError("could not start \(arguments.first ?? ""): \(result.stderr)")
        }
        return BackgroundPeer(pid: pid)
    }

    /// Whether it still runs.
    var isRunning: Bool { kill(pid, 0) == 0 }

    /// SIGTERM, then SIGKILL after 3 s.
    func stop() {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while isRunning && Date() < deadline { usleep(50_000) }
        if isRunning { kill(pid, SIGKILL) }
    }
}
