/// A policy plugin: reads events, answers with decisions.
///
/// ## Threading rules
///
/// | Call | Thread | Concurrency | Guarded |
/// |---|---|---|---|
/// | `init` (the plugin's `sipwarden_policy_create`) | the thread loading plugins (start, `plugins reload`) | one plugin at a time | no |
/// | ``admit(_:)`` | a SIP event loop (any of them) | concurrently with everything, itself included | no |
/// | ``review(_:)`` | a SIP event loop (any of them) | concurrently with everything, itself included | no |
/// | ``handle(_:)`` | the plugin's own worker thread | serially with `handle` and `tick` | stall watchdog |
/// | ``tick(nowMilliseconds:)`` | the plugin's own worker thread | serially with `handle` and `tick` | stall watchdog |
///
/// - No call is made while the daemon holds a lock of its own: in particular ``review(_:)``
///   runs after the registrar decided the REGISTER may be reviewed and before it changes
///   anything, outside the registrar's lock. So every ``PolicyHost`` function may be called
///   from every call above, on the thread it runs on, without deadlock.
/// - ``admit(_:)`` and ``review(_:)`` are on the packet path: they must be fast, thread-safe
///   and never block (a plugin stuck there stalls the event loop that asked; nothing can
///   interrupt it). Keep their state behind your own locks or atomics, and never hold one of
///   your locks while you wait for another thread.
/// - ``handle(_:)`` and ``tick(nowMilliseconds:)`` may take their time: each plugin has its own
///   worker and bounded queue (a policy file's `queue`), so a slow plugin delays only itself; when
///   its queue is full its events are dropped and counted (`plugins list`: dropped). A call that
///   throws, or does not return within the stall timeout (5 s), disables the plugin with a
///   `plugin.failed` event naming the reason; a stuck worker is abandoned.
/// - Decisions are carried out after the call returned, on the worker's thread: a worker that
///   handled several queued events hands their decisions on together, so bans from separate
///   events share store transactions and firewall batches (up to 32 bans each). A ban is in
///   force (and `ban.added` recorded) once it is durable.
/// - Plugins' decisions never call back into the plugin synchronously; a reported event
///   (`Decision.report`) arrives later through ``handle(_:)`` like any other.
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
    /// Handles one event; called serially on the plugin's worker thread.
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
