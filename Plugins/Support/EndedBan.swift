import SIPWardenPolicy

/// Shared by the shipped plugins: which ban a `ban.removed` or `ban.expired` event ended, so a
/// plugin can forget that it banned the address and ban it again at its next offence.
public enum EndedBan {
    /// The single address whose ban the event ended; nil for other kinds and for range bans.
    ///
    /// The daemon puts the address in `source_ip` when the ban was of one address, and the target
    /// first in `detail` (`TARGET: REASON`) always. A range ban (`192.0.2.0/24`) ending is nil on
    /// purpose: the shipped plugins ban single addresses only, each its own stored ban, and
    /// lifting a range lifts only that exact range, never the single-address bans inside it.
    public static func address(in event: SecurityEvent) -> IPAddress? {
        guard event.kind == SecurityEventKind.banRemoved || event.kind == SecurityEventKind.banExpired else { return nil }
        let target: IPRange?
        if !event.sourceIP.isEmpty {
            target = IPRange(event.sourceIP)
        } else if let first = event.detail?.split(separator: " ", maxSplits: 1).first, first.hasSuffix(":") {
            target = IPRange(String(first.dropLast()))
        } else {
            target = nil
        }
        guard let target, target.isSingleAddress else { return nil }
        return target.network
    }

    /// Whether the event is a `ban.removed` or `ban.expired` (a plugin handles these, and no
    /// other rule of it should look at them).
    public static func isBanEnd(_ event: SecurityEvent) -> Bool {
        event.kind == SecurityEventKind.banRemoved || event.kind == SecurityEventKind.banExpired
    }
}
