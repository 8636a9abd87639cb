import ControlAPI

/// The `trunk list` table.
enum TrunkTable {
    /// One row per trunk: name, state, registrar, user, granted expiry, next attempt, failures, last failure.
    static func render(_ trunks: [TrunkInfo]) -> String {
        var table = TextTable(headers: ["NAME", "STATE", "REGISTRAR", "USER", "GRANTED", "NEXT", "FAILURES", "LAST FAILURE", "PUBLIC", "ORIGIN"])
        for trunk in trunks {
            let failure = trunk.lastFailureReason.map { reason in trunk.lastFailureCode.map { _ in reason } ?? reason } ?? "-"
            table.append([
                trunk.name, trunk.state, trunk.registrar, trunk.username, trunk.grantedExpires.map { "\($0)s" } ?? "-",
                trunk.nextAttempt ?? "-", String(trunk.consecutiveFailures), failure, trunk.publicAddress ?? "-", trunk.origin,
            ])
        }
        return table.render()
    }
}
