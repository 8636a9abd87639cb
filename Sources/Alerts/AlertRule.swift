/// The thresholds of one alert kind (`alerts.bindings_drop`, `alerts.failures_spike`,
/// `alerts.registrations_spike`).
public struct AlertRule: Hashable, Sendable {
    /// Whether the kind is watched at all.
    public var enabled: Bool
    /// How many deviations from the expected value the figure must be (the band is expected ± factor × deviation).
    public var factor: Double
    /// How far from the expected value the figure must also be, in percent of it.
    public var percent: Double
    /// The smallest deviation the band assumes, in the figure's unit, so a quiet hour's
    /// naturally tiny deviation does not turn a handful of phones into a page.
    public var floor: Double

    /// Creates a rule.
    public init(enabled: Bool = true, factor: Double = 3, percent: Double = 30, floor: Double) {
        self.enabled = enabled
        self.factor = factor
        self.percent = percent
        self.floor = floor
    }
}
