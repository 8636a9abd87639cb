import Registrar
import Synchronization

/// Bindings that ended recently — lapsed, removed as unreachable, or forced out by an
/// operator — kept for `registrar.expired_retention` seconds so `registrations list --status
/// expired` can show who dropped off. In memory only: a restart forgets them.
///
/// Bounded: at most `capacity` entries, the oldest dropped first, so a mass expiry cannot
/// grow it without limit.
final class EndedBindings: Sendable {
    /// One ended binding.
    struct Entry: Sendable {
        /// The binding as it was when it ended.
        var binding: Binding
        /// When it ended.
        var endedAt: Timestamp
        /// Why: "expired", "unreachable" or "forced_out".
        var reason: String
    }

    private let retentionMilliseconds: Int64
    private let capacity: Int
    private let entries = Mutex<[Entry]>([])

    /// Keeps entries `retentionSeconds`, at most `capacity` of them.
    init(retentionSeconds: Int64, capacity: Int = 100_000) {
        retentionMilliseconds = retentionSeconds * 1000
        self.capacity = capacity
    }

    /// Records bindings that ended at `now`.
    func record(_ bindings: [Binding], reason: String, now: Timestamp) {
        guard retentionMilliseconds > 0, !bindings.isEmpty else { return }
        entries.withLock { entries in
            let keys = Set(bindings.map { BindingKey(aor: $0.aor, contactKey: $0.contactKey) })
            entries.removeAll { keys.contains(BindingKey(aor: $0.binding.aor, contactKey: $0.binding.contactKey)) }
            entries += bindings.map { Entry(binding: $0, endedAt: now, reason: reason) }
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        }
    }

    /// The entries still within the retention at `now` (oldest first), pruning the rest.
    /// Bindings whose key is in `live` (the phone registered again) are left out.
    func current(now: Timestamp, excluding live: Set<BindingKey>) -> [Entry] {
        let cutoff = now.milliseconds - retentionMilliseconds
        return entries.withLock { entries in
            if let firstKept = entries.firstIndex(where: { $0.endedAt.milliseconds > cutoff }) {
                if firstKept > 0 { entries.removeFirst(firstKept) }
            } else {
                entries.removeAll()
            }
            return entries.filter { !live.contains(BindingKey(aor: $0.binding.aor, contactKey: $0.binding.contactKey)) }
        }
    }
}

/// A binding's identity: its AOR and normalized contact.
struct BindingKey: Hashable, Sendable {
    /// The AOR.
    var aor: String
    /// The normalized contact URI.
    var contactKey: String
}
