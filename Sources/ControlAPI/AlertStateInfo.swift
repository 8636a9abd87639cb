/// Where one of the alert engine's alerts stands now (`GET /v1/alerts`, `sipwardenctl alerts`,
/// `/metrics`).
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `alert` | string | `bindings_drop`, `failures_spike` or `registrations_spike` |
/// | `raised` | boolean | whether it is raised now |
/// | `since` | string or null | RFC 3339 UTC: when the figure left its band, while it is outside or raised |
/// | `observed` | number or null | the figure in the last minute seen |
/// | `expected`, `deviation` | number or null | the baseline of that minute; null while it is still learning |
/// | `basis` | string or null | the baseline's slot, e.g. `Thursdays 14:00-15:00` or `14:00-15:00 on any day` |
public struct AlertStateInfo: Codable, Hashable, Sendable {
    /// The alert's name.
    public var alert: String
    /// Whether it is raised.
    public var raised: Bool
    /// When the figure left its band.
    public var since: String?
    /// The last minute's figure.
    public var observed: Double?
    /// What the baseline expected.
    public var expected: Double?
    /// The band's deviation.
    public var deviation: Double?
    /// The baseline's slot.
    public var basis: String?

    /// Creates a state.
    public init(alert: String, raised: Bool, since: String?, observed: Double?, expected: Double?, deviation: Double?, basis: String?) {
        self.alert = alert
        self.raised = raised
        self.since = since
        self.observed = observed
        self.expected = expected
        self.deviation = deviation
        self.basis = basis
    }

    /// Encodes every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alert, forKey: .alert)
        try c.encode(raised, forKey: .raised)
        try c.encode(since, forKey: .since)
        try c.encode(observed, forKey: .observed)
        try c.encode(expected, forKey: .expected)
        try c.encode(deviation, forKey: .deviation)
        try c.encode(basis, forKey: .basis)
    }
}
