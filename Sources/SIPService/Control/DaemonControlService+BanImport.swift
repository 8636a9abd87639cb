import ControlAPI
import ControlServer
import Foundation
import Registrar
import SIPWardenPolicy

/// `POST /v1/bans/import`: a blocklist banned in batches through the security coordinator,
/// answered after the last store commit.
extension DaemonControlService {
    func importBans(_ request: BanImportRequest) async throws -> BanImportResponse {
        let started = ContinuousClock.now
        var targets: [IPRange] = []
        targets.reserveCapacity(request.targets.count)
        var refused: [(index: Int, problem: String)] = []
        var refusedCount = 0
        for (index, text) in request.targets.enumerated() {
            guard let target = IPRange(text) else {
                throw ControlServiceError(status: 400, message: "targets[\(index)]: '\(text)' is not an address or CIDR range",
                                          hint: "nothing was banned; e.g. 192.0.2.7, 198.51.100.0/24 or 2001:db8::/48")
            }
            // The refusal `ban add` makes (409 there), for every target before any is banned.
            if security.refusesBan(target) {
                refusedCount += 1
                if refused.count < BanImportRequest.namedProblems {
                    refused.append((index, "\(text) is in a trusted range and is never banned"))
                }
            }
            targets.append(target)
        }
        guard refusedCount == 0 else {
            throw ControlServiceError(
                status: 400, message: BanImportRequest.refusal(refused, count: refusedCount, of: request.targets.count, why: "trusted"),
                hint: "remove those entries from the list (or the range from `trusted`) and import again")
        }
        let now = SystemClock.now()
        let source = request.effectiveSource
        let security = self.security
        let ranges = targets
        // Seconds of store and netlink work: on a thread of its own, not a cooperative one.
        let counts = try await Self.onOwnThread {
            try security.importBans(ranges, seconds: request.seconds, reason: request.reason, source: source, now: now)
        }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let applied = counts.added + counts.extended
        security.record([SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: SecurityEventKind.banImported, sourceIP: "", sourcePort: 0, transport: "",
            username: source,
            detail: "\(request.targets.count) targets for \(request.seconds)s (\(counts.added) added, \(counts.extended) extended, "
                + "\(counts.alreadyBanned) already banned longer, \(counts.skipped) skipped): \(request.reason)")])
        audit("ban.import", "bans imported", [
            "targets": "\(request.targets.count)", "added": "\(counts.added)", "extended": "\(counts.extended)",
            "already_banned": "\(counts.alreadyBanned)", "skipped": "\(counts.skipped)", "applied": "\(applied)",
            "seconds": "\(request.seconds)", "reason": "\(request.reason)", "source": "\(source)", "milliseconds": "\(milliseconds)",
        ])
        return BanImportResponse(
            targets: request.targets.count, added: counts.added, extended: counts.extended, alreadyBanned: counts.alreadyBanned,
            skipped: counts.skipped, seconds: request.seconds, milliseconds: milliseconds)
    }
}
