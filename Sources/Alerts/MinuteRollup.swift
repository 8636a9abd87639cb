/// One minute of registration activity, as the alert engine reads it.
public struct MinuteRollup: Hashable, Sendable, Codable {
    /// The minute's start, seconds since the Unix epoch (a multiple of 60).
    public var minute: Int64
    /// Active bindings at the end of the minute.
    public var activeBindings: Int
    /// Accepted REGISTERs in the minute: new bindings and refreshes.
    public var registrations: Int
    /// Failed registration attempts in the minute (wrong password, unknown user, stale nonce,
    /// ACL denials, refusals).
    public var failures: Int

    /// Creates a rollup.
    public init(minute: Int64, activeBindings: Int, registrations: Int, failures: Int) {
        self.minute = minute
        self.activeBindings = activeBindings
        self.registrations = registrations
        self.failures = failures
    }
}
