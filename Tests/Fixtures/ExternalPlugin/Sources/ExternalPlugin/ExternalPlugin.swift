import SIPWardenPolicy

/// A test plugin exercising every call of the API, steered by its settings:
/// - `ban_seconds` (default 60): each `auth.failed` event bans its source for this long;
/// - `throw_on_kind`: `handle` throws for events of this kind;
/// - `drop`: ranges whose packets `admit` drops;
/// - `refuse_aor`: an AOR whose REGISTER `review` refuses with 403;
/// - `alert_every_tick`: `tick` raises an info alert.
final class ExternalPlugin: PolicyPlugin {
    struct Thrown: Error, CustomStringConvertible {
        let kind: String
        var description: String { "told to throw on \(kind)" }
    }

    let name = "external"
    let version = "1.2.3"
    let wantsAdmission = true
    private let host: any PolicyHost
    private let banSeconds: Int
    private let throwOnKind: String
    private let drop: [IPRange]
    private let refuseAOR: String
    private let alertEveryTick: Bool

    init(configuration: PolicyConfiguration, host: any PolicyHost) throws {
        try configuration.rejectUnknownKeys(["ban_seconds", "throw_on_kind", "drop", "refuse_aor", "alert_every_tick"])
        banSeconds = try configuration.int("ban_seconds", default: 60, range: 1...86_400)
        throwOnKind = try configuration.string("throw_on_kind", default: "")
        drop = try configuration.ranges("drop", default: [])
        refuseAOR = try configuration.string("refuse_aor", default: "")
        alertEveryTick = try configuration.bool("alert_every_tick", default: false)
        self.host = host
        host.log(.info, "external plugin created")
    }

    func admit(_ packet: PacketInfo) -> Admission {
        drop.contains { $0.contains(packet.source) } ? .drop : .accept
    }

    func review(_ attempt: RegisterAttempt) -> Review {
        attempt.aor == refuseAOR ? .refuse(status: 403, reason: "Forbidden by external") : .allow
    }

    func handle(_ event: SecurityEvent) throws -> [Decision] {
        if event.kind == throwOnKind { throw Thrown(kind: event.kind) }
        guard event.kind == SecurityEventKind.authFailed, let source = IPAddress(event.sourceIP),
              !host.isTrusted(source) else { return [] }
        return [.ban(BanRequest(target: IPRange(address: source, prefixLength: source.bitWidth), seconds: banSeconds,
                                reason: "external: auth.failed", evidence: [event]))]
    }

    func tick(nowMilliseconds: Int64) throws -> [Decision] {
        alertEveryTick ? [.alert(Alert(severity: "info", message: "tick at \(nowMilliseconds)"))] : []
    }
}

/// The API version this plugin was built against; the host checks it before anything else.
@_cdecl("sipwarden_policy_api_version")
public func sipwardenPolicyAPIVersion() -> Int32 { PolicyAPI.version }

/// Creates the plugin from its configuration.
@_cdecl("sipwarden_policy_create")
public func sipwardenPolicyCreate(_ request: UnsafeMutableRawPointer) -> Int32 {
    PluginExport.create(request) { configuration, host in try ExternalPlugin(configuration: configuration, host: host) }
}
