/// Decides which events the security log writes on a line of their own, and which it only
/// counts (`SecurityLogLimits`). Pure: the writer thread passes the time in, tests pass their own.
///
/// Two stages, like syslog's "last message repeated N times" and a rate limit behind it:
/// 1. Folding: per (kind, source address), the first `repeatAfter` events of a window of
///    `repeatInterval` seconds are written; later ones are counted, and when the window ends
///    one `log.repeated` summary carries the count. Events without a source address and the
///    binding-state kinds (`unfoldedKinds`) are never folded.
/// 2. A cap per kind: at most `maxLinesPerSecond` lines of one kind a second, summaries
///    included; what is over is counted, and one `log.suppressed` line a second per kind says
///    how many.
///
/// Every event is accounted for exactly once: its own line, a `log.repeated` count or a
/// `log.suppressed` count. The source table holds at most `maxSources` pairs (when full, the
/// older half is summarised and dropped) and the kind table at most `maxKinds` kinds (others
/// share one bucket), so no sender, however many addresses it rotates through, can grow them.
struct SecurityLogLimiter {
    /// A line the limiter asks the writer to add.
    enum Summary: Hashable, Sendable {
        /// `count` events of `kind` from `sourceIP` between `firstMilliseconds` and
        /// `lastMilliseconds` were not written on their own lines.
        case repeated(kind: String, sourceIP: String, count: Int, firstMilliseconds: Int64, lastMilliseconds: Int64, timeMilliseconds: Int64)
        /// `count` events of `kind` were over the per-second cap.
        case suppressed(kind: String, count: Int, firstMilliseconds: Int64, lastMilliseconds: Int64, timeMilliseconds: Int64)

        /// How many events the line stands for.
        var count: Int {
            switch self {
            case .repeated(_, _, let count, _, _, _), .suppressed(_, let count, _, _, _): count
            }
        }
    }

    /// Kinds that describe a binding's state: bounded by the bindings, not by what a sender
    /// sends, and read back per AOR (`registrations show`), so never folded (the cap still
    /// applies).
    static let unfoldedKinds: Set<String> = [
        "register.accepted", "register.refreshed", "register.removed", "register.expired", "register.forced_out",
        "register.unreachable", "register.reachable",
    ]
    /// Kinds tracked separately by the cap; further kinds share `otherKinds`.
    static let maxKinds = 256
    /// The bucket of kinds past `maxKinds`.
    static let otherKinds = "(other kinds)"

    private struct SourceKey: Hashable {
        var kind: String
        var sourceIP: String
    }

    private struct SourceWindow {
        var startMilliseconds: Int64
        var seen = 0
        var repeated = 0
        var firstRepeat: Int64 = 0
        var lastRepeat: Int64 = 0
    }

    private struct KindSecond {
        var startMilliseconds: Int64
        var written = 0
        var suppressed = 0
        var firstSuppressed: Int64 = 0
        var lastSuppressed: Int64 = 0
    }

    let limits: SecurityLogLimits
    private var sources: [SourceKey: SourceWindow] = [:]
    private var kinds: [String: KindSecond] = [:]
    private var ready: [Summary] = []

    init(limits: SecurityLogLimits) { self.limits = limits }

    private var intervalMilliseconds: Int64 { max(1, limits.repeatInterval) * 1000 }

    /// Whether anything is waiting for a window or a second to end (the writer then wakes
    /// up once a second to write the summaries even when no events come).
    var hasPending: Bool { !sources.isEmpty || !kinds.isEmpty || !ready.isEmpty }

    /// (kind, source) pairs tracked now.
    var trackedSources: Int { sources.count }

    /// Whether events of `kind` from `sourceIP` are folded per source.
    func folds(kind: String, sourceIP: String) -> Bool {
        limits.repeatAfter > 0 && !sourceIP.isEmpty && !Self.unfoldedKinds.contains(kind)
    }

    /// Whether the event's own line is written now; if not, it is counted in a later summary.
    mutating func admit(kind: String, sourceIP: String, nowMilliseconds now: Int64) -> Bool {
        if folds(kind: kind, sourceIP: sourceIP) {
            let key = SourceKey(kind: kind, sourceIP: sourceIP)
            if var window = sources[key] {
                if now >= window.startMilliseconds + intervalMilliseconds || now < window.startMilliseconds {
                    close(key, window, now: now)
                    window = SourceWindow(startMilliseconds: now)
                }
                window.seen += 1
                if window.seen > limits.repeatAfter {
                    if window.repeated == 0 { window.firstRepeat = now }
                    window.repeated += 1
                    window.lastRepeat = now
                    sources[key] = window
                    return false
                }
                sources[key] = window
            } else {
                if sources.count >= max(1, limits.maxSources) { evictOlderHalf(now: now) }
                sources[key] = SourceWindow(startMilliseconds: now, seen: 1)
            }
        }
        return takeLine(kind: kind, events: 1, now: now)
    }

    /// Ends the windows and seconds that are over (a scan of both tables: the writer calls it
    /// about twice a second, not per event).
    mutating func expire(nowMilliseconds now: Int64) {
        for (key, window) in sources where now >= window.startMilliseconds + intervalMilliseconds || now < window.startMilliseconds {
            close(key, window, now: now)
            sources[key] = nil
        }
        for (kind, second) in kinds where now >= second.startMilliseconds + 1000 || now < second.startMilliseconds {
            report(kind, second, now: now)
            kinds[kind] = nil
        }
    }

    /// Every count still pending, as summaries, uncapped (the log is closing).
    mutating func drain(nowMilliseconds now: Int64) {
        for (key, window) in sources where window.repeated > 0 {
            ready.append(.repeated(kind: key.kind, sourceIP: key.sourceIP, count: window.repeated,
                                   firstMilliseconds: window.firstRepeat, lastMilliseconds: window.lastRepeat, timeMilliseconds: now))
        }
        sources.removeAll()
        for (kind, second) in kinds { report(kind, second, now: now) }
        kinds.removeAll()
    }

    /// The summaries to write now, oldest first.
    mutating func takeReady() -> [Summary] {
        defer { ready.removeAll(keepingCapacity: true) }
        return ready
    }

    // MARK: - Internals

    /// A source's window ended: its repeats become one summary line, itself under the cap.
    private mutating func close(_ key: SourceKey, _ window: SourceWindow, now: Int64) {
        guard window.repeated > 0 else { return }
        if takeLine(kind: key.kind, events: window.repeated, now: now) {
            ready.append(.repeated(kind: key.kind, sourceIP: key.sourceIP, count: window.repeated,
                                   firstMilliseconds: window.firstRepeat, lastMilliseconds: window.lastRepeat, timeMilliseconds: now))
        }
    }

    /// Charges one line of `kind` to this second; when the cap is reached the `events` it
    /// stands for are counted as suppressed instead and false is returned.
    private mutating func takeLine(kind: String, events: Int, now: Int64) -> Bool {
        guard limits.maxLinesPerSecond > 0 else { return true }
        let bucket = kinds[kind] != nil || kinds.count < Self.maxKinds ? kind : Self.otherKinds
        var second = kinds[bucket] ?? KindSecond(startMilliseconds: now)
        if now >= second.startMilliseconds + 1000 || now < second.startMilliseconds {
            report(bucket, second, now: now)
            second = KindSecond(startMilliseconds: now)
        }
        defer { kinds[bucket] = second }
        if second.written < limits.maxLinesPerSecond {
            second.written += 1
            return true
        }
        if second.suppressed == 0 { second.firstSuppressed = now }
        second.suppressed += events
        second.lastSuppressed = now
        return false
    }

    private mutating func report(_ kind: String, _ second: KindSecond, now: Int64) {
        guard second.suppressed > 0 else { return }
        ready.append(.suppressed(kind: kind, count: second.suppressed, firstMilliseconds: second.firstSuppressed,
                                 lastMilliseconds: second.lastSuppressed, timeMilliseconds: now))
    }

    /// The table is full: the older half (by window start) is summarised and forgotten.
    private mutating func evictOlderHalf(now: Int64) {
        let ordered = sources.sorted { $0.value.startMilliseconds < $1.value.startMilliseconds }
        for (key, window) in ordered.prefix(max(1, ordered.count / 2)) {
            close(key, window, now: now)
            sources[key] = nil
        }
    }
}
