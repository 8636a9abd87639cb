/// Counters of the plugin host since start (for metrics and the benchmark).
public struct PluginHostStatistics: Hashable, Sendable {
    /// Events submitted that every active plugin's queue took (with no plugin active, every
    /// event submitted).
    public var eventsHandled: UInt64 = 0
    /// Events that at least one plugin missed because its queue was full (per plugin:
    /// ``PluginStatus/eventsDropped``).
    public var eventsDropped: UInt64 = 0
    /// Events waiting right now in the fullest plugin queue.
    public var eventsQueued: Int = 0
    /// Decisions handed to the decision sink.
    public var decisions: UInt64 = 0
    /// Plugins switched off because `handle` or `tick` threw or got stuck.
    public var pluginFailures: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}
