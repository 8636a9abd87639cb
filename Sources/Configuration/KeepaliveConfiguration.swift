/// NAT keepalive and reachability (`keepalive.*`): which bindings the daemon probes, how
/// often, and when a silent one is marked unreachable and removed.
public struct KeepaliveConfiguration: Sendable, Equatable {
    /// Which bindings are probed (`keepalive.targets`).
    public enum Targets: String, Sendable, Equatable, CaseIterable {
        /// Only bindings flagged NATed (their Contact differs from the source address).
        case nat
        /// Every binding.
        case all
    }

    /// Whether keepalives are sent at all (`keepalive.enabled`).
    public var enabled = false
    /// Seconds between probes of one binding (`keepalive.interval`).
    public var interval: Int64 = 30
    /// Probes missed in a row before a binding is marked unreachable (`keepalive.max_misses`).
    public var maxMisses = 3
    /// Seconds a binding stays unreachable before it is removed (`keepalive.remove_after`);
    /// 0 keeps unreachable bindings until they lapse.
    public var removeAfter: Int64 = 300
    /// Which bindings are probed (`keepalive.targets`).
    public var targets = Targets.nat

    /// The defaults: off; when on, NATed bindings every 30 s, unreachable after 3 misses,
    /// removed 5 minutes later.
    public init() {}
}
