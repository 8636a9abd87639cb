import Foundation
import Logging
import Registrar
import SIPCore
import SIPWardenPolicy
import Store
import TrunkClient

/// The trunk thread's state: every trunk's state machine, the transactions in flight, the
/// sockets. Confined to that one thread (`TrunkManager` hands it jobs), hence unchecked.
final class TrunkLoop: @unchecked Sendable {
    var trunks: [String: TrunkRecord] = [:]
    var pending: [String: TrunkPendingSend] = [:]
    var random = SystemRandomNumberGenerator()
    /// Set by `stop`: the loop ends once no un-REGISTER is in flight, or at this time.
    var stopDeadline: Timestamp?
    let security: SecurityCoordinator
    let logger: Logger
    let bindIPv4: String
    let bindIPv6: String
    /// The timing rules every trunk uses.
    let timing: TrunkTiming
    /// The nameserver to ask instead of resolv.conf's (`trunk_nameserver`), nil for the system's.
    let nameserver: TrunkEndpoint?
    var socket4: TrunkSocket?
    var socket6: TrunkSocket?
    /// How long resolved targets are reused before a new attempt resolves again.
    static let resolutionLifetime: Int64 = 60_000

    init(security: SecurityCoordinator, logger: Logger, bindIPv4: String, bindIPv6: String, timing: TrunkTiming, nameserver: TrunkEndpoint?) {
        self.timing = timing
        self.nameserver = nameserver
        self.security = security
        self.logger = logger
        self.bindIPv4 = bindIPv4
        self.bindIPv6 = bindIPv6
    }

    /// The socket for `destination`'s family, opened on first use.
    func socket(for destination: TrunkEndpoint) -> TrunkSocket? {
        if destination.isIPv6 {
            if socket6 == nil { socket6 = open(bindIPv6) }
            return socket6
        }
        if socket4 == nil { socket4 = open(bindIPv4) }
        return socket4
    }

    private func open(_ host: String) -> TrunkSocket? {
        do {
            let socket = try TrunkSocket(host: host)
            logger.info("trunks: sending REGISTERs from \(socket.local.description)")
            return socket
        } catch {
            logger.error("trunks: cannot open the trunk socket", metadata: ["error": "\(error)"])
            return nil
        }
    }

    // MARK: - Resolution

    /// Resolves the trunk's next hop (and registrar, for trust) when its targets are missing
    /// or old, and tells the client its local address. False when nothing resolved.
    @discardableResult
    func prepare(_ name: String, now: Timestamp) -> Bool {
        guard var record = trunks[name] else { return false }
        if let resolvedAt = record.resolvedAt, !record.targets.isEmpty, now.milliseconds - resolvedAt.milliseconds < Self.resolutionLifetime {
            return true
        }
        let settings = record.client.settings
        let hop = settings.nextHop
        switch TrunkResolver.resolve(host: hop.host, port: hop.port, transport: settings.transport, nameserver: nameserver) {
        case .failure(let error):
            record.targets = []
            trunks[name] = record
            let actions = record.client.status.state == .disabled ? [] : failResolution(name, error.description, now: now)
            perform(actions, trunk: name, now: now)
            return false
        case .success(let targets):
            record.targets = targets
            record.resolvedAt = now
            var trusted = targets.compactMap { IPAddress($0.ip) }.map { IPRange(address: $0, prefixLength: $0.isIPv6 ? 128 : 32) }
            if settings.outboundProxy != nil,
                case .success(let registrars) = TrunkResolver.resolve(
                    host: settings.registrar.host, port: settings.registrar.port, transport: settings.transport, nameserver: nameserver)
            {
                trusted += registrars.compactMap { IPAddress($0.ip) }.map { IPRange(address: $0, prefixLength: $0.isIPv6 ? 128 : 32) }
            }
            var seen = Set<IPRange>()
            trusted = trusted.filter { seen.insert($0).inserted }
            if trusted != record.trusted {
                record.trusted = trusted
                do { try security.setTrunkTrusted(name, trusted) } catch {
                    logger.error("trunks: the firewall refused the trunk's trusted addresses", metadata: ["trunk": "\(name)", "error": "\(error)"])
                }
            }
            let first = targets[min(record.client.currentTarget, targets.count - 1)]
            let socket = socket(for: first)
            let host = socket?.sourceAddress(toward: first) ?? socket?.local.ip ?? bindIPv4
            record.client.setTransport(local: TrunkAddress(host: host, port: socket?.local.port ?? 0), targets: targets.count)
            trunks[name] = record
            return true
        }
    }

    private func failResolution(_ name: String, _ reason: String, now: Timestamp) -> [TrunkAction] {
        guard var record = trunks[name] else { return [] }
        let actions = record.client.resolutionFailed(reason: reason, now: now, random: &random)
        trunks[name] = record
        return actions
    }

    // MARK: - Actions

    /// Carries out a client's actions (sends, events), and what the client answers to a
    /// failed send, until nothing is left.
    func perform(_ actions: [TrunkAction], trunk name: String, now: Timestamp) {
        var work = actions
        while !work.isEmpty {
            let action = work.removeFirst()
            guard var record = trunks[name] else { return }
            switch action {
            case .event(let event):
                report(event, record: record, now: now)
            case .send(let request, let target):
                let branch = request.via.first?.branch ?? ""
                guard target < record.targets.count, let socket = socket(for: record.targets[target]) else {
                    work += record.client.transportFailed(branch: branch, reason: "no resolved address to send to", now: now, random: &random)
                    trunks[name] = record
                    continue
                }
                let destination = record.targets[target]
                let bytes = request.serialize()
                if let error = socket.send(bytes, to: destination) {
                    work += record.client.transportFailed(branch: branch, reason: "sending to \(destination.description): \(error)", now: now, random: &random)
                    trunks[name] = record
                    continue
                }
                pending = pending.filter { $0.value.trunk != name }
                pending[branch] = TrunkPendingSend(trunk: name, bytes: bytes, destination: destination, now: now)
            }
        }
    }

    /// Logs a trunk event and records it as a security event.
    func report(_ event: TrunkEvent, record: TrunkRecord, now: Timestamp) {
        let settings = record.client.settings
        let target = record.targets.isEmpty ? nil : record.targets[min(record.client.currentTarget, record.targets.count - 1)]
        let kind: String
        let detail: String
        var contact: String?
        switch event {
        case .registered(let expires, let registered):
            kind = SecurityEventKind.trunkRegistered
            detail = "\(settings.name): registered for \(expires) s"
            contact = registered
            logger.info("trunk registered", metadata: ["trunk": "\(settings.name)", "expires": "\(expires)", "contact": "\(registered)"])
        case .failed(_, let reason):
            kind = SecurityEventKind.trunkFailed
            detail = "\(settings.name): \(reason)"
            logger.warning("trunk registration failed", metadata: ["trunk": "\(settings.name)", "reason": "\(reason)"])
        case .rejected(_, let reason):
            kind = SecurityEventKind.trunkRejected
            detail = "\(settings.name): \(reason)"
            logger.error("trunk rejected", metadata: ["trunk": "\(settings.name)", "reason": "\(reason)"])
        case .unregistered(let reason):
            kind = SecurityEventKind.trunkUnregistered
            detail = "\(settings.name): \(reason)"
            contact = record.client.status.contact
            logger.info("trunk unregistered", metadata: ["trunk": "\(settings.name)", "reason": "\(reason)"])
        }
        security.recordTrunkEvents([
            SecurityEvent(
                timeMilliseconds: now.milliseconds, kind: kind, sourceIP: target?.ip ?? "", sourcePort: Int(target?.port ?? 0),
                transport: target == nil ? "" : settings.transport.viaToken, aor: settings.aor, username: settings.digestUsername,
                contact: contact, detail: detail)
        ])
    }

    // MARK: - The loop's work

    /// One datagram from a socket: a response to one of our transactions, or ignored.
    func handle(_ bytes: [UInt8], now: Timestamp) {
        guard case .response(let response)? = try? SIPParser.parse(bytes),
            let top = response.headers.values("Via").first, let branch = (try? Via.parse(top))?.branch,
            var transaction = pending[branch], var record = trunks[transaction.trunk], response.callID == record.client.callID
        else { return }
        if response.statusCode < 200 {
            transaction.interval = TrunkPendingSend.t2
            transaction.nextRetransmit = Timestamp(milliseconds: now.milliseconds + TrunkPendingSend.t2)
            pending[branch] = transaction
            return
        }
        pending[branch] = nil
        let actions = record.client.receive(response, now: now, random: &random)
        trunks[transaction.trunk] = record
        perform(actions, trunk: transaction.trunk, now: now)
    }

    /// Retransmissions, timeouts and due REGISTERs; returns the next time there is work.
    func runTimers(now: Timestamp) -> Timestamp? {
        for (branch, transaction) in pending where transaction.deadline <= now {
            pending[branch] = nil
            guard var record = trunks[transaction.trunk] else { continue }
            let actions = record.client.timedOut(branch: branch, now: now, random: &random)
            trunks[transaction.trunk] = record
            perform(actions, trunk: transaction.trunk, now: now)
        }
        for (branch, var transaction) in pending where transaction.nextRetransmit <= now {
            _ = socket(for: transaction.destination)?.send(transaction.bytes, to: transaction.destination)
            transaction.interval = min(transaction.interval * 2, TrunkPendingSend.t2)
            transaction.nextRetransmit = Timestamp(milliseconds: now.milliseconds + transaction.interval)
            pending[branch] = transaction
        }
        if stopDeadline == nil {
            for name in trunks.keys.sorted() {
                guard let due = trunks[name]?.client.nextDeadline, due <= now else { continue }
                guard prepare(name, now: now), var record = trunks[name] else { continue }
                let actions = record.client.tick(now: now, random: &random)
                trunks[name] = record
                perform(actions, trunk: name, now: now)
            }
        }
        // Removed trunks go once their un-REGISTER is done.
        for (name, record) in trunks where record.isRemoved && !pending.values.contains(where: { $0.trunk == name }) {
            trunks[name] = nil
            do { try security.setTrunkTrusted(name, []) } catch {
                logger.error("trunks: the firewall refused to drop a removed trunk's addresses", metadata: ["trunk": "\(name)", "error": "\(error)"])
            }
        }
        var next = pending.values.map { min($0.nextRetransmit, $0.deadline) }.min()
        if stopDeadline == nil {
            for record in trunks.values {
                if let due = record.client.nextDeadline { next = min(next ?? due, due) }
            }
        }
        return next
    }

    /// Whether a stopping loop is done: every un-REGISTER answered or timed out, or the deadline passed.
    func isDone(now: Timestamp) -> Bool {
        guard let stopDeadline else { return false }
        return pending.isEmpty || now >= stopDeadline
    }
}
