import Foundation

/// `GET /v1/analysis/trend` (`sipwardenctl analysis trend --json`): the steps of the window
/// and the registration rate's peak against its steady state.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `step` | string | `1m`, `1h` or `1d` |
/// | `since`, `until` | string | the window, RFC 3339 UTC |
/// | `points` | array | `TrendPoint` objects, oldest first; steps with nothing recorded are left out |
/// | `steady_per_second` | number | the steady-state rate: the median over the steps of successful REGISTERs per second |
/// | `peak_per_second` | number | the highest one-second count of successful REGISTERs in the window |
/// | `peak_to_steady` | number or null | `peak_per_second / steady_per_second`; null when the steady rate is 0 |
///
/// The capacity rule (VOS3000 manual §2.5.5): provision 3 to 5 times the steady-state rate,
/// since a network outage makes every phone re-register at once.
public struct TrendReport: Codable, Hashable, Sendable {
    /// The step.
    public var step: HistoryStep
    /// The window's start.
    public var since: Date
    /// The window's end.
    public var until: Date
    /// The steps, oldest first.
    public var points: [TrendPoint]
    /// The median over the steps of successful REGISTERs per second.
    public var steadyPerSecond: Double
    /// The highest one-second count of successful REGISTERs.
    public var peakPerSecond: Int
    /// Peak over steady state; nil when the steady rate is 0.
    public var peakToSteady: Double?

    /// A report over `points`, the rates derived from them.
    public init(step: HistoryStep, since: Date, until: Date, points: [TrendPoint]) {
        self.step = step
        self.since = since
        self.until = until
        self.points = points
        let rates = points.map { Double($0.successfulRegisters) / Double(step.seconds) }.sorted()
        if rates.isEmpty {
            steadyPerSecond = 0
        } else if rates.count % 2 == 1 {
            steadyPerSecond = rates[rates.count / 2]
        } else {
            steadyPerSecond = (rates[rates.count / 2 - 1] + rates[rates.count / 2]) / 2
        }
        peakPerSecond = points.map(\.peakPerSecond).max() ?? 0
        peakToSteady = steadyPerSecond > 0 ? Double(peakPerSecond) / steadyPerSecond : nil
    }

    enum CodingKeys: String, CodingKey {
        case step, since, until, points
        case steadyPerSecond = "steady_per_second", peakPerSecond = "peak_per_second", peakToSteady = "peak_to_steady"
    }

    /// Decodes a report.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        step = try c.decode(HistoryStep.self, forKey: .step)
        since = try c.decodeRFC3339(.since)
        until = try c.decodeRFC3339(.until)
        points = try c.decode([TrendPoint].self, forKey: .points)
        steadyPerSecond = try c.decode(Double.self, forKey: .steadyPerSecond)
        peakPerSecond = try c.decode(Int.self, forKey: .peakPerSecond)
        peakToSteady = try c.decodeIfPresent(Double.self, forKey: .peakToSteady)
    }

    /// Encodes every key, `peak_to_steady` as null when undefined.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(step, forKey: .step)
        try c.encode(RFC3339.format(since), forKey: .since)
        try c.encode(RFC3339.format(until), forKey: .until)
        try c.encode(points, forKey: .points)
        try c.encode(steadyPerSecond, forKey: .steadyPerSecond)
        try c.encode(peakPerSecond, forKey: .peakPerSecond)
        try c.encode(peakToSteady, forKey: .peakToSteady)
    }
}
