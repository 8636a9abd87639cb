import SIPWardenPolicy

/// What the nftables backend believes is in its table: the daemon's own view, kept so that
/// nothing ever has to dump a large set.
struct NFTablesState {
    /// Single-address bans (sets ban4 and ban6) and when each lapses, ms since the epoch.
    var singles: [IPRange: Int64] = [:]
    /// Range bans (sets bannet4 and bannet6) and when each lapses.
    var ranges: [IPRange: Int64] = [:]
    /// The allowed (never blocked) ranges.
    var allowed: [IPRange] = []
    /// The rule handles of our chains as last installed, to notice rules changed by hand.
    var ruleHandles: [String: [UInt64]] = [:]
    /// Where the drift check's next sample of single-address bans starts, per family.
    var sampleCursor: [Int: Int] = [4: 0, 6: 0]
    /// Whether re-adding an element refreshes its timeout (kernels from 6.12).
    var refreshesTimeouts = true
}
