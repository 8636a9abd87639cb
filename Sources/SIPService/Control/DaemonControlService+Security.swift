import ControlAPI
import ControlServer
import Foundation
import PluginHost
import Registrar
import SIPWardenPolicy
import Store

/// The control API's ban and plugin routes, answered from the security coordinator.
extension DaemonControlService {
    func bans() async throws -> [BanInfo] {
        let now = SystemClock.now()
        return try security.bans().sorted { $0.target < $1.target }.map { Self.info($0, now: now) }
    }

    func addBan(_ request: BanAddRequest) async throws -> BanInfo {
        guard let target = IPRange(request.target) else {
            throw ControlServiceError(status: 400, message: "'\(request.target)' is not an address or CIDR range",
                                      hint: "e.g. 192.0.2.7, 198.51.100.0/24 or 2001:db8::/48")
        }
        let now = SystemClock.now()
        guard let stored = try security.ban(target, seconds: request.seconds, reason: request.reason,
                                            source: request.effectiveSource, evidence: [], now: now) else {
            throw ControlServiceError(status: 409, message: "\(target) is in a trusted range and is never banned",
                                      hint: "remove it from `trusted` in the configuration first")
        }
        audit("ban.add", "ban added", [
            "target": "\(target)", "seconds": "\(request.seconds)", "reason": "\(request.reason)", "source": "\(request.effectiveSource)",
            "expires_in": "\(now.secondsUntil(stored.expiresAt))",
        ])
        return Self.info(stored, now: now)
    }

    func removeBan(target: String) async throws -> Bool {
        guard let range = IPRange(target) else { return false }
        let removed = try security.unban(range, reason: "lifted by the operator", source: "operator", now: SystemClock.now())
        if removed { audit("ban.remove", "ban removed", ["target": "\(range)"]) }
        return removed
    }

    func banWhy(target: String) async throws -> BanWhyResponse? {
        let now = SystemClock.now()
        let blocking: StoredBan?
        if let exact = try security.ban(target: target) {
            blocking = exact
        } else if let address = IPRange(target).flatMap({ $0.isSingleAddress ? $0.network : nil }) {
            blocking = try security.bans()
                .compactMap { ban in IPRange(ban.target).map { (ban, $0) } }
                .filter { $0.1.contains(address) }
                .max { $0.1.prefixLength < $1.1.prefixLength }?.0
        } else {
            blocking = nil
        }
        guard let blocking else { return nil }
        let evidence = (try? BanEvidenceEvent.decodeArray(fromJSON: blocking.evidenceJSON)) ?? []
        return BanWhyResponse(ban: Self.info(blocking, now: now), evidence: evidence)
    }

    func plugins() async throws -> [PluginInfo] {
        (security.plugins?.plugins ?? []).map(Self.info)
    }

    /// Reloads; when a changed policy file could not be applied (its plugin keeps its last good
    /// configuration), answers 422 naming each file's error instead of the list.
    func reloadPlugins() async throws -> [PluginInfo] {
        let statuses = security.plugins?.reload() ?? []
        let stale = statuses.filter { $0.stale != nil }
        guard stale.isEmpty else {
            audit("plugins.reload", "policy reload refused; last good configuration kept", ["stale": "\(stale.map(\.name).joined(separator: ","))"])
            let errors = stale.map { "\($0.name): \($0.stale ?? "")" }.joined(separator: "; ")
            throw ControlServiceError(
                status: 422,
                message: "policy reload not fully applied: \(errors); \(stale.count == 1 ? "that plugin keeps" : "those plugins keep") running with \(stale.count == 1 ? "its" : "their") last good configuration",
                hint: "fix the file named, then run 'sipwardenctl plugins reload' again; 'sipwardenctl plugins list' shows the stale plugins")
        }
        let plugins = statuses.map(Self.info)
        audit("plugins.reload", "policy plugins reloaded", [
            "plugins": "\(plugins.count)", "loaded": "\(plugins.filter { $0.state == "loaded" }.map(\.name).joined(separator: ","))",
        ])
        return plugins
    }

    private static func info(_ ban: StoredBan, now: Timestamp) -> BanInfo {
        BanInfo(
            address: ban.target, expiresIn: Int(now.secondsUntil(ban.expiresAt)), reason: ban.reason, source: ban.source,
            createdAt: date(ban.createdAt), expiresAt: date(ban.expiresAt),
            evidenceCount: (try? BanEvidenceEvent.decodeArray(fromJSON: ban.evidenceJSON))?.count ?? 0
        )
    }

    private static func info(_ status: PluginStatus) -> PluginInfo {
        let (state, detail): (String, String?) = switch status.state {
        case .loaded: ("loaded", nil)
        case .disabled(let reason): ("disabled", reason)
        case .failed(let error): ("failed", error)
        }
        return PluginInfo(
            name: status.name, version: status.version, file: status.file, state: state, detail: detail,
            source: status.onDefaults ? "defaults" : "file", policyFile: status.onDefaults ? nil : status.policyFile,
            enforce: status.enforce, stale: status.stale, eventsHandled: status.eventsHandled, eventsDropped: status.eventsDropped,
            decisions: status.decisions, restarts: status.restarts, lastExit: status.lastExit)
    }

    static func protection(_ status: PluginStatus) -> ProtectionInfo {
        let state = switch status.state {
        case .loaded: "loaded"
        case .disabled: "disabled"
        case .failed: "failed"
        }
        return ProtectionInfo(name: status.name, state: state, source: status.onDefaults ? "defaults" : "file",
                              enforce: status.enforce, stale: status.stale)
    }
}
