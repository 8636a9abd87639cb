import ControlAPI
import ControlServer
import Foundation
import XCTest

/// A `ControlService` fake for the control path's unit tests: canned answers, recorded
/// requests, and injectable failures.
final class FakeControlService: ControlService, @unchecked Sendable {
    private let lock = NSLock()
    private var _bindings: [RegistrationInfo] = []
    private var _subscribers: [SubscriberInfo] = []
    private var _added: [SubscriberAddRequest] = []
    private var _imports: [SubscriberImportRequest] = []
    private var _removed: [SubscriberKey] = []
    private var _failure: (any Error)?

    /// The bindings `registrations()` answers with.
    var bindings: [RegistrationInfo] {
        get { lock.withLock { _bindings } }
        set { lock.withLock { _bindings = newValue } }
    }

    /// The error every call throws, when set.
    var failure: (any Error)? {
        get { lock.withLock { _failure } }
        set { lock.withLock { _failure = newValue } }
    }

    /// The add requests received.
    var added: [SubscriberAddRequest] { lock.withLock { _added } }
    /// The import requests received.
    var imports: [SubscriberImportRequest] { lock.withLock { _imports } }
    /// The removals received.
    var removed: [SubscriberKey] { lock.withLock { _removed } }

    private func check() throws {
        if let failure = lock.withLock({ _failure }) { throw failure }
    }

    func registrations() async throws -> [RegistrationInfo] {
        try check()
        return bindings
    }

    func subscribers() async throws -> [SubscriberInfo] {
        try check()
        return lock.withLock { _subscribers }
    }

    func addSubscriber(_ request: SubscriberAddRequest) async throws {
        try check()
        lock.withLock {
            _added.append(request)
            _subscribers.append(
                SubscriberInfo(
                    username: request.username, domain: request.domain, displayName: request.displayName,
                    account: request.account, realm: request.domain ?? "sipwarden"))
        }
    }

    /// Adds like `addSubscriber`; reports a replacement when `replace` names a known subscriber.
    func addOrReplaceSubscriber(_ request: SubscriberAddRequest) async throws -> Bool {
        let known = lock.withLock { _subscribers.contains { $0.username == request.username && $0.domain == request.domain } }
        try await addSubscriber(request)
        return known && request.replace
    }

    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse {
        try check()
        lock.withLock { _imports.append(request) }
        return SubscriberImportResponse(imported: request.entries.count)
    }

    func removeSubscriber(username: String, domain: String?) async throws -> Bool {
        try check()
        return lock.withLock {
            _removed.append(SubscriberKey(username: username, domain: domain))
            guard let index = _subscribers.firstIndex(where: { $0.username == username && $0.domain == domain }) else {
                return false
            }
            _subscribers.remove(at: index)
            return true
        }
    }

    func health() async throws -> HealthInfo {
        try check()
        return lock.withLock {
            HealthInfo(version: "0.0.0-test", uptimeSeconds: 42, bindings: _bindings.count, subscribers: _subscribers.count)
        }
    }
}

/// A scratch directory with a short path (Unix socket paths are limited to 107 bytes).
struct ControlScratchDirectory {
    let path: String

    init() throws {
        path = "/tmp/swc-" + String(UUID().uuidString.prefix(8)).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A test case with a real control server on a fresh socket (`<scratch>/var/control.sock`)
/// answered by a `FakeControlService`.
class ControlServerTestCase: XCTestCase {
    var scratch: ControlScratchDirectory!
    var service: FakeControlService!
    var server: ControlServer!
    var socketPath: String { scratch.path + "/var/control.sock" }

    override func setUp() async throws {
        scratch = try ControlScratchDirectory()
        service = FakeControlService()
        server = ControlServer(socketPath: socketPath, service: service)
        try await server.start()
    }

    override func tearDown() async throws {
        try await server?.stop()
        scratch?.remove()
    }
}

/// A plain error for the 500 path.
struct FakeFailure: Error, CustomStringConvertible {
    var description: String { "the disk caught fire" }
}

/// Canned control API values for the server and CLI tests.
enum ControlFixtures {
    /// The keys of a binding in `registrations list --json`, as docs/cli.md lists them.
    static let registrationKeys: Set<String> = Set(RegistrationInfo.CodingKeys.allCases.map(\.rawValue))

    static func bindings() -> [RegistrationInfo] {
        [
            RegistrationInfo(
                aor: "sip:1001@example.com", contact: "sip:1001@192.0.2.10:5062;transport=udp", expiresIn: 3599,
                source: RegistrationInfo.address(ip: "198.51.100.7", port: 40112), transport: "UDP",
                userAgent: "Yealink SIP-T46S 66.86.0.15", registeredAt: Date(timeIntervalSince1970: 1_795_737_541),
                nat: true, callID: "a84b4c76e66710@pc33", cseq: 1826, q: 0.7,
                updatedAt: Date(timeIntervalSince1970: 1_795_737_541.9)),
            RegistrationInfo(
                aor: "sip:1002@example.com", contact: "sip:1002@[2001:db8::1]:5060", expiresIn: 60,
                source: RegistrationInfo.address(ip: "2001:db8::1", port: 5060), transport: "TCP",
                userAgent: nil, registeredAt: Date(timeIntervalSince1970: 951_825_600), nat: false,
                callID: "c2", cseq: 4_294_967_295, q: nil, updatedAt: Date(timeIntervalSince1970: 951_825_660)),
        ]
    }
}
