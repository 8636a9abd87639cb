import Foundation

/// How the alert engine learns its baseline and when it raises (`alerts.*`; the defaults are
/// the ones rules/sipwarden.example.yaml shows).
public struct AlertSettings: Hashable, Sendable {
    /// Whether the engine runs (`alerts.enabled`).
    public var enabled = true
    /// Active bindings below the band (`alerts.bindings_drop`).
    public var bindingsDrop = AlertRule(factor: 3, percent: 30, floor: 10)
    /// Failures per minute above the band (`alerts.failures_spike`).
    public var failuresSpike = AlertRule(factor: 3, percent: 100, floor: 10)
    /// Registrations per minute above the band (`alerts.registrations_spike`).
    public var registrationsSpike = AlertRule(factor: 3, percent: 100, floor: 20)
    /// Minutes in a row outside the band before an alert is raised (`alerts.raise_after`).
    public var raiseAfter = 3
    /// Minutes in a row back inside the band before a raised alert clears (`alerts.clear_after`).
    public var clearAfter = 5
    /// The weight of each new minute in the baseline's exponentially weighted mean and
    /// deviation (`alerts.learning_rate`); anomalous minutes teach the mean a tenth of it and the deviation nothing.
    public var learningRate = 0.05
    /// Minutes a baseline slot must have seen before it may raise (`alerts.min_samples`):
    /// the hour of the week is used once it has that many, else the same hour of any day.
    public var minSamples = 60
    /// The time zone whose hours the baseline follows and messages show (`alerts.time_zone`).
    public var timeZone = TimeZone.current

    /// The built-in defaults.
    public init() {}

    /// The rule of `kind`.
    public func rule(_ kind: AlertKind) -> AlertRule {
        switch kind {
        case .bindingsDrop: return bindingsDrop
        case .failuresSpike: return failuresSpike
        case .registrationsSpike: return registrationsSpike
        }
    }

    /// Sets the rule of `kind`.
    public mutating func setRule(_ rule: AlertRule, for kind: AlertKind) {
        switch kind {
        case .bindingsDrop: bindingsDrop = rule
        case .failuresSpike: failuresSpike = rule
        case .registrationsSpike: registrationsSpike = rule
        }
    }
}
