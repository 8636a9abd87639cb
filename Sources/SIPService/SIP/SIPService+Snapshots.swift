import Registrar

/// Copies of the location service for listings and rounds (console pages, `registrations
/// list`, exports, keepalive rounds, stats), taken without holding the registrar lock for long:
/// REGISTERs wait for that lock, and copying 100,000 bindings in one hold kept them waiting tens
/// of milliseconds each time.
extension SIPService {
    /// Slots copied per hold of the registrar lock.
    static let snapshotChunk = 2048

    /// Every binding alive at `now`, copied `snapshotChunk` slots per hold of the registrar
    /// lock. Not one atomic snapshot: a binding refreshed during the copy is listed once (before
    /// or after the refresh); one added or removed meanwhile may or may not be listed, and one
    /// removed and registered again into a later slot during the copy may be listed twice.
    func liveBindings(now: Timestamp) -> [Binding] {
        var live: [Binding] = []
        var start = 0
        while true {
            let (chunk, slots) = state.withLock { state in
                (state.registrar.location.liveBindings(now: now, slots: start..<(start + Self.snapshotChunk)),
                 state.registrar.location.slotCount)
            }
            live.append(contentsOf: chunk)
            start += Self.snapshotChunk
            if start >= slots { return live }
        }
    }

    /// How many bindings and AORs are alive at `now` (one hold of the lock, nothing copied).
    func liveCounts(now: Timestamp) -> (bindings: Int, aors: Int) {
        state.withLock { $0.registrar.location.liveCounts(now: now) }
    }
}
