/// Where one alert kind stands after the last minute the engine saw (for `/metrics` and
/// `sipwardenctl alerts`).
public struct AlertState: Hashable, Sendable, Codable {
    /// The kind.
    public var kind: AlertKind
    /// Whether it is raised now.
    public var raised: Bool
    /// When the figure left the band (the raised alert's `since`), if it is outside now or raised.
    public var since: Int64?
    /// The figure in the last minute seen; nil before the first.
    public var observed: Double?
    /// The baseline of the last minute seen; nil while still learning.
    public var baseline: Baseline?

    /// Creates a state.
    public init(kind: AlertKind, raised: Bool, since: Int64?, observed: Double?, baseline: Baseline?) {
        self.kind = kind
        self.raised = raised
        self.since = since
        self.observed = observed
        self.baseline = baseline
    }
}
