import Registrar
import SIPWardenPolicy
import Store

/// Bulk ban imports (issue 10): a blocklist applied through the same store and firewall path as
/// plugin bans, in batches, with one summary event instead of one `ban.added` per ban.
extension SecurityCoordinator {
    /// Bans per store transaction and firewall batch of an import. The store has one writer,
    /// shared with the registrar's binding commits (every 200 OK waits for one): a batch must
    /// stay short enough that they never wait long behind it, and large enough that 100,000
    /// bans are not 100,000 / 32 round trips.
    static let bansPerImportBatch = 500

    /// Whether `target` may never be banned: a single address in a trusted range (as for
    /// `ban add` and plugin bans; a range is banned, and the trusted addresses in it are let
    /// through by the firewall's allowed set).
    func refusesBan(_ target: IPRange) -> Bool {
        target.isSingleAddress && isTrusted(target.network)
    }

    /// Bans `targets` for `seconds` each, a store transaction and a firewall batch per
    /// ``bansPerImportBatch``, single addresses first and ranges last (a batch naming a range
    /// rewrites its family's range set). Repeated targets are applied once. Returns how many
    /// were added, extended, left as they were (banned longer already) and skipped. A failed
    /// batch throws, leaving the batches before it applied.
    func importBans(_ targets: [IPRange], seconds: Int, reason: String, source: String, now: Timestamp) throws -> BanImportCounts {
        var counts = BanImportCounts()
        var seen = Set<IPRange>()
        seen.reserveCapacity(targets.count)
        var singles: [BanRequest] = []
        var ranges: [BanRequest] = []
        for target in targets {
            guard seen.insert(target).inserted else {
                counts.skipped += 1
                continue
            }
            let request = BanRequest(target: target, seconds: seconds, reason: reason, evidence: [])
            if target.isSingleAddress { singles.append(request) } else { ranges.append(request) }
        }
        let expiresAt = now.adding(seconds: Int64(max(1, seconds)))
        let ordered = singles + ranges
        for start in stride(from: 0, to: ordered.count, by: Self.bansPerImportBatch) {
            let batch = Array(ordered[start..<min(start + Self.bansPerImportBatch, ordered.count)])
            for stored in try ban(batch, source: source, now: now, announce: false) {
                guard let stored else {
                    counts.skipped += 1  // trusted since the import was checked
                    continue
                }
                if stored.createdAt.milliseconds >= now.milliseconds {
                    counts.added += 1  // new, or replacing a lapsed ban
                } else if stored.expiresAt.milliseconds > expiresAt.milliseconds {
                    counts.alreadyBanned += 1
                } else {
                    counts.extended += 1
                }
            }
        }
        return counts
    }
}
