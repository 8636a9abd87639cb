import SIPWardenPolicy

/// A source seen over its packet budget in a window, noted on the hot path and turned into a
/// `rate.exceeded` report (and perhaps a ban) on the next tick.
struct ExcessSighting: Sendable, Equatable {
    /// The source address.
    var address: IPAddress
    /// The source port of the packet that ran over.
    var port: Int
    /// Its transport.
    var transport: String
    /// When, milliseconds.
    var timeMilliseconds: Int64
    /// The source's live bindings at the time.
    var bindings: Int
}
