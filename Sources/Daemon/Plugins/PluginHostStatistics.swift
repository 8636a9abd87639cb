/// Counters of the plugin host since start (for metrics and the benchmark).
public struct PluginHostStatistics: Hashable, Sendable {
    /// Events taken off the queue and handed to the plugins.
    public var eventsHandled: UInt64 = 0
    /// Events refused because the queue was full.
    public var eventsDropped: UInt64 = 0
    /// Events waiting in the queue right now.
    public var eventsQueued: Int = 0
    /// Decisions handed to the decision sink.
    public var decisions: UInt64 = 0
    /// Plugins switched off because `handle` or `tick` threw.
    public var pluginFailures: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}
