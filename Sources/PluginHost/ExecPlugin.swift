#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization

/// A plugin that is a command in any language, speaking JSON lines: each ``SecurityEvent`` is
/// written to its stdin as one JSON object per line, and each line it prints on stdout is a
/// ``Decision`` (docs/plugins.md has the format).
///
/// The registrar never waits for it: `handle` only appends to a bounded queue (when full the
/// event is dropped and counted), a writer thread feeds the command, a reader thread parses
/// its output and hands decisions to the sink. A command that dies is restarted with
/// exponential backoff (1 s doubling to 60 s, back to 1 s once a run lasted a minute).
/// Each death is logged and reported to `onRestart` (the host raises `plugin.restarted`).
/// Malformed output lines are logged and ignored.
public final class ExecPlugin: PolicyPlugin {
    /// The instance name (the policy file's base name).
    public let name: String
    /// Exec plugins have no version of their own.
    public let version = "exec"
    /// The command's argv.
    public let command: [String]

    private let logger: Logger
    private let onDecisions: @Sendable ([Decision]) -> Void
    private let onRestart: @Sendable (_ exit: String, _ retryIn: Duration) -> Void
    private let initialBackoff: Duration
    private let maxBackoff: Duration
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopOnce = Mutex<Bool>(false)

    private struct State: Sendable {
        var queue: BoundedQueue<[UInt8]>
        var child: ExecChild?
        /// Generation of the running child; a reader reporting EOF for an older one is ignored.
        var generation = 0
        var childExited = false
        var nextStart: ContinuousClock.Instant = .now
        var backoff: Duration
        var stopping = false
        var statistics = ExecPluginStatistics()
    }

    /// Starts the command at once and keeps it running until ``stop()``.
    /// - Parameters:
    ///   - queueCapacity: events buffered while the command is slow or down (policy key `queue`).
    ///   - onRestart: told, on the plugin's writer thread, each time the command died (how it
    ///     ended, and when it is started again).
    ///   - onDecisions: receives the decisions the command prints, on the plugin's reader thread.
    public init(
        name: String, command: [String], queueCapacity: Int = 1000, logger: Logger,
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60),
        onRestart: @escaping @Sendable (_ exit: String, _ retryIn: Duration) -> Void = { _, _ in },
        onDecisions: @escaping @Sendable ([Decision]) -> Void
    ) {
        self.onRestart = onRestart
        self.name = name
        self.command = command
        self.logger = logger
        self.onDecisions = onDecisions
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.state = Mutex(State(queue: BoundedQueue(capacity: queueCapacity), backoff: initialBackoff))
        // A write to a dead command must fail with EPIPE, not kill the daemon.
        signal(SIGPIPE, SIG_IGN)
        let thread = Thread { [self] in self.runWriter() }
        thread.name = "exec-\(name)"
        thread.start()
    }

    /// Queues the event for the command; never blocks. Decisions arrive later through the sink.
    public func handle(_ event: SecurityEvent) throws -> [Decision] {
        guard var line = try? Self.encoder.encode(event) else { return [] }
        line.append(UInt8(ascii: "\n"))
        let bytes = [UInt8](line)
        let wasEmpty = state.withLock { state -> Bool in
            let wasEmpty = state.queue.isEmpty
            if !state.queue.append(bytes) { state.statistics.eventsDropped += 1 }
            return wasEmpty
        }
        if wasEmpty { wake.signal() }
        return []
    }

    /// The plugin's counters.
    public var statistics: ExecPluginStatistics { state.withLock { $0.statistics } }

    /// The pid of the running command, if one runs (for tests and diagnostics).
    public var pid: Int32? { state.withLock { $0.child?.pid } }

    /// Stops the command (EOF on stdin, then SIGTERM, then SIGKILL) and the threads; waits for them.
    public func stop() {
        // Idempotent: the writer signals `finished` once, so only the first call may wait for it.
        stopOnce.withLock { done in
            guard !done else { return }
            done = true
            stopWriter()
        }
    }

    private func stopWriter() {
        let child = state.withLock { state -> ExecChild? in
            state.stopping = true
            return state.child
        }
        wake.signal()
        // Normally the writer closes stdin and reaps the command itself (SIGTERM after 1 s,
        // SIGKILL after 2 s). A writer blocked on the full pipe of a command that does not read
        // cannot: ending the command makes its write fail with EPIPE and frees it.
        if finished.wait(timeout: .now() + 2.5) == .success { return }
        if let child { kill(child.pid, SIGTERM) }
        if finished.wait(timeout: .now() + 1.5) == .success { return }
        if let child { kill(child.pid, SIGKILL) }
        finished.wait()
    }

    // MARK: writer: owns the child's lifecycle and its stdin

    private func runWriter() {
        while true {
            enum Step { case stop, start, reap(ExecChild), wait(Duration), write(ExecChild, [UInt8]) }
            let step: Step = state.withLock { state in
                if state.stopping { return .stop }
                guard let child = state.child else {
                    let now = ContinuousClock.now
                    return now >= state.nextStart ? .start : .wait(state.nextStart - now)
                }
                if state.childExited { return .reap(child) }
                guard let line = state.queue.popFirst() else { return .wait(.seconds(1)) }
                return .write(child, line)
            }
            switch step {
            case .stop:
                if let child = state.withLock({ $0.child }) { reap(child, stopping: true) }
                finished.signal()
                return
            case .start:
                start()
            case .reap(let child):
                reap(child, stopping: false)
            case .wait(let duration):
                _ = wake.wait(timeout: .now() + .nanoseconds(Int(duration.components.seconds) * 1_000_000_000
                    + Int(duration.components.attoseconds / 1_000_000_000)))
            case .write(let child, let line):
                if child.write(line) {
                    state.withLock { $0.statistics.eventsWritten += 1 }
                } else {
                    state.withLock { state in
                        state.statistics.eventsLost += 1
                        if state.child?.pid == child.pid { state.childExited = true }
                    }
                }
            }
        }
    }

    private func start() {
        do {
            let child = try ExecChild.spawn(command)
            let generation = state.withLock { state -> Int in
                state.child = child
                state.childExited = false
                state.generation += 1
                state.statistics.starts += 1
                return state.generation
            }
            logger.info("exec plugin started", metadata: ["plugin": "\(name)", "pid": "\(child.pid)", "command": "\(command.joined(separator: " "))"])
            let reader = Thread { [self] in self.runReader(child, generation: generation) }
            reader.name = "exec-\(name)-out"
            reader.start()
        } catch {
            let delay = scheduleRestart(lived: .zero)
            logger.error("exec plugin could not start its command; retrying", metadata: [
                "plugin": "\(name)", "error": "\(error)", "retry_in_s": "\(Self.seconds(delay))"])
        }
    }

    private func reap(_ child: ExecChild, stopping: Bool) {
        let status = child.terminateAndReap(grace: stopping ? 2 : 1)
        let lived = ContinuousClock.now - child.started
        state.withLock { state in
            state.child = nil
            state.childExited = false
        }
        if stopping {
            logger.info("exec plugin stopped", metadata: ["plugin": "\(name)", "pid": "\(child.pid)"])
            return
        }
        let delay = scheduleRestart(lived: lived)
        let exit = ExecChild.describe(waitStatus: status)
        state.withLock { state in
            state.statistics.lastExit = exit
            state.statistics.deaths += 1
        }
        logger.warning("exec plugin command died; restarting", metadata: [
            "plugin": "\(name)", "pid": "\(child.pid)", "status": "\(exit)", "retry_in_s": "\(Self.seconds(delay))"])
        onRestart(exit, delay)
    }

    /// Sets the next start time and doubles the backoff; a run that lasted longer than the
    /// maximum backoff counts as healthy and resets it. Returns the delay chosen.
    private func scheduleRestart(lived: Duration) -> Duration {
        state.withLock { state in
            if lived >= maxBackoff { state.backoff = initialBackoff }
            let delay = state.backoff
            state.nextStart = .now + delay
            state.backoff = min(state.backoff * 2, maxBackoff)
            return delay
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: reader: the child's stdout

    /// Lines longer than this are discarded: a decision is a few hundred bytes.
    static let maxLineLength = 1 << 20

    private func runReader(_ child: ExecChild, generation: Int) {
        var pending: [UInt8] = []
        var discarding = false
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(child.stdoutFD, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            var decisions: [Decision] = []
            var start = 0
            for index in 0..<count where buffer[index] == UInt8(ascii: "\n") {
                if discarding {
                    discarding = false
                } else {
                    pending.append(contentsOf: buffer[start..<index])
                    if let decision = parse(pending) { decisions.append(decision) }
                }
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            if !discarding { pending.append(contentsOf: buffer[start..<count]) }
            if pending.count > Self.maxLineLength {
                logger.warning("exec plugin printed an over-long line; ignored", metadata: ["plugin": "\(name)"])
                state.withLock { $0.statistics.malformedLines += 1 }
                pending.removeAll()
                discarding = true
            }
            if !decisions.isEmpty {
                state.withLock { $0.statistics.decisions += UInt64(decisions.count) }
                onDecisions(decisions)
            }
        }
        close(child.stdoutFD)
        let signalWriter = state.withLock { state -> Bool in
            guard state.generation == generation, state.child?.pid == child.pid else { return false }
            state.childExited = true
            return true
        }
        if signalWriter { wake.signal() }
    }

    private func parse(_ line: [UInt8]) -> Decision? {
        var bytes = line[...]
        while let last = bytes.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            bytes = bytes.dropLast()
        }
        guard !bytes.isEmpty else { return nil }
        do {
            return try JSONDecoder().decode(Decision.self, from: Data(bytes))
        } catch {
            state.withLock { $0.statistics.malformedLines += 1 }
            let text = String(decoding: bytes.prefix(200), as: UTF8.self)
            logger.warning("exec plugin printed a line that is not a decision; ignored", metadata: [
                "plugin": "\(name)", "line": "\(text)", "error": "\(Self.describe(error))"])
            return nil
        }
    }

    /// A short reason for a JSON decoding error (the default description is a paragraph).
    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted(let context)?: return context.debugDescription
        case .keyNotFound(let key, _)?: return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: return "\(error)"
        }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}
