import ControlAPI
import ControlServer
import Foundation
import XCTest

/// A `ControlService` that records the ban imports reaching it.
final class BanImportFakeControlService: ControlService, @unchecked Sendable {
    private let lock = NSLock()
    private var _imports: [BanImportRequest] = []
    var imports: [BanImportRequest] { lock.withLock { _imports } }

    func registrations() async throws -> [RegistrationInfo] { [] }
    func subscribers() async throws -> [SubscriberInfo] { [] }
    func addSubscriber(_ request: SubscriberAddRequest) async throws {}
    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse {
        SubscriberImportResponse(imported: 0)
    }
    func removeSubscriber(username: String, domain: String?) async throws -> Bool { false }
    func health() async throws -> HealthInfo { HealthInfo(version: "0.0.0-test", uptimeSeconds: 1, bindings: 0, subscribers: 0) }

    func importBans(_ request: BanImportRequest) async throws -> BanImportResponse {
        lock.withLock { _imports.append(request) }
        return BanImportResponse(
            targets: request.targets.count, added: Set(request.targets).count, extended: 0, alreadyBanned: 0,
            skipped: request.targets.count - Set(request.targets).count, seconds: request.seconds, milliseconds: 1)
    }
}

/// The import route through a real control server: the service gets canonical targets, and a
/// bad list never reaches it.
final class ControlBanImportTests: XCTestCase {
    var scratch: ControlScratchDirectory!
    var service: BanImportFakeControlService!
    var server: ControlServer!
    var client: ControlClient { ControlClient(socketPath: scratch.path + "/var/control.sock", timeoutSeconds: 30) }

    override func setUp() async throws {
        scratch = try ControlScratchDirectory()
        service = BanImportFakeControlService()
        server = ControlServer(socketPath: scratch.path + "/var/control.sock", service: service)
        try await server.start()
    }

    override func tearDown() async throws {
        try await server?.stop()
        scratch?.remove()
    }

    func testTheServiceGetsCanonicalTargetsAndABadListIsRefusedWhole() async throws {
        let answer = try await client.importBans(BanImportRequest(
            targets: ["198.51.100.77/24", "::ffff:192.0.2.7", "2001:DB8:0:0::1", "192.0.2.7"], seconds: 600, reason: "list"))
        XCTAssertEqual(service.imports.first?.targets, ["198.51.100.0/24", "192.0.2.7", "2001:db8::1", "192.0.2.7"])
        XCTAssertEqual(answer.skipped, 1)
        XCTAssertEqual(answer.seconds, 600)

        let raw = try await client.send(.importBans, body: Array(#"{"targets": ["192.0.2.7", "192.0.2.x"], "seconds": 60, "reason": "r"}"#.utf8))
        XCTAssertEqual(raw.status, 400)
        let error = try ControlJSON.makeDecoder().decode(ControlError.self, from: Data(raw.body))
        XCTAssertTrue(error.error.contains("targets[1]: '192.0.2.x' is not an IP address"), error.error)
        XCTAssertEqual(service.imports.count, 1, "a refused list does not reach the service")

        let noSeconds = try await client.send(.importBans, body: Array(#"{"targets": ["192.0.2.7"], "reason": "r"}"#.utf8))
        XCTAssertEqual(noSeconds.status, 400)
    }

    func testAServiceWithoutTheRouteAnswers501() async throws {
        try await server.stop()
        let plain = FakeControlService()
        server = ControlServer(socketPath: scratch.path + "/var/control.sock", service: plain)
        try await server.start()
        let raw = try await client.send(.importBans, body: Array(#"{"targets": ["192.0.2.7"], "seconds": 60, "reason": "r"}"#.utf8))
        XCTAssertEqual(raw.status, 501)
    }
}
