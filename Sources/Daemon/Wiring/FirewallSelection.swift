import Configuration
import Firewall
import Logging
import NIOPosix
import SIPWardenPolicy

/// The firewall backend the daemon runs with, and why it was chosen.
struct FirewallSelection {
    /// The backend.
    let backend: any FirewallBackend
    /// The nftables backend, when that is the one (for the drift check and stop).
    let nftables: NFTablesFirewall?
    /// One sentence for the first log lines.
    let explanation: String
    /// The level it is logged at: a warning when `auto` fell back to memory because another
    /// daemon owns the table (a configuration to fix, not a host without nftables).
    var level: Logger.Level = .info

    /// Opens the configured backend holding `bans` (the store's) and `allowed`. For nftables the
    /// table is brought to exactly these in one transaction.
    ///
    /// - Throws: `FirewallSelectionError` when `firewall: nftables` cannot work here.
    static func open(_ configuration: DaemonConfiguration, bans: [FirewallBan], allowed: [IPRange]) throws -> FirewallSelection {
        switch configuration.firewall {
        case .memory:
            return FirewallSelection(
                backend: try memoryBackend(bans: bans, allowed: allowed), nftables: nil,
                explanation: "memory backend, as configured: bans are dropped by the daemon before parsing"
            )
        case .nftables:
            do {
                let nftables = try NFTablesFirewall(options: configuration.nftablesOptions, bans: bans, allowed: allowed)
                return FirewallSelection(backend: nftables, nftables: nftables, explanation: describe(nftables, reason: "as configured"))
            } catch {
                throw FirewallSelectionError(reason: "\(error)")
            }
        case .auto:
            do {
                let nftables = try NFTablesFirewall(options: configuration.nftablesOptions, bans: bans, allowed: allowed)
                return FirewallSelection(backend: nftables, nftables: nftables, explanation: describe(nftables, reason: "auto: netlink and nf_tables are usable"))
            } catch {
                var owned = false
                if case .tableOwned = error { owned = true }
                return FirewallSelection(
                    backend: try memoryBackend(bans: bans, allowed: allowed), nftables: nil,
                    explanation: "memory backend (auto: nftables is not usable here: \(error)); bans are dropped by the daemon before parsing",
                    level: owned ? .warning : .info
                )
            }
        }
    }

    private static func memoryBackend(bans: [FirewallBan], allowed: [IPRange]) throws -> MemoryFirewall {
        let memory = MemoryFirewall()
        try memory.setAllowed(allowed)
        try memory.ban(bans)
        return memory
    }

    private static func describe(_ nftables: NFTablesFirewall, reason: String) -> String {
        let ports = nftables.options.allPorts ? "all ports" : "ports " + nftables.options.ports.map(String.init).joined(separator: ",")
        let reBan = nftables.refreshesTimeoutsOnReAdd ? "re-add refreshes timeouts" : "re-ban deletes and adds (kernel before 6.12)"
        return "nftables backend (\(reason)): table inet \(nftables.options.table), banned sources dropped at prerouting before conntrack on \(ports); \(reBan)"
    }
}

/// `firewall: nftables` was asked for and cannot work.
struct FirewallSelectionError: Error, CustomStringConvertible {
    /// Why not.
    let reason: String

    var description: String { "firewall: nftables cannot be used: \(reason) (set `firewall: memory` or `auto` to run without it)" }
}

extension FirewallSelection {
    /// The periodic drift check: repairs what changed behind the daemon's back, and says so.
    /// Netlink round trips: runs on `BackgroundWork`, never on an event loop.
    static func checkDrift(_ nftables: NFTablesFirewall, logger: Logger) {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "the nftables drift check blocks and must not run on an event loop")
        do {
            for repair in try nftables.verifyAndRepair() {
                logger.warning("firewall drift repaired: \(repair)")
            }
        } catch {
            logger.error("firewall drift check failed", metadata: ["error": "\(error)"])
        }
    }
}
