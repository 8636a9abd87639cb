import AlertWebhook
import Alerts
import ControlAPI
import Foundation
import History
import Logging
import SIPWardenPolicy
import Synchronization

/// Runs the alert engine on the history's per-minute rollups, from a thread of its own
/// (never an event loop): at start it replays the rollups of the last four weeks to learn the
/// baseline (raising nothing), then a few seconds after each minute ends it feeds that minute.
/// An alert becomes an `alert.raised` / `alert.cleared` event (security log, plugins, history,
/// `stats`/`/metrics` states) and, with `alerts.webhook`, a JSON POST.
public final class AlertMonitor: Sendable {
    /// How far back the baseline is learned at start.
    public static let warmUpSeconds: Int64 = 28 * 86_400
    /// Seconds after a minute's end before it is read (the history writes about every second).
    static let settleSeconds: Int64 = 5

    /// The settings in force.
    public let settings: AlertSettings
    /// The webhook sender, when `alerts.webhook` is set.
    public let webhook: AlertWebhook?
    private let rollups: @Sendable (_ since: Date, _ until: Date, _ now: Date) throws -> [TrendPoint]
    private let record: @Sendable ([SecurityEvent]) -> Void
    private let logger: Logger
    private let engine: Mutex<Feed>
    private let stopSignal = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let running = Mutex(false)

    struct Feed: Sendable {
        var engine: AlertEngine
        /// The last minute fed (its start, seconds since the epoch).
        var lastMinute: Int64?
        var lastBindings: Int?
    }

    /// A monitor over `store`'s minute rollups; `record` takes the alert events (the security coordinator's record).
    public convenience init(settings: AlertSettings, store: HistoryStore, webhook: AlertWebhook?, logger: Logger,
                            record: @escaping @Sendable ([SecurityEvent]) -> Void) {
        self.init(settings: settings, webhook: webhook, logger: logger, record: record) { since, until, now in
            try store.trend(AnalysisQuery(since: RFC3339.format(since), until: RFC3339.format(until), step: .minute), now: now).points
        }
    }

    /// A monitor over the minute rollups `rollups` returns for a window (its start and end minutes, inclusive).
    init(settings: AlertSettings, webhook: AlertWebhook?, logger: Logger, record: @escaping @Sendable ([SecurityEvent]) -> Void,
         rollups: @escaping @Sendable (_ since: Date, _ until: Date, _ now: Date) throws -> [TrendPoint]) {
        self.settings = settings
        self.rollups = rollups
        self.webhook = webhook
        self.logger = logger
        self.record = record
        engine = Mutex(Feed(engine: AlertEngine(settings: settings)))
    }

    /// Starts the thread: the warm-up, then one step a minute until ``stop()``.
    public func start() {
        running.withLock { $0 = true }
        let thread = Thread { [self] in
            let learned = catchUp(now: Date(), emit: false)
            logger.info("alerts: baseline learned from the history", metadata: ["minutes": "\(learned)"])
            while true {
                let now = Date().timeIntervalSince1970
                let next = (floor(now / 60) + 1) * 60 + Double(Self.settleSeconds)
                if stopSignal.wait(timeout: .now() + max(0.1, next - now)) == .success { break }
                _ = catchUp(now: Date(), emit: true)
            }
            stopped.signal()
        }
        thread.name = "sipwarden-alerts"
        thread.start()
    }

    /// Stops the thread and waits for it (the webhook is finished apart, see ``finish()``).
    public func stop() {
        guard running.withLock({ let was = $0; $0 = false; return was }) else { return }
        stopSignal.signal()
        stopped.wait()
    }

    /// Stops, then delivers the alerts the webhook still holds.
    public func finish() async {
        stop()
        await webhook?.finish()
    }

    /// Where each alert stands now.
    public var states: [AlertState] { engine.withLock { $0.engine.states } }

    /// Feeds every complete minute not fed yet (ended `settleSeconds` before `now`); with
    /// `emit`, records and posts the alerts they raise or clear. Returns the minutes fed.
    @discardableResult
    func catchUp(now: Date, emit: Bool) -> Int {
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let lastComplete = (nowSeconds - Self.settleSeconds) / 60 * 60 - 60
        let start = engine.withLock { $0.lastMinute.map { $0 + 60 } } ?? (nowSeconds - Self.warmUpSeconds) / 60 * 60
        guard start <= lastComplete else { return 0 }
        let points: [TrendPoint]
        do {
            points = try rollups(Date(timeIntervalSince1970: TimeInterval(start)), Date(timeIntervalSince1970: TimeInterval(lastComplete)), now)
        } catch {
            logger.error("alerts: cannot read the history's rollups", metadata: ["error": "\(error)"])
            return 0
        }
        var fed = 0
        let events: [AlertEvent] = engine.withLock { feed in
            var events: [AlertEvent] = []
            for point in points {
                let minute = point.startMilliseconds / 1000
                guard minute >= start, minute <= lastComplete else { continue }
                guard let bindings = point.activeBindings ?? feed.lastBindings else { continue }
                feed.lastBindings = bindings
                feed.lastMinute = minute
                fed += 1
                events += feed.engine.observe(MinuteRollup(
                    minute: minute, activeBindings: bindings, registrations: point.registrations + point.refreshes, failures: point.failures))
            }
            // The warm-up ends at the last complete minute, whether or not it has a row. Later
            // steps only move past minutes they fed, so a row the writer is late with is read next time.
            if !emit { feed.lastMinute = max(feed.lastMinute ?? lastComplete, lastComplete) }
            return events
        }
        if emit, !events.isEmpty { publish(events, at: now) }
        return fed
    }

    /// Records, logs and posts `events`.
    private func publish(_ events: [AlertEvent], at now: Date) {
        let milliseconds = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        record(events.map { Self.securityEvent($0, timeMilliseconds: milliseconds) })
        for event in events {
            logger.log(level: event.change == .raised ? .warning : .notice, "\(event.eventKind): \(event.message)",
                       metadata: ["alert": "\(event.kind.rawValue)"])
            webhook?.send(event)
        }
    }

    /// The security event of an alert: `username` `alerts`, detail `SEVERITY: MESSAGE` like a plugin's alert.
    static func securityEvent(_ event: AlertEvent, timeMilliseconds: Int64) -> SecurityEvent {
        SecurityEvent(timeMilliseconds: timeMilliseconds, kind: event.eventKind, sourceIP: "", sourcePort: 0, transport: "",
                      username: "alerts", detail: (event.change == .raised ? "warning: " : "info: ") + event.message)
    }
}
