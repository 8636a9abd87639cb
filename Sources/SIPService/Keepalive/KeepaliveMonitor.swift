import Configuration
import Logging
import NIOCore
import Registrar
import SIPCore
import SIPWardenPolicy
import Synchronization

/// NAT keepalive and reachability (`keepalive.*`): every `interval` seconds it probes the
/// bindings it targets — an OPTIONS over UDP, sent from the listening socket so the phone's
/// NAT pinhole stays open, or an RFC 5626 CRLFCRLF ping down the phone's TCP connection (a
/// connection that is gone counts as a miss) — and matches the answers by Call-ID.
///
/// A binding that misses `max_misses` probes in a row is marked unreachable
/// (`register.unreachable`); one that then answers (or REGISTERs) is reachable again
/// (`register.reachable`); one still unreachable after `remove_after` seconds is removed,
/// persisted, and reported as `register.removed` with detail `unreachable`. The decisions
/// are `KeepaliveTable`'s; this class does the I/O and reads the clock.
final class KeepaliveMonitor: Sendable {
    let configuration: KeepaliveConfiguration
    private let table = Mutex(KeepaliveTable())
    private let udpChannels = Mutex<[any Channel]>([])
    private let logger: Logger

    init(configuration: KeepaliveConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Adds a UDP listener probes may leave from (the first of each address family is used).
    func addUDPListener(_ channel: any Channel) {
        udpChannels.withLock { $0.append(channel) }
    }

    /// The keepalive state of a binding, if it is probed.
    func state(of key: BindingKey) -> KeepaliveTable.Entry? {
        table.withLock { $0.entries[key] }
    }

    /// Every probed binding's state.
    func states() -> [BindingKey: KeepaliveTable.Entry] {
        table.withLock { $0.entries }
    }

    /// Handles a SIP response that reached a listener: an answer to one of our probes marks
    /// its binding alive; anything else is ignored (we send no other requests).
    func handle(_ response: SIPResponse, from source: SourceAddress, service: SIPService) {
        guard let callID = response.callID else { return }
        let now = SystemClock.now()
        guard let answer = table.withLock({ $0.answered(callID: callID, now: now) }) else { return }
        if answer.becameReachable {
            service.security.record([event(SecurityEventKind.registerReachable, key: answer.key, source: source, transport: "UDP",
                                           now: now, detail: "answered OPTIONS with \(response.statusCode)")])
        }
    }

    /// One round: probe every target binding, report the unreachable, remove the long gone.
    func tick(service: SIPService) {
        let now = SystemClock.now()
        let live = service.liveBindings(now: now)
        var byKey: [BindingKey: Binding] = [:]
        var targets: [KeepaliveTable.Target] = []
        for binding in live where configuration.targets == .all || binding.nat {
            let key = BindingKey(aor: binding.aor, contactKey: binding.contactKey)
            byKey[key] = binding
            let connected = binding.transport == .tcp && service.tcpConnections.connection(from: binding.source) != nil
            targets.append(.init(key: key, transport: binding.transport, connected: connected, refreshedAt: binding.updatedAt))
        }
        let outcome = table.withLock {
            $0.tick(targets, now: now, maxMisses: configuration.maxMisses, removeAfterMilliseconds: configuration.removeAfter * 1000) {
                "ka-" + KeepaliveProbe.randomToken(20) + "@sipwarden"
            }
        }
        sendProbes(outcome.probes.compactMap { probe in byKey[probe.key].map { ($0, probe.callID) } })
        for key in outcome.pings {
            guard let binding = byKey[key], let channel = service.tcpConnections.connection(from: binding.source) else { continue }
            channel.writeAndFlush(channel.allocator.buffer(bytes: [13, 10, 13, 10]), promise: nil)
        }
        var events: [SecurityEvent] = []
        for (key, misses) in outcome.unreachable {
            guard let binding = byKey[key] else { continue }
            events.append(event(SecurityEventKind.registerUnreachable, binding: binding, now: now, detail: "\(misses) keepalives missed"))
        }
        for key in outcome.reachable {
            guard let binding = byKey[key] else { continue }
            events.append(event(SecurityEventKind.registerReachable, binding: binding, now: now, detail: "alive again"))
        }
        service.security.record(events)
        let doomed = outcome.remove.compactMap { byKey[$0] }
        if !doomed.isEmpty {
            let removed = service.removeBindings(doomed, reason: "unreachable", now: now) { [logger] error in
                if let error { logger.error("unreachable bindings not removed from the store", metadata: ["error": "\(error)"]) }
            }
            service.security.record(removed.map { event(SecurityEventKind.registerRemoved, binding: $0, now: now, detail: "unreachable") })
            logger.notice("removed unreachable bindings", metadata: ["count": "\(removed.count)"])
        }
    }

    private func sendProbes(_ probes: [(Binding, String)]) {
        guard !probes.isEmpty else { return }
        let channels = udpChannels.withLock { $0 }
        for (binding, callID) in probes {
            let wantsIPv6 = binding.source.isIPv6
            guard let channel = channels.first(where: { ($0.localAddress?.protocol == .inet6) == wantsIPv6 }),
                  let local = channel.localAddress, let localPort = local.port
            else { continue }
            let destination = SocketAddress(binding.source)
            let bytes = KeepaliveProbe.options(
                contact: binding.contact, aor: binding.aor, callID: callID, local: (local.ipAddress ?? "0.0.0.0", localPort),
                branch: KeepaliveProbe.branchPrefix + KeepaliveProbe.randomToken(), tag: KeepaliveProbe.randomToken(8)
            )
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
    }

    private func event(_ kind: String, binding: Binding, now: Timestamp, detail: String) -> SecurityEvent {
        SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: kind, sourceIP: binding.source.ip, sourcePort: binding.source.port,
            transport: binding.transport.rawValue, aor: binding.aor, userAgent: binding.userAgent, contact: binding.contact, detail: detail
        )
    }

    private func event(_ kind: String, key: BindingKey, source: SourceAddress, transport: String, now: Timestamp, detail: String) -> SecurityEvent {
        SecurityEvent(
            timeMilliseconds: now.milliseconds, kind: kind, sourceIP: source.ip, sourcePort: source.port, transport: transport,
            aor: key.aor, detail: detail
        )
    }
}
