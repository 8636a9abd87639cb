import SIPWardenPolicy

/// What `MemoryFirewall` guards with its lock: bans keyed for O(1) lookups, and the allowed
/// ranges.
struct MemoryFirewallState {
    /// Single-address bans: address -> expiry (ms).
    private(set) var addresses: [IPAddress: Int64] = [:]
    /// Range bans: range -> expiry (ms).
    private(set) var ranges: [IPRange: Int64] = [:]
    /// How many range bans have each prefix length, per family (4 and 6).
    private var lengthCounts: [Bool: [Int: Int]] = [false: [:], true: [:]]
    /// The prefix lengths present among IPv4 range bans, longest first.
    private(set) var ipv4Lengths: [Int] = []
    /// The prefix lengths present among IPv6 range bans, longest first.
    private(set) var ipv6Lengths: [Int] = []
    /// Ranges never blocked.
    var allowed: [IPRange] = []

    /// Single and range bans held, lapsed ones not swept yet included.
    var count: Int { addresses.count + ranges.count }

    /// Whether `target` has an entry (in force or lapsed).
    func contains(_ target: IPRange) -> Bool {
        target.isSingleAddress ? addresses[target.network] != nil : ranges[target] != nil
    }

    /// The expiry of the ban in force that covers `address` at `now` (the exact address
    /// first, then ranges from the narrowest), or nil.
    func blockingBan(_ address: IPAddress, now: Int64) -> FirewallBan? {
        if let expiry = addresses[address], expiry > now {
            return FirewallBan(target: IPRange(address: address, prefixLength: address.bitWidth), expiresAtMilliseconds: expiry)
        }
        for length in address.isIPv6 ? ipv6Lengths : ipv4Lengths {
            let range = IPRange(address: address, prefixLength: length)
            if let expiry = ranges[range], expiry > now {
                return FirewallBan(target: range, expiresAtMilliseconds: expiry)
            }
        }
        return nil
    }

    /// Whether an allowed range contains `address`.
    func isAllowed(_ address: IPAddress) -> Bool {
        allowed.contains { $0.contains(address) }
    }

    /// Adds a ban, keeping the later expiry when the target is banned already.
    mutating func insert(_ ban: FirewallBan) {
        let target = ban.target
        if target.isSingleAddress {
            addresses[target.network] = max(addresses[target.network] ?? .min, ban.expiresAtMilliseconds)
            return
        }
        if let existing = ranges[target] {
            ranges[target] = max(existing, ban.expiresAtMilliseconds)
            return
        }
        ranges[target] = ban.expiresAtMilliseconds
        adjustLength(of: target, by: 1)
    }

    /// Removes the ban on exactly `target`; returns its expiry when there was one.
    @discardableResult
    mutating func remove(_ target: IPRange) -> Int64? {
        if target.isSingleAddress { return addresses.removeValue(forKey: target.network) }
        guard let expiry = ranges.removeValue(forKey: target) else { return nil }
        adjustLength(of: target, by: -1)
        return expiry
    }

    /// Removes every ban lapsed at `now`; returns them.
    mutating func removeLapsed(now: Int64) -> [FirewallBan] {
        var lapsed: [FirewallBan] = []
        for (address, expiry) in addresses where expiry <= now {
            lapsed.append(FirewallBan(target: IPRange(address: address, prefixLength: address.bitWidth), expiresAtMilliseconds: expiry))
        }
        for (range, expiry) in ranges where expiry <= now {
            lapsed.append(FirewallBan(target: range, expiresAtMilliseconds: expiry))
        }
        for ban in lapsed { remove(ban.target) }
        return lapsed
    }

    /// Every ban in force at `now`.
    func active(now: Int64) -> [FirewallBan] {
        var result: [FirewallBan] = []
        for (address, expiry) in addresses where expiry > now {
            result.append(FirewallBan(target: IPRange(address: address, prefixLength: address.bitWidth), expiresAtMilliseconds: expiry))
        }
        for (range, expiry) in ranges where expiry > now {
            result.append(FirewallBan(target: range, expiresAtMilliseconds: expiry))
        }
        return result
    }

    private mutating func adjustLength(of range: IPRange, by delta: Int) {
        let family = range.network.isIPv6
        let length = range.prefixLength
        let updated = (lengthCounts[family]?[length] ?? 0) + delta
        lengthCounts[family]?[length] = updated > 0 ? updated : nil
        // Longest first: the narrowest ban is found first, and most bans are narrow.
        let lengths = (lengthCounts[family] ?? [:]).keys.sorted(by: >)
        if family { ipv6Lengths = lengths } else { ipv4Lengths = lengths }
    }
}
