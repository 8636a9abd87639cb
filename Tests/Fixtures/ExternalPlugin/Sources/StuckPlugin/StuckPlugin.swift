#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPWardenPolicy

/// A misbehaving plugin, for the end-to-end tests of the host's guards, steered by its settings:
/// - `mode: loop`: the first event of kind `on_kind` (default: any event) never returns from
///   `handle` (it sleeps in a loop forever, so a stuck test does not burn a CPU);
/// - `mode: slow`: every `handle` takes `sleep_ms` (default 300) milliseconds, well under the
///   stall timeout, so its queue backs up under load and drops events.
final class StuckPlugin: PolicyPlugin {
    let name = "stuck"
    let version = "1.0.0"
    private let loops: Bool
    private let onKind: String
    private let sleepMicroseconds: UInt32

    init(configuration: PolicyConfiguration, host: any PolicyHost) throws {
        try configuration.rejectUnknownKeys(["mode", "on_kind", "sleep_ms"])
        let mode = try configuration.string("mode", default: "loop")
        guard mode == "loop" || mode == "slow" else {
            throw PolicyConfigurationError(file: "", key: "mode", value: mode, message: "use loop or slow")
        }
        loops = mode == "loop"
        onKind = try configuration.string("on_kind", default: "")
        sleepMicroseconds = UInt32(try configuration.int("sleep_ms", default: 300, range: 1...4_000)) * 1000
        host.log(.info, "stuck plugin created: mode \(mode)")
    }

    func handle(_ event: SecurityEvent) throws -> [Decision] {
        if loops {
            guard onKind.isEmpty || event.kind == onKind else { return [] }
            while true { usleep(100_000) }
        }
        usleep(sleepMicroseconds)
        return []
    }
}

/// The API version this plugin was built against; the host checks it before anything else.
@_cdecl("sipwarden_policy_api_version")
public func sipwardenPolicyAPIVersion() -> Int32 { PolicyAPI.version }

/// Creates the plugin from its configuration.
@_cdecl("sipwarden_policy_create")
public func sipwardenPolicyCreate(_ request: UnsafeMutableRawPointer) -> Int32 {
    PluginExport.create(request) { configuration, host in try StuckPlugin(configuration: configuration, host: host) }
}
