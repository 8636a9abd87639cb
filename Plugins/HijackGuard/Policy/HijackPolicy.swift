import PluginSupport
import SIPWardenPolicy

/// The hijack plugin's logic. ``suspiciousNetwork(_:settings:)`` tells, for an authenticated
/// REGISTER, whether the AOR already has live bindings and none of them registered from the
/// new source's network. A review cannot return decisions, so such an attempt is queued here
/// and the next ``tick(now:)`` (about a second later) turns it into a `hijack.suspected`
/// report. The alert waits for the host to record the report and hand it back (``handle(_:)``)
/// with the id it assigned, so the alert's evidence names the recorded event; a report not
/// handed back within ``echoTimeout`` is alerted on anyway. The plugin wraps this in a lock:
/// `record` runs on any thread.
struct HijackPolicy: Sendable {
    /// The settings.
    let settings: HijackSettings
    /// Reports waiting for the next tick.
    private(set) var pending: [SecurityEvent] = []
    /// Reports lost because the queue was full (ticks stopped).
    private(set) var droppedReports = 0
    /// When each (AOR, network) was last reported.
    private(set) var reported: [HijackKey: Int64] = [:]
    /// When `reported` was last swept.
    private var lastSweepAt = Int64.min
    /// Reports handed to the host whose recorded copy (with its id) has not come back yet:
    /// how many identical ones, and when the first was handed over.
    private(set) var awaiting: [SecurityEvent: (copies: Int, since: Int64)] = [:]
    /// Recorded reports (or ones that waited too long) not alerted on yet.
    private(set) var toAlert: [SecurityEvent] = []

    /// Reports queued between ticks at most.
    static let maxPending = 1000
    /// (AOR, network) pairs remembered at most.
    static let maxReported = 50_000
    /// More reports than this in one tick get one summary alert instead of one each (an ISP
    /// renumbering its customers must not bury the operator in alerts).
    static let alertsPerTick = 5
    /// How often `reported` is swept, milliseconds.
    static let sweepInterval: Int64 = 10_000
    /// How long an alert waits for its report to come back recorded, milliseconds.
    static let echoTimeout: Int64 = 5000
    /// Reports awaited at most (beyond, alerts go out with the unrecorded report).
    static let maxAwaiting = 5000

    /// An empty policy.
    init(settings: HijackSettings) {
        self.settings = settings
    }

    /// The attempt's new network when the AOR has live bindings and none is in it; nil otherwise.
    static func suspiciousNetwork(_ attempt: RegisterAttempt, settings: HijackSettings) -> IPRange? {
        guard !attempt.liveBindingSources.isEmpty else { return nil }
        let network = settings.network(of: attempt.source)
        return attempt.liveBindingSources.contains(where: network.contains) ? nil : network
    }

    /// Queues a `hijack.suspected` report for the attempt, unless the same AOR was reported
    /// from the same network within `repeat_after`.
    mutating func record(_ attempt: RegisterAttempt, network: IPRange) {
        let now = attempt.timeMilliseconds
        let key = HijackKey(aor: attempt.aor, network: network)
        if let at = reported[key], now - at < settings.repeatAfterMilliseconds { return }
        guard pending.count < Self.maxPending else {
            droppedReports += 1
            return
        }
        if reported[key] == nil, reported.count >= Self.maxReported { reported.evictLeastRecentlyActive { $0 } }
        reported[key] = now
        let previous = attempt.liveBindingSources.prefix(5).map(\.description).joined(separator: ", ")
            + (attempt.liveBindingSources.count > 5 ? ", …" : "")
        pending.append(SecurityEvent(
            timeMilliseconds: now, kind: SecurityEventKind.hijackSuspected, sourceIP: attempt.source.description,
            sourcePort: attempt.sourcePort, transport: attempt.transport, aor: attempt.aor, username: attempt.username,
            userAgent: attempt.userAgent, contact: attempt.contact,
            detail: "new network \(network); live bindings from \(previous)"
                + (settings.refuse ? "; refused" : "; accepted (refuse is false)")))
    }

    /// Hands the queued reports over, and raises the alerts of reports that came back recorded
    /// (or waited longer than ``echoTimeout``).
    mutating func tick(now: Int64) -> [Decision] {
        if now >= lastSweepAt &+ Self.sweepInterval { sweep(now: now) }
        var decisions: [Decision] = []
        for (report, waiting) in awaiting where now - waiting.since >= Self.echoTimeout {
            awaiting[report] = nil
            toAlert += Array(repeating: report, count: waiting.copies)
        }
        if awaiting.isEmpty { decisions += alerts() }
        guard !pending.isEmpty else { return decisions }
        let reports = pending
        pending.removeAll()
        decisions += reports.map(Decision.report)
        guard settings.alert else { return decisions }
        for report in reports {
            if let index = awaiting.index(forKey: report) {
                awaiting.values[index].copies += 1
            } else if awaiting.count < Self.maxAwaiting {
                awaiting[report] = (1, now)
            } else {
                toAlert.append(report)
            }
        }
        return decisions
    }

    /// Takes a recorded `hijack.suspected` back: when it is one of this plugin's reports, its
    /// alert can now name it. Once every awaited report is back, the alerts go out.
    mutating func handle(_ event: SecurityEvent) -> [Decision] {
        guard event.kind == SecurityEventKind.hijackSuspected, !awaiting.isEmpty else { return [] }
        var unrecorded = event
        unrecorded.id = 0
        guard let index = awaiting.index(forKey: unrecorded) else { return [] }
        if awaiting.values[index].copies > 1 {
            awaiting.values[index].copies -= 1
        } else {
            awaiting.remove(at: index)
        }
        toAlert.append(event)
        return awaiting.isEmpty ? alerts() : []
    }

    /// One alert per report, or one summary when there are more than ``alertsPerTick``.
    private mutating func alerts() -> [Decision] {
        guard !toAlert.isEmpty else { return [] }
        let reports = toAlert
        toAlert.removeAll()
        let outcome = settings.refuse ? "refused" : "accepted"
        if reports.count <= Self.alertsPerTick {
            return reports.map { report in
                .alert(Alert(
                    severity: "warning",
                    message: "possible registration hijack: \(report.aor ?? "?") registered from \(report.sourceIP) "
                        + "(\(report.detail ?? "")); \(outcome)",
                    evidence: [report]))
            }
        }
        return [.alert(Alert(
            severity: "warning",
            message: "possible registration hijacks: \(reports.count) AORs registered from networks their live "
                + "bindings do not come from (\(outcome)); if an ISP renumbered its customers this is expected",
            evidence: Array(reports.prefix(20))))]
    }

    /// Forgets reports older than `repeat_after`.
    mutating func sweep(now: Int64) {
        lastSweepAt = now
        let span = settings.repeatAfterMilliseconds
        reported = reported.filter { now - $0.value < span }
    }
}
