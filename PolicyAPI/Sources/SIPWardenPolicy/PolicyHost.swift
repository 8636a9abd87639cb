/// What the daemon offers a plugin. Every call is thread-safe and cheap, and may be made from
/// any plugin call (`init`, `admit`, `review`, `handle`, `tick`) on any thread: the daemon
/// never calls a plugin while it holds a lock a host function takes (see ``PolicyPlugin``).
public protocol PolicyHost: AnyObject, Sendable {
    /// Writes a line to the daemon's log, tagged with the plugin. Plugins log through this,
    /// never through a logging library of their own (which would bypass the daemon's handler).
    func log(_ level: PolicyLogLevel, _ message: String)
    /// Whether the address is in the operator's trusted ranges. Those are never banned
    /// whatever a plugin decides; a plugin may skip work for them.
    func isTrusted(_ address: IPAddress) -> Bool
    /// How many authenticated live bindings were registered from this address.
    func liveBindingCount(from address: IPAddress) -> Int
    /// The host's clock, milliseconds since the Unix epoch (tests drive it).
    func nowMilliseconds() -> Int64
}
