/// An alert raised or cleared by the engine: what it saw, what it expected, since when.
///
/// JSON (the webhook's body, the `detail` of the `alert.raised` / `alert.cleared` events):
/// `{"event":"alert.raised","alert":"bindings_drop","observed":412,"expected":980,
/// "deviation":60,"percent":-58,"since":1700000520,"minute":1700000640,"basis":"...","message":"..."}`.
public struct AlertEvent: Hashable, Sendable, Codable {
    /// Raised or cleared.
    public enum Change: String, Hashable, Sendable, Codable {
        case raised, cleared
    }

    /// Whether the alert was raised or cleared.
    public var change: Change
    /// Which alert.
    public var kind: AlertKind
    /// The figure in the minute that raised or cleared it.
    public var observed: Double
    /// What the baseline expected in that minute.
    public var expected: Double
    /// The band's deviation in that minute.
    public var deviation: Double
    /// How far the figure was from the expected value, percent of it (negative below it).
    public var percent: Double
    /// The first minute outside the band (seconds since the epoch).
    public var since: Int64
    /// The minute that raised or cleared the alert.
    public var minute: Int64
    /// Which baseline slot the expectation came from.
    public var basis: String
    /// One line for a human, e.g. `active bindings 412, expected 980 ± 60 (-58 %) since 14:02`.
    public var message: String

    /// The security event kind this is: `alert.raised` or `alert.cleared`.
    public var eventKind: String { change == .raised ? "alert.raised" : "alert.cleared" }

    /// Creates an event.
    public init(change: Change, kind: AlertKind, observed: Double, expected: Double, deviation: Double, percent: Double,
                since: Int64, minute: Int64, basis: String, message: String) {
        self.change = change
        self.kind = kind
        self.observed = observed
        self.expected = expected
        self.deviation = deviation
        self.percent = percent
        self.since = since
        self.minute = minute
        self.basis = basis
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case change = "event", kind = "alert", observed, expected, deviation, percent, since, minute, basis, message
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let event = try c.decode(String.self, forKey: .change)
        switch event {
        case "alert.raised": change = .raised
        case "alert.cleared": change = .cleared
        default: throw DecodingError.dataCorruptedError(forKey: .change, in: c, debugDescription: "'\(event)' is neither alert.raised nor alert.cleared")
        }
        kind = try c.decode(AlertKind.self, forKey: .kind)
        observed = try c.decode(Double.self, forKey: .observed)
        expected = try c.decode(Double.self, forKey: .expected)
        deviation = try c.decode(Double.self, forKey: .deviation)
        percent = try c.decode(Double.self, forKey: .percent)
        since = try c.decode(Int64.self, forKey: .since)
        minute = try c.decode(Int64.self, forKey: .minute)
        basis = try c.decode(String.self, forKey: .basis)
        message = try c.decode(String.self, forKey: .message)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(eventKind, forKey: .change)
        try c.encode(kind, forKey: .kind)
        try c.encode(observed, forKey: .observed)
        try c.encode(expected, forKey: .expected)
        try c.encode(deviation, forKey: .deviation)
        try c.encode(percent, forKey: .percent)
        try c.encode(since, forKey: .since)
        try c.encode(minute, forKey: .minute)
        try c.encode(basis, forKey: .basis)
        try c.encode(message, forKey: .message)
    }
}
