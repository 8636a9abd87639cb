/// A real User-Agent kept in the devices file with the identity it must normalise to; the
/// tests replay every sample, and the daemon checks them when it loads the file.
public struct DeviceSample: Hashable, Sendable {
    /// The User-Agent as a device sends it.
    public var userAgent: String
    /// What it must normalise to.
    public var expected: DeviceIdentity

    /// Creates a sample.
    public init(userAgent: String, expected: DeviceIdentity) {
        self.userAgent = userAgent
        self.expected = expected
    }
}
