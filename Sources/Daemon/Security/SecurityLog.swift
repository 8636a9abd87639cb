import Dispatch
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization

/// `<data_dir>/security.log`: every security event and every decision, one JSON object per
/// line, for operators, `jq` and fail2ban.
///
/// Recording never blocks: entries go to a bounded queue and one background thread encodes
/// and appends them in batches (one `write` per batch, no fsync: the log is an audit trail,
/// bindings and bans are made durable by the store). When the writer cannot keep up the
/// queue refuses entries, counts them, and the writer notes the gap with a
/// `{"type":"dropped","lines":N,"time_ms":T}` line. Field values cannot forge lines: control
/// characters, U+2028/U+2029 and C1 controls are escaped, long values are cut (see
/// `SecurityLogLine`).
///
/// Call `close()` when done: it writes what is queued and stops the thread.
public final class SecurityLog: Sendable {
    /// The file name inside the data directory.
    public static let fileName = "security.log"
    /// The default queue bound, in entries.
    public static let defaultCapacity = 100_000

    /// The log file's path.
    public let path: String
    private let queue: SecurityLogQueue
    private let stopped = DispatchSemaphore(value: 0)
    private let closed = Atomic<Bool>(false)

    /// The security log's path in `dataDirectory`.
    public static func path(dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + fileName : dataDirectory + "/" + fileName
    }

    /// Opens (creating when missing) the log for appending and starts the writer thread.
    ///
    /// - Parameters:
    ///   - path: The file; its directory is created when missing.
    ///   - capacity: How many entries may wait for the writer before new ones are dropped.
    ///   - logger: Where write failures are reported.
    /// - Throws: `SecurityLogError.cannotOpen` naming the path.
    public init(
        path: String, capacity: Int = SecurityLog.defaultCapacity,
        logger: Logger = Logger(label: "sipwarden.security-log")
    ) throws(SecurityLogError) {
        self.path = path
        let file = try SecurityLogFile(path: path)
        let queue = SecurityLogQueue(capacity: capacity)
        self.queue = queue
        let stopped = self.stopped
        let thread = Thread {
            Self.write(queue: queue, file: file, logger: logger)
            stopped.signal()
        }
        thread.name = "sipwarden-security-log"
        thread.start()
    }

    deinit {
        // Lets the writer finish what is queued and exit if `close()` was never called.
        queue.close()
    }

    /// Queues an event's line. Never blocks; dropped (and counted) when the queue is full.
    public func record(_ event: SecurityEvent) {
        queue.append(.event(event))
    }

    /// Queues a decision's line: which plugin (or "operator") decided what, when, and what
    /// became of it (`outcome`, e.g. "applied" or "ignored: trusted"; nil to leave it out).
    public func record(_ decision: Decision, plugin: String, timeMilliseconds: Int64, outcome: String? = nil) {
        queue.append(.decision(decision, plugin: plugin, timeMilliseconds: timeMilliseconds, outcome: outcome))
    }

    /// Closes and reopens the file at `path` (after logrotate moved it away; wire SIGUSR1
    /// here). Lines queued before the call may still go to the old file.
    public func reopen() {
        queue.requestReopen()
    }

    /// Blocks until every line recorded before the call is written (or has failed).
    public func flush() {
        queue.waitUntilWritten()
    }

    /// Writes what is queued, stops the writer and closes the file. Later records are
    /// dropped and counted. Safe to call more than once.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.close()
        stopped.wait()
    }

    /// Lines written, dropped and failed so far.
    public var statistics: SecurityLogStatistics { queue.currentStatistics() }

    /// The writer thread's loop: take everything pending, encode it into one buffer, write.
    private static func write(queue: SecurityLogQueue, file: SecurityLogFile, logger: Logger) {
        var file = file
        let lines = SecurityLogLine()
        var reportedFailure = false
        var batch: [SecurityLogEntry] = []
        var buffer: [UInt8] = []
        while true {
            let work = queue.take(returning: &batch)
            var reopened = false
            if work.reopen {
                do {
                    try file.reopen()
                    reopened = true
                } catch {
                    logger.error("security log reopen failed; still writing to the old file", metadata: ["error": "\(error)"])
                }
            }
            buffer.removeAll(keepingCapacity: true)
            var encoded = 0
            for entry in batch {
                do {
                    try lines.encode(entry, into: &buffer)
                    encoded += 1
                } catch {
                    logger.error("security log entry could not be encoded", metadata: ["error": "\(error)"])
                }
            }
            let hasDroppedLine = work.dropped > 0
            if hasDroppedLine {
                buffer += lines.droppedLine(count: work.dropped, timeMilliseconds: SystemClock.now().milliseconds)
            }
            let ok = buffer.isEmpty || file.write(buffer)
            if !ok, !reportedFailure {
                // Once per failure streak: a full disk would otherwise flood the daemon's log.
                logger.error("security log write failed; lines are being lost", metadata: ["path": "\(file.path)"])
            }
            reportedFailure = !ok
            queue.finished(
                batch.count, written: ok ? encoded : 0, droppedLineWritten: ok && hasDroppedLine, reopened: reopened)
            if work.stop { break }
        }
        file.close()
    }
}
