import SIPWardenPolicy
import Synchronization

/// A plugin that calls every `PolicyHost` function from every plugin call: `admit`, `review`,
/// `handle` and `tick` (and its initializer). It decides nothing; each tick it raises an info
/// alert with how many calls of each kind went through the host, so a test can see that they
/// all ran, in a daemon under load, without deadlock:
/// `hostprobe calls: admit=A review=R handle=H tick=T host=N`.
final class HostProbePlugin: PolicyPlugin {
    let name = "hostprobe"
    let version = "1.0.0"
    let wantsAdmission = true
    private let host: any PolicyHost
    private let admits = Atomic<Int>(0)
    private let reviews = Atomic<Int>(0)
    private let handles = Atomic<Int>(0)
    private let ticks = Atomic<Int>(0)
    /// Host calls made, all functions together.
    private let hostCalls = Atomic<Int>(0)
    /// The largest `liveBindingCount` answer seen (a review sees the phone's own earlier bindings).
    private let largestCount = Atomic<Int>(0)

    init(configuration: PolicyConfiguration, host: any PolicyHost) throws {
        try configuration.rejectUnknownKeys([])
        self.host = host
        callEveryHostFunction(IPAddress("127.0.0.1"), from: "init")
    }

    func admit(_ packet: PacketInfo) -> Admission {
        admits.add(1, ordering: .relaxed)
        callEveryHostFunction(packet.source, from: nil)
        return .accept
    }

    func review(_ attempt: RegisterAttempt) -> Review {
        reviews.add(1, ordering: .relaxed)
        callEveryHostFunction(attempt.source, from: nil)
        return .allow
    }

    func handle(_ event: SecurityEvent) throws -> [Decision] {
        handles.add(1, ordering: .relaxed)
        callEveryHostFunction(IPAddress(event.sourceIP), from: nil)
        return []
    }

    func tick(nowMilliseconds: Int64) throws -> [Decision] {
        let ticked = ticks.add(1, ordering: .relaxed).newValue
        callEveryHostFunction(IPAddress("127.0.0.1"), from: "tick")
        let message = "hostprobe calls: admit=\(admits.load(ordering: .relaxed)) review=\(reviews.load(ordering: .relaxed)) "
            + "handle=\(handles.load(ordering: .relaxed)) tick=\(ticked) host=\(hostCalls.load(ordering: .relaxed)) "
            + "largest_binding_count=\(largestCount.load(ordering: .relaxed))"
        return [.alert(Alert(severity: "info", message: message))]
    }

    /// `log`, `isTrusted`, `liveBindingCount` and `nowMilliseconds`, each once (`log` only when
    /// `from` is given: per packet it would flood the daemon's log).
    private func callEveryHostFunction(_ address: IPAddress?, from: String?) {
        let address = address ?? IPAddress("127.0.0.1")
        if let from { host.log(.debug, "hostprobe: host called from \(from)") }
        var calls = from == nil ? 0 : 1
        if let address {
            _ = host.isTrusted(address)
            let count = host.liveBindingCount(from: address)
            calls += 2
            var seen = largestCount.load(ordering: .relaxed)
            while count > seen {
                let (exchanged, original) = largestCount.compareExchange(expected: seen, desired: count, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
        }
        _ = host.nowMilliseconds()
        calls += 1
        hostCalls.add(calls, ordering: .relaxed)
    }
}

/// The API version this plugin was built against; the host checks it before anything else.
@_cdecl("sipwarden_policy_api_version")
public func sipwardenPolicyAPIVersion() -> Int32 { PolicyAPI.version }

/// Creates the plugin from its configuration.
@_cdecl("sipwarden_policy_create")
public func sipwardenPolicyCreate(_ request: UnsafeMutableRawPointer) -> Int32 {
    PluginExport.create(request) { configuration, host in try HostProbePlugin(configuration: configuration, host: host) }
}
