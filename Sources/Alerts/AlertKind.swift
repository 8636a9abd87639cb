/// What an alert watches: one figure of the per-minute rollups and the direction that is an anomaly.
public enum AlertKind: String, CaseIterable, Hashable, Sendable, Codable {
    /// Active bindings fell below their band (a network problem, a dead access router, a carrier outage).
    case bindingsDrop = "bindings_drop"
    /// Failed registrations per minute rose above their band (a password guesser, a misprovisioned fleet).
    case failuresSpike = "failures_spike"
    /// Registrations per minute rose above their band (a flood, a re-registration storm).
    case registrationsSpike = "registrations_spike"

    /// Whether the anomaly is a value below the band (else above it).
    public var isDrop: Bool { self == .bindingsDrop }

    /// How the figure reads in an alert's message.
    public var figure: String {
        switch self {
        case .bindingsDrop: return "active bindings"
        case .failuresSpike: return "failures"
        case .registrationsSpike: return "registrations"
        }
    }

    /// The unit after the figure's value ("/min" for rates).
    public var unit: String { self == .bindingsDrop ? "" : "/min" }

    /// The figure's value in a rollup.
    public func value(of rollup: MinuteRollup) -> Double {
        switch self {
        case .bindingsDrop: return Double(rollup.activeBindings)
        case .failuresSpike: return Double(rollup.failures)
        case .registrationsSpike: return Double(rollup.registrations)
        }
    }
}
