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
/// Floods are bounded by `SecurityLogLimits` on the writer thread (`SecurityLogLimiter`):
/// repeats of one kind from one source are folded into `log.repeated` lines and each kind is
/// capped per second (`log.suppressed` lines). Only the writing is bounded: callers still hand
/// every event to the plugins.
///
/// Call `close()` when done: it writes what is queued and every pending summary, and stops the
/// thread.
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
    ///   - limits: How repeats are folded and lines capped (`.unlimited` writes every line).
    ///   - clock: Milliseconds since the epoch, for the folding windows and the summaries' times
    ///     (nil: the system clock).
    ///   - logger: Where write failures are reported.
    /// - Throws: `SecurityLogError.cannotOpen` naming the path.
    public init(
        path: String, capacity: Int = SecurityLog.defaultCapacity, limits: SecurityLogLimits = SecurityLogLimits(),
        clock: (@Sendable () -> Int64)? = nil,
        logger: Logger = Logger(label: "sipwarden.security-log")
    ) throws(SecurityLogError) {
        self.path = path
        let file = try SecurityLogFile(path: path)
        let queue = SecurityLogQueue(capacity: capacity)
        self.queue = queue
        let stopped = self.stopped
        let clock = clock ?? Self.wallClockMilliseconds
        let thread = Thread {
            Self.write(queue: queue, file: file, limiter: SecurityLogLimiter(limits: limits), clock: clock, logger: logger)
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

    /// The wall clock in milliseconds since the epoch (the daemon's `SystemClock` reading,
    /// which this module cannot see).
    @Sendable private static func wallClockMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    /// Lines written, dropped and failed so far.
    public var statistics: SecurityLogStatistics { queue.currentStatistics() }

    /// The writer thread's loop: take everything pending, fold and cap it, encode it into one
    /// buffer with the summaries that came due, write.
    private static func write(
        queue: SecurityLogQueue, file: SecurityLogFile, limiter: SecurityLogLimiter, clock: () -> Int64, logger: Logger
    ) {
        var file = file
        var limiter = limiter
        let lines = SecurityLogLine()
        var reportedFailure = false
        var batch: [SecurityLogEntry] = []
        var buffer: [UInt8] = []
        var lastExpiry = Int64.min
        while true {
            let work = queue.take(returning: &batch, wakeAfter: limiter.hasPending ? 1 : nil)
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
            let now = clock()
            var encoded = 0
            var withheld = 0
            var extraLines = 0
            for entry in batch {
                if case .event(let event) = entry, !limiter.admit(kind: event.kind, sourceIP: event.sourceIP, nowMilliseconds: now) {
                    withheld += 1
                    continue
                }
                do {
                    try lines.encode(entry, into: &buffer)
                    encoded += 1
                } catch {
                    logger.error("security log entry could not be encoded", metadata: ["error": "\(error)"])
                }
            }
            if work.stop {
                limiter.drain(nowMilliseconds: now)
            } else if now >= lastExpiry + 500 || now < lastExpiry {
                limiter.expire(nowMilliseconds: now)
                lastExpiry = now
            }
            for summary in limiter.takeReady() {
                buffer += SecurityLogLine.summaryLine(summary)
                extraLines += 1
            }
            if work.dropped > 0 {
                buffer += lines.droppedLine(count: work.dropped, timeMilliseconds: now)
                extraLines += 1
            }
            let ok = buffer.isEmpty || file.write(buffer)
            if !ok, !reportedFailure {
                // Once per failure streak: a full disk would otherwise flood the daemon's log.
                logger.error("security log write failed; lines are being lost", metadata: ["path": "\(file.path)"])
            }
            reportedFailure = !ok
            queue.finished(batch.count, encoded: encoded, withheld: withheld, extraLines: extraLines, written: ok, reopened: reopened)
            if work.stop { break }
        }
        file.close()
    }
}
