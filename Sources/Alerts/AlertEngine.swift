import Foundation

/// Watches the per-minute rollups and raises an alert when a figure leaves its band: active
/// bindings dropping, failures or registrations spiking. Pure logic: the minutes it is fed
/// are its only clock.
///
/// The baseline explains itself. For each figure and each hour of the week (in
/// ``AlertSettings/timeZone``) it keeps an exponentially weighted mean and mean absolute
/// deviation of the minutes seen in that hour; until an hour of the week has
/// ``AlertSettings/minSamples`` minutes, the same hour of any day stands in, and until that has
/// as many the figure is still learning and raises nothing. The band is expected ±
/// factor × deviation, the deviation never below the rule's floor (so quiet hours do not page).
/// A minute is an anomaly when it lies outside the band on the rule's side AND differs from
/// the expected value by at least the rule's percentage. ``AlertSettings/raiseAfter``
/// anomalous minutes in a row raise the alert, once; ``AlertSettings/clearAfter`` ordinary
/// minutes in a row clear it. Anomalous minutes teach the mean at a tenth of the rate and the
/// deviation not at all, so an outage neither becomes the new normal within the hour nor widens
/// the band, while a lasting change is learned in days.
public struct AlertEngine: Sendable {
    /// The settings in force.
    public let settings: AlertSettings
    private var tracks: [AlertKind: Track]
    private var lastMinute: Int64?

    /// One kind's baseline and run state.
    struct Track: Sendable {
        var week = [BaselineSlot](repeating: BaselineSlot(), count: 168)
        var day = [BaselineSlot](repeating: BaselineSlot(), count: 24)
        var outsideSince: Int64?
        var outsideRun = 0
        var insideRun = 0
        var raised = false
        var observed: Double?
        var baseline: Baseline?
    }

    /// Creates an engine that has seen nothing yet.
    public init(settings: AlertSettings) {
        self.settings = settings
        tracks = Dictionary(uniqueKeysWithValues: AlertKind.allCases.map { ($0, Track()) })
    }

    /// Feeds one minute; returns the alerts it raises or clears (usually none). A minute not
    /// after the last one fed is ignored.
    public mutating func observe(_ rollup: MinuteRollup) -> [AlertEvent] {
        guard settings.enabled else { return [] }
        if let lastMinute, rollup.minute <= lastMinute { return [] }
        lastMinute = rollup.minute
        var events: [AlertEvent] = []
        for kind in AlertKind.allCases {
            let rule = settings.rule(kind)
            guard rule.enabled, var track = tracks[kind] else { continue }
            if let event = step(&track, kind: kind, rule: rule, rollup: rollup) { events.append(event) }
            tracks[kind] = track
        }
        return events
    }

    /// Where each watched kind stands after the last minute.
    public var states: [AlertState] {
        AlertKind.allCases.filter { settings.rule($0).enabled }.compactMap { kind in
            tracks[kind].map { AlertState(kind: kind, raised: $0.raised, since: $0.outsideSince, observed: $0.observed, baseline: $0.baseline) }
        }
    }

    /// What the engine expects of `kind` in the hour holding `minute`; nil while that hour is still learning.
    public func baseline(_ kind: AlertKind, at minute: Int64) -> Baseline? {
        guard let track = tracks[kind] else { return nil }
        return baseline(track, rule: settings.rule(kind), minute: minute)
    }

    private func step(_ track: inout Track, kind: AlertKind, rule: AlertRule, rollup: MinuteRollup) -> AlertEvent? {
        let value = kind.value(of: rollup)
        let minute = rollup.minute
        let expectation = baseline(track, rule: rule, minute: minute)
        track.observed = value
        track.baseline = expectation
        var anomalous = false
        var event: AlertEvent?
        if let expectation {
            let difference = value - expectation.expected
            let percent = difference / max(expectation.expected, 1) * 100
            let outsideBand = kind.isDrop ? difference < -rule.factor * expectation.deviation : difference > rule.factor * expectation.deviation
            let farEnough = kind.isDrop ? -percent >= rule.percent : percent >= rule.percent
            anomalous = outsideBand && farEnough
            if anomalous {
                track.outsideRun += 1
                track.insideRun = 0
                if track.outsideSince == nil { track.outsideSince = minute }
                if !track.raised, track.outsideRun >= settings.raiseAfter {
                    track.raised = true
                    event = makeEvent(.raised, kind: kind, value: value, baseline: expectation, percent: percent,
                                      since: track.outsideSince ?? minute, minute: minute)
                }
            } else {
                track.outsideRun = 0
                track.insideRun += 1
                if track.raised, track.insideRun >= settings.clearAfter {
                    event = makeEvent(.cleared, kind: kind, value: value, baseline: expectation, percent: percent,
                                      since: track.outsideSince ?? minute, minute: minute)
                    track.raised = false
                    track.outsideSince = nil
                } else if !track.raised {
                    track.outsideSince = nil
                }
            }
        }
        let rate = anomalous ? settings.learningRate / 10 : settings.learningRate
        let (weekSlot, daySlot) = slots(minute)
        track.week[weekSlot].learn(value, rate: rate, anomalous: anomalous)
        track.day[daySlot].learn(value, rate: rate, anomalous: anomalous)
        return event
    }

    private func baseline(_ track: Track, rule: AlertRule, minute: Int64) -> Baseline? {
        let (weekSlot, daySlot) = slots(minute)
        let hour = String(format: "%02d:00-%02d:00", daySlot, (daySlot + 1) % 24)
        let week = track.week[weekSlot]
        if week.samples >= settings.minSamples {
            return Baseline(expected: week.mean, deviation: max(week.deviation, rule.floor), samples: week.samples,
                            basis: "\(Self.weekdays[weekSlot / 24])s \(hour)")
        }
        let day = track.day[daySlot]
        if day.samples >= settings.minSamples {
            return Baseline(expected: day.mean, deviation: max(day.deviation, rule.floor), samples: day.samples, basis: "\(hour) on any day")
        }
        return nil
    }

    private func makeEvent(_ change: AlertEvent.Change, kind: AlertKind, value: Double, baseline: Baseline, percent: Double,
                           since: Int64, minute: Int64) -> AlertEvent {
        let figure = "\(kind.figure) \(Self.number(value))\(kind.unit), expected \(Self.number(baseline.expected)) ± \(Self.number(baseline.deviation))"
        let message: String
        switch change {
        case .raised:
            message = "\(figure) (\(percent >= 0 ? "+" : "")\(Int(percent.rounded())) %) since \(clock(since, relativeTo: minute))"
        case .cleared:
            message = "\(figure): back in band, raised since \(clock(since, relativeTo: minute))"
        }
        return AlertEvent(change: change, kind: kind, observed: value, expected: baseline.expected, deviation: baseline.deviation,
                          percent: percent, since: since, minute: minute, basis: baseline.basis, message: message)
    }

    /// The hour-of-week slot (Monday 00:00 is 0) and hour-of-day slot of `minute` in the time zone.
    private func slots(_ minute: Int64) -> (week: Int, day: Int) {
        let local = localSeconds(minute)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let hour = Int((local - days * 86_400) / 3600)
        let weekday = Int(((days + 3) % 7 + 7) % 7)  // 1970-01-01 was a Thursday
        return (weekday * 24 + hour, hour)
    }

    private func localSeconds(_ minute: Int64) -> Int64 {
        minute + Int64(settings.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(minute))))
    }

    /// `14:02`, or `2026-12-01 14:02` when `time` is not on the same day as `reference`.
    private func clock(_ time: Int64, relativeTo reference: Int64) -> String {
        let local = localSeconds(time)
        let dayStart = local - ((local % 86_400) + 86_400) % 86_400
        let seconds = local - dayStart
        let text = String(format: "%02d:%02d", seconds / 3600, (seconds % 3600) / 60)
        let referenceLocal = localSeconds(reference)
        if referenceLocal - (((referenceLocal % 86_400) + 86_400) % 86_400) == dayStart { return text }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(dayStart))) + " " + text
    }

    /// A figure for a message: whole numbers from 10 on, one decimal below.
    static func number(_ value: Double) -> String {
        abs(value) >= 10 || value == value.rounded() ? String(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}
