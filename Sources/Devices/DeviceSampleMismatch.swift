/// A sample of the devices file that the rules do not normalise as the sample says.
public struct DeviceSampleMismatch: Hashable, Sendable, CustomStringConvertible {
    /// The sample.
    public var sample: DeviceSample
    /// What the rules made of it.
    public var actual: DeviceIdentity

    /// Creates a mismatch.
    public init(sample: DeviceSample, actual: DeviceIdentity) {
        self.sample = sample
        self.actual = actual
    }

    public var description: String {
        "'\(sample.userAgent)' normalises to \(actual), the sample expects \(sample.expected)"
    }
}
