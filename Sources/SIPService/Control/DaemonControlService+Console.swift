import ControlAPI
import ControlServer
import Foundation
import PluginHost
import Registrar
import SecurityLog
import SIPWardenPolicy
import Store

/// The web console's operations: accounts with salted slow password hashes, logins (a failure
/// is a `console.login_failed` event, counted by the brute-force policy like a SIP one), and
/// policy files checked by the plugin loader before they are written.
extension DaemonControlService {
    func consoleUsers() async throws -> [ConsoleUserInfo] {
        try store.consoleUsers().map(Self.info)
    }

    func addConsoleUser(_ request: ConsoleUserAddRequest) async throws -> (user: ConsoleUserInfo, replaced: Bool) {
        if !request.replace, try store.consoleUser(name: request.name) != nil {
            throw ControlServiceError.conflict(
                "console user \(request.name) exists", hint: "remove it first, or give --replace to set a new role and password")
        }
        let salt = ConsolePasswordHash.makeSalt()
        let iterations = ConsolePasswordHash.iterations
        let hash = try await Self.onOwnThread { try ConsolePasswordHash.hash(request.password, salt: salt, iterations: iterations) }
        let user = StoredConsoleUser(
            name: request.name, role: request.role.rawValue, salt: salt, hash: hash, iterations: iterations, createdAt: SystemClock.now())
        let replaced = try store.upsertConsoleUser(user)
        audit("console.user_add", replaced ? "console user replaced" : "console user added", ["user": "\(request.name)", "role": "\(request.role.rawValue)"])
        return (Self.info(user), replaced)
    }

    func removeConsoleUser(name: String) async throws -> Bool {
        let removed = try store.removeConsoleUser(name: name)
        if removed { audit("console.user_remove", "console user removed", ["user": "\(name)"]) }
        return removed
    }

    func consoleLogin(_ request: ConsoleLoginRequest) async throws -> ConsoleLoginResponse? {
        let stored = try store.consoleUser(name: request.username)
        // An unknown name costs the same hashing as a known one, so timing tells nothing.
        let salt = stored?.salt ?? Array(repeating: 0, count: ConsolePasswordHash.saltBytes)
        let iterations = stored?.iterations ?? ConsolePasswordHash.iterations
        let expected = stored?.hash ?? Array(repeating: 0, count: ConsolePasswordHash.hashBytes)
        let password = request.password
        let outcome = await Self.onOwnThread {
            ConsolePasswordHash.bounded { ConsolePasswordHash.matches(password, salt: salt, iterations: iterations, expected: expected) }
        }
        guard let matches = outcome else {
            throw ControlServiceError(status: 503, message: "too many console logins at once; try again in a moment")
        }
        if let stored, matches, let role = ConsoleRole(rawValue: stored.role) {
            audit("console.login", "console login", ["user": "\(stored.name)", "client": "\(request.client)"])
            return ConsoleLoginResponse(username: stored.name, role: role)
        }
        let client = IPAddress(request.client)?.description ?? request.client
        security.record([SecurityEvent(
            timeMilliseconds: SystemClock.now().milliseconds, kind: SecurityEventKind.consoleLoginFailed, sourceIP: client,
            sourcePort: 0, transport: "HTTP", username: request.username,
            detail: stored == nil ? "unknown console user" : "wrong console password")])
        return nil
    }

    func policyFile(plugin: String) async throws -> PolicyFileText? {
        guard let path = try policyPath(plugin) else { return nil }
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return PolicyFileText(plugin: plugin, path: path, text: text)
    }

    func updatePolicyFile(plugin: String, text: String) async throws -> [PluginInfo] {
        guard let host = security.plugins, let path = try policyPath(plugin) else {
            throw ControlServiceError(status: 404, message: "no plugin '\(plugin)'", hint: "see them with 'sipwardenctl plugins list'")
        }
        do throws(PluginHost.CheckProblem) { try host.check(policyText: text, path: path) } catch {
            audit("policy.update", "policy file refused; nothing written", ["plugin": "\(plugin)", "error": "\(error.description)"])
            throw ControlServiceError(
                status: 400, message: error.description,
                hint: "the running plugin and its file are unchanged; fix the value and save again")
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ControlServiceError(status: 500, message: "cannot write \(path): \(error.localizedDescription)",
                                      hint: "the daemon needs write access to its policies directory")
        }
        audit("policy.update", "policy file written", ["plugin": "\(plugin)", "file": "\(path)"])
        return try await reloadPlugins()
    }

    func securityEvents(limit: Int) async throws -> [BanEvidenceEvent] {
        SecurityLogTail.events(aor: nil, path: SecurityLog.path(dataDirectory: configuration.dataDirectory), limit: limit)
    }

    /// Where `plugin`'s policy file is (or would be); nil when no plugin has that name.
    private func policyPath(_ plugin: String) throws -> String? {
        guard let status = security.plugins?.plugins.first(where: { $0.name == plugin }) else { return nil }
        if !status.onDefaults, !status.policyFile.isEmpty { return status.policyFile }
        guard let directory = configuration.effectivePoliciesDirectory.path, !directory.isEmpty else {
            throw ControlServiceError(
                status: 409, message: "\(plugin) runs on its built-in defaults and the daemon has no policies directory to write a file to",
                hint: "give the daemon --policies-dir DIR (or policies_dir in its configuration)")
        }
        return (directory as NSString).appendingPathComponent("\(plugin).yaml")
    }

    private static func info(_ user: StoredConsoleUser) -> ConsoleUserInfo {
        ConsoleUserInfo(name: user.name, role: ConsoleRole(rawValue: user.role) ?? .viewer, createdAt: date(user.createdAt))
    }
}
