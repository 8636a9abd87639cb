import ControlAPI
import ControlServer
import Foundation
import XCTest

/// A `ControlService` that answers the ban and plugin routes from memory and records what
/// reached it (the daemon's own implementation is tested end to end).
final class BanFakeControlService: ControlService, @unchecked Sendable {
    private let lock = NSLock()
    private var _bans: [String: BanInfo] = [:]
    private var _evidence: [String: [BanEvidenceEvent]] = [:]
    private var _added: [BanAddRequest] = []
    private var _removed: [String] = []
    private var _asked: [String] = []
    private var _plugins: [PluginInfo] = []
    private var _reloads = 0
    let now = Date(timeIntervalSince1970: 1_795_737_541)

    var added: [BanAddRequest] { lock.withLock { _added } }
    var removed: [String] { lock.withLock { _removed } }
    var asked: [String] { lock.withLock { _asked } }
    var reloads: Int { lock.withLock { _reloads } }
    var plugins: [PluginInfo] {
        get { lock.withLock { _plugins } }
        set { lock.withLock { _plugins = newValue } }
    }

    /// Puts a ban in place as if a plugin had asked for it.
    func put(_ ban: BanInfo, evidence: [BanEvidenceEvent] = []) {
        lock.withLock {
            _bans[ban.address] = ban
            _evidence[ban.address] = evidence
        }
    }

    func registrations() async throws -> [RegistrationInfo] { [] }
    func subscribers() async throws -> [SubscriberInfo] { [] }
    func addSubscriber(_ request: SubscriberAddRequest) async throws {}
    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse {
        SubscriberImportResponse(imported: 0)
    }
    func removeSubscriber(username: String, domain: String?) async throws -> Bool { false }
    func health() async throws -> HealthInfo { HealthInfo(version: "0.0.0-test", uptimeSeconds: 1, bindings: 0, subscribers: 0) }

    func bans() async throws -> [BanInfo] {
        lock.withLock { _bans.values.sorted { $0.address < $1.address } }
    }

    func addBan(_ request: BanAddRequest) async throws -> BanInfo {
        if request.target == "192.0.2.1" {
            throw ControlServiceError.conflict("192.0.2.1 is in a trusted range", hint: "trusted ranges are never banned")
        }
        let ban = BanInfo(
            address: request.target, expiresIn: request.seconds, reason: request.reason, source: request.effectiveSource,
            createdAt: now, expiresAt: now.addingTimeInterval(Double(request.seconds)))
        lock.withLock {
            _added.append(request)
            _bans[request.target] = ban
        }
        return ban
    }

    func removeBan(target: String) async throws -> Bool {
        lock.withLock {
            _removed.append(target)
            return _bans.removeValue(forKey: target) != nil
        }
    }

    func banWhy(target: String) async throws -> BanWhyResponse? {
        lock.withLock {
            _asked.append(target)
            // A range ban explains the addresses inside it (only /24s in this fake).
            let covering = _bans[target] ?? _bans.values.first { ban in
                guard ban.address.hasSuffix(".0/24") else { return false }
                return target.hasPrefix(String(ban.address.dropLast("0/24".count)))
            }
            return covering.map { BanWhyResponse(ban: $0, evidence: _evidence[$0.address] ?? []) }
        }
    }

    func plugins() async throws -> [PluginInfo] { plugins }

    func reloadPlugins() async throws -> [PluginInfo] {
        lock.withLock { _reloads += 1 }
        return plugins
    }
}

/// Fixtures shared by the ban control tests.
enum BanFixtures {
    static let banKeys: Set<String> = ["address", "expires_in", "reason", "source", "created_at", "expires_at", "evidence_count"]
    static let pluginKeys: Set<String> = ["name", "version", "file", "state", "detail", "source", "policy_file", "enforce", "stale",
                                          "events_handled", "events_dropped", "decisions", "restarts", "last_exit"]

    static func evidence() -> [BanEvidenceEvent] {
        (1...3).map { i in
            BanEvidenceEvent(
                id: UInt64(i), timeMilliseconds: 1_795_737_500_000 + Int64(i) * 1000, kind: "auth.failed",
                sourceIP: "198.51.100.7", sourcePort: 5060, transport: "UDP", aor: "sip:1001@example.com",
                username: "1001", userAgent: i == 3 ? "evil\u{1B}[2Jphone" : "friendly-scanner", detail: "wrong_password")
        }
    }

    static func plugins() -> [PluginInfo] {
        [
            PluginInfo(name: "bruteforce", version: "1.0.0", file: "/opt/sipwarden/plugins/libsipwarden-bruteforce.so", state: "loaded"),
            PluginInfo(name: "notify", version: "", file: "/usr/local/bin/notify.py", state: "failed", detail: "exited with status 1"),
        ]
    }
}

/// A real control server on a fresh socket, answered by a `BanFakeControlService`.
class ControlBanTestCase: XCTestCase {
    var scratch: ControlScratchDirectory!
    var service: BanFakeControlService!
    var server: ControlServer!
    var socketPath: String { scratch.path + "/var/control.sock" }
    var client: ControlClient { ControlClient(socketPath: socketPath, timeoutSeconds: 30) }

    override func setUp() async throws {
        scratch = try ControlScratchDirectory()
        service = BanFakeControlService()
        server = ControlServer(socketPath: socketPath, service: service)
        try await server.start()
    }

    override func tearDown() async throws {
        try await server?.stop()
        scratch?.remove()
    }

    func controlError(_ response: ControlHTTPResponse) throws -> ControlError {
        try ControlJSON.makeDecoder().decode(ControlError.self, from: Data(response.body))
    }
}

final class ControlBanTests: ControlBanTestCase {
    func testAddListWhyAndRemoveThroughTheClient() async throws {
        let added = try await client.addBan(BanAddRequest(target: "198.51.100.77/24", seconds: 7200, reason: "abuse"))
        XCTAssertEqual(added.address, "198.51.100.0/24", "the daemon gets the canonical target")
        XCTAssertEqual(added.source, "operator")
        XCTAssertEqual(service.added.first?.target, "198.51.100.0/24")
        XCTAssertEqual(service.added.first?.seconds, 7200)

        let listed = try await client.bans()
        XCTAssertEqual(listed, [added])
        let raw = try await client.send(.listBans, body: nil)
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(raw.body)) as? [[String: Any]])
        XCTAssertEqual(Set(objects[0].keys), BanFixtures.banKeys)
        XCTAssertEqual(objects[0]["created_at"] as? String, "2026-11-26T23:59:01Z")
        XCTAssertEqual(objects[0]["expires_at"] as? String, "2026-11-27T01:59:01Z")

        let why = try await client.banWhy(target: "198.51.100.9")
        XCTAssertEqual(why.ban.address, "198.51.100.0/24", "the range explains an address inside it")
        try await client.removeBan(target: "198.51.100.0/24")
        XCTAssertEqual(service.removed, ["198.51.100.0/24"])
        let remaining = try await client.bans()
        XCTAssertEqual(remaining, [])
    }

    func testRemovingOrExplainingWhatIsNotBannedIs404() async throws {
        do {
            try await client.removeBan(target: "2001:DB8:0:0::1")
            XCTFail("expected 404")
        } catch {
            XCTAssertEqual(
                error,
                .daemon(status: 404, error: ControlError(
                    error: "no ban on 2001:db8::1",
                    hint: "see the bans in force with 'sipwardenctl ban list'; a ban of a range is removed by the range")))
        }
        let why = try await client.send(.banWhy(target: "192.0.2.50"), body: nil)
        XCTAssertEqual(why.status, 404)
        XCTAssertEqual(try controlError(why).error, "192.0.2.50 is not banned")
    }

    func testWhyCarriesTheEvidenceEventsWithTheirSchemaKeys() async throws {
        service.put(
            BanInfo(address: "198.51.100.7", expiresIn: 600, reason: "3 failures", source: "bruteforce",
                    createdAt: service.now, expiresAt: service.now.addingTimeInterval(600), evidenceCount: 3),
            evidence: BanFixtures.evidence())
        let response = try await client.send(.banWhy(target: "198.51.100.7"), body: nil)
        XCTAssertEqual(response.status, 200)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["ban", "evidence"])
        let events = try XCTUnwrap(object["evidence"] as? [[String: Any]])
        XCTAssertEqual(events.count, 3)
        XCTAssertEqual(
            Set(events[0].keys),
            ["id", "v", "time_ms", "kind", "source_ip", "source_port", "transport", "aor", "username", "user_agent", "contact", "detail"])
        XCTAssertEqual(events[0]["kind"] as? String, "auth.failed")
        XCTAssertTrue(events[0]["contact"] is NSNull)
        let decoded = try await client.banWhy(target: "198.51.100.7")
        XCTAssertEqual(decoded.evidence, BanFixtures.evidence())
    }

    func testBanTargetsInPathsEncodedOrNot() async throws {
        for target in ["/v1/bans/192.0.2.0%2F24", "/v1/bans/192.0.2.0/24", "/v1/bans/192.0.2.9%2f24"] {
            let response = try await client.send(method: "DELETE", target: target, body: nil)
            XCTAssertEqual(response.status, 404, target)
        }
        XCTAssertEqual(service.removed, ["192.0.2.0/24", "192.0.2.0/24", "192.0.2.0/24"])
        for target in ["/v1/bans/2001:db8::%2F32/why", "/v1/bans/2001:db8::/32/why", "/v1/bans/2001%3Adb8%3A%3A1/why"] {
            let response = try await client.send(method: "GET", target: target, body: nil)
            XCTAssertEqual(response.status, 404, target)
        }
        XCTAssertEqual(service.asked, ["2001:db8::/32", "2001:db8::/32", "2001:db8::1"])
    }

    func testInvalidTargetsAndBodiesAre400AndNeverReachTheService() async throws {
        let badPath = try await client.send(method: "DELETE", target: "/v1/bans/example.com", body: nil)
        XCTAssertEqual(badPath.status, 400)
        XCTAssertTrue(try controlError(badPath).error.hasPrefix("'example.com' is not an IP address or CIDR range"))

        let bodies: [(String, String)] = [
            (#"{"target":"192.0.2.7","reason":"x"}"#, "invalid JSON body for POST /v1/bans: missing key 'seconds'"),
            (#"{"target":"192.0.2.7","seconds":0,"reason":"x"}"#, "the ban duration must be between 1 second and 10 years, not 0 seconds"),
            (#"{"target":"192.0.2.7","seconds":60,"reason":" "}"#, "the reason is empty; say why the address is banned"),
            (#"{"target":"192.0.2.7","seconds":60,"reason":"a\nb"}"#, "the reason contains a control character"),
            (#"{"target":"0.0.0.0/0","seconds":60,"reason":"x"}"#,
             "'0.0.0.0/0' is too wide a range to ban (a prefix shorter than /8); ban narrower ranges"),
            (#"{"target":"192.0.2.7/33","seconds":60,"reason":"x"}"#,
             "'192.0.2.7/33' is not an IP address or CIDR range (the prefix length is at most 32 for IPv4); give an IPv4 or IPv6 address or a CIDR range, such as 192.0.2.7, 2001:db8::1 or 192.0.2.0/24"),
        ]
        for (body, message) in bodies {
            let response = try await client.send(.addBan, body: Array(body.utf8))
            XCTAssertEqual(response.status, 400, body)
            XCTAssertEqual(try controlError(response).error, message, body)
        }
        XCTAssertEqual(service.added, [])
        XCTAssertEqual(service.removed, [])
    }

    func testServiceRefusalsKeepTheirStatus() async throws {
        do {
            _ = try await client.addBan(BanAddRequest(target: "192.0.2.1", seconds: 60, reason: "x"))
            XCTFail("expected 409")
        } catch {
            XCTAssertEqual(error.description, "192.0.2.1 is in a trusted range (trusted ranges are never banned)")
        }
    }

    func testWrongMethodsAre405WithAllow() async throws {
        let cases: [(String, String, String)] = [
            ("PUT", "/v1/bans", "GET, POST"), ("GET", "/v1/bans/192.0.2.7", "DELETE"),
            ("DELETE", "/v1/bans/192.0.2.7/why", "GET"), ("GET", "/v1/plugins/reload", "POST"), ("POST", "/v1/plugins", "GET"),
        ]
        for (method, target, allow) in cases {
            let response = try await client.send(method: method, target: target, body: nil)
            XCTAssertEqual(response.status, 405, "\(method) \(target)")
            XCTAssertEqual(response.headers["allow"], allow, "\(method) \(target)")
        }
        for target in ["/v1/bans/192.0.2.7/24/why/more", "/v1/bans/192.0.2.0/x", "/v1/plugins/other", "/v1/bans//why"] {
            let response = try await client.send(method: "GET", target: target, body: nil)
            XCTAssertEqual(response.status, 404, target)
        }
    }

    func testPluginsListAndReload() async throws {
        service.plugins = BanFixtures.plugins()
        let listed = try await client.plugins()
        XCTAssertEqual(listed, BanFixtures.plugins())
        let raw = try await client.send(.listPlugins, body: nil)
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(raw.body)) as? [[String: Any]])
        for object in objects { XCTAssertEqual(Set(object.keys), BanFixtures.pluginKeys) }
        XCTAssertTrue(objects[0]["detail"] is NSNull)
        let reloaded = try await client.reloadPlugins()
        XCTAssertEqual(reloaded, BanFixtures.plugins())
        XCTAssertEqual(service.reloads, 1)
    }

    func testAServiceWithoutBanSupportAnswers501() async throws {
        let legacyPath = scratch.path + "/legacy.sock"
        let legacy = ControlServer(socketPath: legacyPath, service: FakeControlService())
        try await legacy.start()
        let legacyClient = ControlClient(socketPath: legacyPath, timeoutSeconds: 30)
        for route in [ControlRoute.listBans, .removeBan(target: "192.0.2.7"), .banWhy(target: "192.0.2.7"), .listPlugins, .reloadPlugins] {
            let response = try await legacyClient.send(route, body: nil)
            XCTAssertEqual(response.status, 501, route.summary)
            XCTAssertTrue(try controlError(response).error.hasSuffix("is not wired yet in this daemon"), route.summary)
        }
        try await legacy.stop()
    }
}
