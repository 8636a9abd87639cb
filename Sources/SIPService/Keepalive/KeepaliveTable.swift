import Registrar

/// The keepalive state of every probed binding, as pure logic: given the bindings due at a
/// tick and the answers received, it says which probes to send and which bindings became
/// unreachable, reachable again, or are to be removed. The monitor does the I/O and keeps
/// the clock.
struct KeepaliveTable: Sendable {
    /// One binding's keepalive state.
    struct Entry: Sendable, Equatable {
        /// Probes missed in a row.
        var misses = 0
        /// The Call-ID of the probe awaiting an answer, if any (UDP).
        var outstanding: String?
        /// When the binding last showed life (an answer, a live TCP connection, a REGISTER).
        var lastAnswer: Timestamp?
        /// When it was marked unreachable; nil while reachable.
        var unreachableSince: Timestamp?
        /// The binding's `updatedAt` when last seen: a later one means the phone REGISTERed.
        var lastRefresh: Timestamp?
    }

    /// A binding due for a probe.
    struct Target: Sendable {
        /// Which binding.
        var key: BindingKey
        /// UDP bindings get an OPTIONS; TCP ones a CRLFCRLF ping on their connection.
        var transport: Transport
        /// For TCP: whether the phone's connection is still open (a closed one is a miss).
        var connected: Bool
        /// The binding's last REGISTER.
        var refreshedAt: Timestamp
    }

    /// What a tick decided.
    struct TickOutcome: Sendable {
        /// UDP probes to send: the binding and the probe's Call-ID.
        var probes: [(key: BindingKey, callID: String)] = []
        /// TCP bindings whose connection is open: ping them.
        var pings: [BindingKey] = []
        /// Bindings that just reached the miss limit, with their miss count.
        var unreachable: [(key: BindingKey, misses: Int)] = []
        /// Bindings that showed life again after being unreachable.
        var reachable: [BindingKey] = []
        /// Bindings unreachable for longer than the removal delay.
        var remove: [BindingKey] = []
    }

    private(set) var entries: [BindingKey: Entry] = [:]
    private var callIDs: [String: BindingKey] = [:]

    /// One round over `targets` (the bindings probed now; the others are forgotten).
    mutating func tick(
        _ targets: [Target], now: Timestamp, maxMisses: Int, removeAfterMilliseconds: Int64, makeCallID: () -> String
    ) -> TickOutcome {
        var outcome = TickOutcome()
        var next: [BindingKey: Entry] = [:]
        next.reserveCapacity(targets.count)
        for target in targets {
            var entry = entries[target.key] ?? Entry(lastRefresh: target.refreshedAt)
            if let outstanding = entry.outstanding {
                callIDs[outstanding] = nil
                entry.outstanding = nil
                entry.misses += 1
            }
            if target.transport == .tcp {
                if target.connected { Self.alive(&entry, now: now, reachable: &outcome.reachable, key: target.key) } else { entry.misses += 1 }
            }
            if let seen = entry.lastRefresh, target.refreshedAt > seen {
                Self.alive(&entry, now: now, reachable: &outcome.reachable, key: target.key)  // it REGISTERed
            }
            entry.lastRefresh = target.refreshedAt
            if entry.misses >= maxMisses, entry.unreachableSince == nil {
                entry.unreachableSince = now
                outcome.unreachable.append((target.key, entry.misses))
            }
            if let since = entry.unreachableSince, removeAfterMilliseconds > 0,
               now.milliseconds - since.milliseconds >= removeAfterMilliseconds {
                outcome.remove.append(target.key)
                continue
            }
            switch target.transport {
            case .udp:
                let callID = makeCallID()
                entry.outstanding = callID
                callIDs[callID] = target.key
                outcome.probes.append((target.key, callID))
            case .tcp:
                if target.connected { outcome.pings.append(target.key) }
            }
            next[target.key] = entry
        }
        for (key, entry) in entries where next[key] == nil {
            if let outstanding = entry.outstanding { callIDs[outstanding] = nil }
        }
        entries = next
        return outcome
    }

    /// Records an answer to the probe with `callID`; returns its binding and whether it was
    /// unreachable until now, or nil when no probe of ours has that Call-ID.
    mutating func answered(callID: String, now: Timestamp) -> (key: BindingKey, becameReachable: Bool)? {
        guard let key = callIDs.removeValue(forKey: callID), var entry = entries[key] else { return nil }
        entry.outstanding = nil
        var reachable: [BindingKey] = []
        Self.alive(&entry, now: now, reachable: &reachable, key: key)
        entries[key] = entry
        return (key, !reachable.isEmpty)
    }

    /// Whether `callID` is one of our outstanding probes.
    func isOutstanding(_ callID: String) -> Bool { callIDs[callID] != nil }

    private static func alive(_ entry: inout Entry, now: Timestamp, reachable: inout [BindingKey], key: BindingKey) {
        entry.misses = 0
        entry.lastAnswer = now
        if entry.unreachableSince != nil {
            entry.unreachableSince = nil
            reachable.append(key)
        }
    }
}
