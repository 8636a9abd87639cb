import ControlAPI
import ControlServer
import Store
import TrunkClient

/// The trunk routes (issue 14): kept in the store (operator trunks) and run by the trunk
/// manager. Trunks of the configuration file can be enabled, disabled and refreshed (until
/// the next restart) but not removed here.
extension DaemonControlService {
    private var manager: TrunkManager {
        get throws {
            guard let trunkManager else { throw ControlServiceError.unavailable("the trunk client is not running in this daemon") }
            return trunkManager
        }
    }

    func trunks() async throws -> [TrunkInfo] { try await manager.list() }

    func trunk(named name: String) async throws -> TrunkInfo? { try await manager.show(name) }

    func addTrunk(_ request: TrunkAddRequest) async throws -> TrunkInfo {
        let manager = try self.manager
        let running = try await manager.contains(request.name)
        if running || configuration.trunks.contains(where: { $0.name == request.name }) {
            throw ControlServiceError.conflict(
                "a trunk named \(request.name) exists", hint: "see it with 'sipwardenctl trunk show \(request.name)', or pick another name")
        }
        let now = SystemClock.now()
        let stored = StoredTrunk(
            name: request.name, registrar: request.registrar, username: request.username, authUsername: request.authUsername,
            password: request.password, realm: request.realm, transport: request.transport ?? "udp",
            expires: UInt32(request.expires ?? 3600), contactUser: request.contactUser, outboundProxy: request.outboundProxy,
            enabled: request.enabled ?? true, createdAt: now, updatedAt: now)
        let settings: TrunkSettings
        switch TrunkSettings.make(from: stored) {
        case .success(let value): settings = value
        case .failure(let problem): throw ControlServiceError.badRequest(problem.description)
        }
        guard try store.addTrunk(stored) else {
            throw ControlServiceError.conflict("a trunk named \(request.name) exists", hint: "see it with 'sipwardenctl trunk show \(request.name)'")
        }
        audit("trunk.add", "trunk added", [
            "trunk": "\(stored.name)", "registrar": "\(stored.registrar)", "username": "\(stored.username)", "enabled": "\(stored.enabled)",
        ])
        return try await manager.add(stored, settings: settings, origin: "operator")
    }

    func trunk(named name: String, _ command: TrunkCommand) async throws -> TrunkInfo? {
        let manager = try self.manager
        guard let info = try await manager.show(name) else { return nil }
        if info.origin == "operator", command != .refresh {
            try store.setTrunkEnabled(name, command == .enable, now: SystemClock.now())
        }
        audit("trunk.\(command.rawValue)", "trunk \(command.rawValue)", ["trunk": "\(name)"])
        return try await manager.command(name, command)
    }

    func removeTrunk(named name: String) async throws -> Bool {
        let manager = try self.manager
        guard let info = try await manager.show(name) else { return false }
        guard info.origin == "operator" else {
            throw ControlServiceError.conflict(
                "trunk \(name) comes from the configuration file", hint: "remove it from `trunks:` there and restart the daemon, or disable it")
        }
        try store.removeTrunk(name)
        audit("trunk.remove", "trunk removed", ["trunk": "\(name)"])
        return try await manager.remove(name)
    }
}
