/// A policy plugin: reads events, answers with decisions.
///
/// Threads: ``admit(_:)`` and ``review(_:)`` are called on any thread, concurrently, and must
/// be fast and thread-safe; ``handle(_:)`` and ``tick(nowMilliseconds:)`` are called one at a
/// time on the plugin host's queue. A plugin whose `handle` or `tick` throws is disabled.
public protocol PolicyPlugin: AnyObject, Sendable {
    /// The plugin's name, e.g. "bruteforce"; matches its policy file.
    var name: String { get }
    /// The plugin's own version, shown by `sipwardenctl plugins list`.
    var version: String { get }
    /// Whether ``admit(_:)`` should be called at all (it is on the per-packet path). Default false.
    var wantsAdmission: Bool { get }
    /// The hot path: asked about every packet before it is parsed, on any thread. Default accept.
    func admit(_ packet: PacketInfo) -> Admission
    /// Asked, on any thread, before an authenticated REGISTER is accepted. Default allow.
    func review(_ attempt: RegisterAttempt) -> Review
    /// Handles one event; called serially on the plugin host's queue.
    func handle(_ event: SecurityEvent) throws -> [Decision]
    /// Called about once a second, serially with ``handle(_:)``. Default no decisions.
    func tick(nowMilliseconds: Int64) throws -> [Decision]
}

extension PolicyPlugin {
    /// Default: the plugin does not look at packets.
    public var wantsAdmission: Bool { false }
    /// Default: accept.
    public func admit(_ packet: PacketInfo) -> Admission { .accept }
    /// Default: allow.
    public func review(_ attempt: RegisterAttempt) -> Review { .allow }
    /// Default: no decisions.
    public func tick(nowMilliseconds: Int64) throws -> [Decision] { [] }
}
