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
    /// The TCP trunks' connections, by trunk name (kept open between refreshes).
    var connections: [String: TrunkConnection] = [:]
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
            if record.client.settings.transport == .tcp { attachConnection(name) }
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
            var trusted = targets.map { IPRange(address: $0.address, prefixLength: $0.address.bitWidth) }
            if settings.outboundProxy != nil,
                case .success(let registrars) = TrunkResolver.resolve(
                    host: settings.registrar.host, port: settings.registrar.port, transport: settings.transport, nameserver: nameserver)
            {
                trusted += registrars.map { IPRange(address: $0.address, prefixLength: $0.address.bitWidth) }
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
            if settings.transport == .tcp {
                trunks[name] = record
                attachConnection(name)
                return true
            }
            let socket = socket(for: first)
            let host = socket?.sourceAddress(toward: first) ?? socket?.local.ip ?? bindIPv4
            record.client.setTransport(local: TrunkAddress(host: host, port: socket?.local.port ?? 0), targets: targets.count)
            trunks[name] = record
            return true
        }
    }

    /// A TCP trunk: connects to its current target unless already connected there, and tells
    /// the client the connection's local address. When the connect fails the client gets the
    /// bind address with port 0; the send then tries again and reports the transport error.
    private func attachConnection(_ name: String) {
        guard var record = trunks[name], !record.targets.isEmpty else { return }
        let target = record.targets[min(record.client.currentTarget, record.targets.count - 1)]
        let connection = connection(name, to: target)
        let local = connection.map { TrunkAddress(host: $0.local.ip, port: $0.local.port) }
            ?? TrunkAddress(host: target.isIPv6 ? bindIPv6 : bindIPv4, port: 0)
        record.client.setTransport(local: local, targets: record.targets.count)
        trunks[name] = record
    }

    /// The trunk's connection to `destination`: the open one, or a new one (replacing one to
    /// another address); nil, logged, when connecting fails.
    func connection(_ name: String, to destination: TrunkEndpoint) -> TrunkConnection? {
        if let open = connections[name], open.remote == destination { return open }
        connections[name] = nil
        do {
            let connection = try TrunkConnection(to: destination, bindHost: destination.isIPv6 ? bindIPv6 : bindIPv4)
            connections[name] = connection
            logger.info("trunks: connected over TCP", metadata: ["trunk": "\(name)", "local": "\(connection.local.description)", "remote": "\(destination.description)"])
            return connection
        } catch {
            logger.warning("trunks: cannot connect over TCP", metadata: ["trunk": "\(name)", "error": "\(error)"])
            return nil
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
                guard target < record.targets.count else {
                    work += record.client.transportFailed(branch: branch, reason: "no resolved address to send to", now: now, random: &random)
                    trunks[name] = record
                    continue
                }
                let destination = record.targets[target]
                let bytes = request.serialize()
                if record.client.settings.transport == .tcp {
                    guard let connection = connection(name, to: destination) else {
                        work += record.client.transportFailed(branch: branch, reason: "cannot connect over TCP to \(destination.description)", now: now, random: &random)
                        trunks[name] = record
                        continue
                    }
                    if let error = connection.send(bytes) {
                        connections[name] = nil
                        work += record.client.transportFailed(branch: branch, reason: "sending over TCP to \(destination.description): \(error)", now: now, random: &random)
                        trunks[name] = record
                        continue
                    }
                    pending = pending.filter { $0.value.trunk != name }
                    pending[branch] = TrunkPendingSend(trunk: name, bytes: bytes, destination: destination, now: now, isReliable: true)
                    continue
                }
                guard let socket = socket(for: destination) else {
                    work += record.client.transportFailed(branch: branch, reason: "no UDP socket to send from", now: now, random: &random)
                    trunks[name] = record
                    continue
                }
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
    func handle(_ bytes: [UInt8], now: Timestamp, isStream: Bool = false) {
        guard case .response(let response)? = try? SIPParser.parse(bytes, isStream: isStream),
            let top = response.headers.values("Via").first, let branch = (try? Via.parse(top))?.branch,
            var transaction = pending[branch], var record = trunks[transaction.trunk], response.callID == record.client.callID
        else { return }
        if response.statusCode < 200 {
            transaction.provisionalReceived(now: now)
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
        for (branch, var transaction) in pending where transaction.isRetransmitDue(now: now) {
            _ = socket(for: transaction.destination)?.send(transaction.bytes, to: transaction.destination)
            transaction.retransmitted(now: now)
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
        // A disabled or removed TCP trunk's connection closes once its un-REGISTER is done.
        for name in connections.keys where !pending.values.contains(where: { $0.trunk == name }) && trunks[name]?.client.isEnabled != true {
            connections[name] = nil
            logger.info("trunks: TCP connection closed", metadata: ["trunk": "\(name)"])
        }
        var next = pending.values.map { min($0.nextRetransmit, $0.deadline) }.min()
        if stopDeadline == nil {
            for record in trunks.values {
                if let due = record.client.nextDeadline { next = min(next ?? due, due) }
            }
        }
        return next
    }

    /// A TCP trunk's connection is readable: its responses, then, when the connection is
    /// finished, a transport error for the transaction in flight or, between refreshes, a
    /// REGISTER after the backoff (a new connection).
    func readConnection(_ name: String, now: Timestamp) {
        guard let connection = connections[name] else { return }
        let (messages, closed) = connection.receive()
        for message in messages { handle(message, now: now, isStream: true) }
        guard let closed, connections[name] === connection else { return }
        connections[name] = nil
        logger.warning("trunks: TCP connection lost", metadata: ["trunk": "\(name)", "reason": "\(closed)"])
        guard var record = trunks[name] else { return }
        var actions: [TrunkAction]
        if let branch = record.client.pendingBranch {
            pending[branch] = nil
            actions = record.client.transportFailed(branch: branch, reason: "TCP to \(connection.remote.description): \(closed)", now: now, random: &random)
        } else {
            actions = record.client.connectionLost(reason: "TCP to \(connection.remote.description): \(closed)", now: now, random: &random)
        }
        trunks[name] = record
        perform(actions, trunk: name, now: now)
    }

    /// Whether a stopping loop is done: every un-REGISTER answered or timed out, or the deadline passed.
    func isDone(now: Timestamp) -> Bool {
        guard let stopDeadline else { return false }
        return pending.isEmpty || now >= stopDeadline
    }
}
