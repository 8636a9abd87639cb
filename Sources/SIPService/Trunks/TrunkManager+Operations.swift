import ControlAPI
import Registrar
import Store
import TrunkClient

/// What the control API asks of the trunks.
extension TrunkManager {
    /// Every trunk, by name.
    func list() async throws -> [TrunkInfo] {
        try await perform { loop, now in
            loop.trunks.keys.sorted().compactMap { name in loop.trunks[name].flatMap { $0.isRemoved ? nil : $0.info(now: now) } }
        }
    }

    /// One trunk, nil when unknown.
    func show(_ name: String) async throws -> TrunkInfo? {
        try await perform { loop, now in loop.trunks[name].flatMap { $0.isRemoved ? nil : $0.info(now: now) } }
    }

    /// Whether a trunk of that name runs (a removed one still un-REGISTERing counts).
    func contains(_ name: String) async throws -> Bool {
        try await perform { loop, _ in loop.trunks[name] != nil }
    }

    /// Adds a trunk and, when enabled, registers it at once.
    func add(_ stored: StoredTrunk, settings: TrunkSettings, origin: String) async throws -> TrunkInfo {
        try await perform { loop, now in
            var random = SystemRandomNumberGenerator()
            let client = TrunkClient(settings: settings, timing: loop.timing, enabled: false, now: now, random: &random)
            loop.trunks[stored.name] = TrunkRecord(client: client, origin: origin, stored: stored)
            // A registrar that does not resolve now leaves the client without an address: it
            // is enabled anyway, and the trunk thread's next round retries the lookup.
            if stored.enabled {
                loop.prepare(stored.name, now: now)
            }
            if stored.enabled, var record = loop.trunks[stored.name] {
                let actions = record.client.enable(now: now, random: &loop.random)
                loop.trunks[stored.name] = record
                loop.perform(actions, trunk: stored.name, now: now)
            }
            return loop.trunks[stored.name]?.info(now: now) ?? TrunkInfo(name: stored.name, origin: origin, registrar: stored.registrar, username: stored.username, state: "registering")
        }
    }

    /// Enables, disables or refreshes a trunk; nil when unknown.
    func command(_ name: String, _ command: TrunkCommand) async throws -> TrunkInfo? {
        try await perform { loop, now in
            guard var record = loop.trunks[name], !record.isRemoved else { return nil }
            var actions: [TrunkAction] = []
            switch command {
            case .enable, .refresh:
                record.resolvedAt = nil  // look the carrier up again
                loop.trunks[name] = record
                loop.prepare(name, now: now)
                record = loop.trunks[name] ?? record
                actions = command == .enable
                    ? record.client.enable(now: now, random: &loop.random) : record.client.refresh(now: now, random: &loop.random)
                record.stored.enabled = true
            case .disable:
                actions = record.client.disable(reason: "disabled by the operator", now: now, random: &loop.random)
                record.stored.enabled = false
            }
            loop.trunks[name] = record
            loop.perform(actions, trunk: name, now: now)
            return loop.trunks[name]?.info(now: now)
        }
    }

    /// Un-REGISTERs a trunk and drops it once that is done; false when unknown.
    func remove(_ name: String) async throws -> Bool {
        try await perform { loop, now in
            guard var record = loop.trunks[name], !record.isRemoved else { return false }
            let actions = record.client.disable(reason: "removed by the operator", now: now, random: &loop.random)
            record.isRemoved = true
            loop.trunks[name] = record
            loop.perform(actions, trunk: name, now: now)
            return true
        }
    }

    /// How many trunks are in each state, for stats and metrics.
    func stateCounts() async throws -> [String: Int] {
        try await perform { loop, _ in
            var counts: [String: Int] = [:]
            for state in TrunkState.allCases { counts[state.rawValue] = 0 }
            for record in loop.trunks.values where !record.isRemoved { counts[record.client.status.state.rawValue, default: 0] += 1 }
            return counts
        }
    }
}
