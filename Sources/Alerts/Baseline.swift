/// What the engine expects of a figure in a minute, and where the expectation comes from.
public struct Baseline: Hashable, Sendable, Codable {
    /// The expected value (the slot's weighted mean).
    public var expected: Double
    /// The deviation the band uses: the slot's weighted mean absolute deviation, at least the rule's floor.
    public var deviation: Double
    /// Minutes the slot has learned from.
    public var samples: Int
    /// The slot, for a human: "Thursdays 14:00-15:00" or "14:00-15:00 on any day".
    public var basis: String

    /// Creates a baseline.
    public init(expected: Double, deviation: Double, samples: Int, basis: String) {
        self.expected = expected
        self.deviation = deviation
        self.samples = samples
        self.basis = basis
    }
}
