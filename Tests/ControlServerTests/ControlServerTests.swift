import ControlAPI
import ControlServer
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The control server on a real Unix socket, driven by the real client, with a fake service.
final class ControlServerTests: ControlServerTestCase {
    private var client: ControlClient { ControlClient(socketPath: socketPath, timeoutSeconds: 30) }

    private func json(_ response: ControlHTTPResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
    }

    private func controlError(_ response: ControlHTTPResponse) throws -> ControlError {
        try ControlJSON.makeDecoder().decode(ControlError.self, from: Data(response.body))
    }

    func testSocketIsCreatedWithMode0660InANewDirectory() throws {
        var info = stat()
        XCTAssertEqual(lstat(socketPath, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o7777, 0o660)
    }

    func testRegistrationsListHasTheDocumentedKeys() async throws {
        service.bindings = ControlFixtures.bindings()
        let response = try await client.send(.listRegistrations(RegistrationQuery()), body: nil)
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        let array = try XCTUnwrap(try json(response) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        for object in array { XCTAssertEqual(Set(object.keys), ControlFixtures.registrationKeys) }
        XCTAssertEqual(array[1]["source"] as? String, "[2001:db8::1]:5060")
        XCTAssertEqual(array[0]["registered_at"] as? String, "2026-11-26T23:59:01Z")

        let typed = try await client.registrations()
        XCTAssertEqual(typed.map(\.aor), ["sip:1001@example.com", "sip:1002@example.com"])
        service.bindings = []
        let empty = try await client.registrations()
        XCTAssertEqual(empty, [])
    }

    func testHealth() async throws {
        let health = try await client.health()
        XCTAssertEqual(health, HealthInfo(version: "0.0.0-test", uptimeSeconds: 42, bindings: 0, subscribers: 0))
    }

    func testAddListAndRemoveSubscribers() async throws {
        try await client.addSubscriber(
            SubscriberAddRequest(username: "+1555/x", password: "s3cret", domain: "example.com", displayName: "Desk", account: "acme"))
        XCTAssertEqual(service.added.first?.displayName, "Desk")
        XCTAssertEqual(service.added.first?.password, "s3cret")
        let listed = try await client.subscribers()
        XCTAssertEqual(listed, [SubscriberInfo(username: "+1555/x", domain: "example.com", displayName: "Desk", account: "acme", realm: "example.com")])

        try await client.removeSubscriber(username: "+1555/x", domain: "example.com")
        XCTAssertEqual(service.removed, [SubscriberKey(username: "+1555/x", domain: "example.com")])
        do {
            try await client.removeSubscriber(username: "+1555/x", domain: "example.com")
            XCTFail("removing a missing subscriber must fail")
        } catch {
            guard case .daemon(let status, let body) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 404)
            XCTAssertEqual(body.error, "no subscriber '+1555/x@example.com'")
            XCTAssertFalse(error.isUnreachable)
        }
    }

    func testImportOfAHundredThousandSubscribersInOneRequest() async throws {
        let entries = (0..<100_000).map { SubscriberImportEntry(username: "\(100_000 + $0)", password: "pw\($0)") }
        let response = try await client.importSubscribers(SubscriberImportRequest(entries: entries))
        XCTAssertEqual(response.imported, 100_000)
        XCTAssertEqual(service.imports.count, 1)
        XCTAssertEqual(service.imports.first?.entries.count, 100_000)
        XCTAssertEqual(service.imports.first?.entries.last, entries.last)
    }

    func testUnknownRouteIs404AndWrongMethodIs405() async throws {
        let missing = try await client.send(method: "GET", target: "/v1/nope", body: nil)
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(try controlError(missing).error, "no such endpoint: GET /v1/nope")
        let root = try await client.send(method: "GET", target: "/", body: nil)
        XCTAssertEqual(root.status, 404)
        let wrongMethod = try await client.send(method: "PUT", target: "/v1/registrations", body: nil)
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.headers["allow"], "GET")
        XCTAssertNotNil(try controlError(wrongMethod).hint)
    }

    func testBadJSONIs400NamingWhatWasWrong() async throws {
        let broken = try await client.send(.addSubscriber, body: Array("{".utf8))
        XCTAssertEqual(broken.status, 400)
        XCTAssertTrue(try controlError(broken).error.hasPrefix("invalid JSON body for POST /v1/subscribers"))

        let missingKey = try await client.send(.addSubscriber, body: Array(#"{"password":"pw"}"#.utf8))
        XCTAssertEqual(missingKey.status, 400)
        XCTAssertEqual(try controlError(missingKey).error, "invalid JSON body for POST /v1/subscribers: missing key 'username'")
        let noPassword = try await client.send(.addSubscriber, body: Array(#"{"username":"1001"}"#.utf8))
        XCTAssertEqual(noPassword.status, 400)
        XCTAssertEqual(try controlError(noPassword).error, "a password is needed (only the ip and ip+port auth modes go without one)")

        let wrongType = try await client.send(
            .importSubscribers, body: Array(#"{"entries":[{"username":"1","password":"a"},{"username":2,"password":"b"}]}"#.utf8))
        XCTAssertEqual(wrongType.status, 400)
        XCTAssertEqual(
            try controlError(wrongType).error, "invalid JSON body for POST /v1/subscribers/import: expected a string at entries[1].username")

        let noBody = try await client.send(.importSubscribers, body: nil)
        XCTAssertEqual(noBody.status, 400)

        let invalid = try await client.send(.addSubscriber, body: Array(#"{"username":"a b","password":"x"}"#.utf8))
        XCTAssertEqual(invalid.status, 400)
        XCTAssertTrue(try controlError(invalid).error.contains("contains a space"))

        let duplicate = SubscriberImportRequest(entries: [
            SubscriberImportEntry(username: "1", password: "a"), SubscriberImportEntry(username: "1", password: "b"),
        ])
        let duplicated = try await client.send(.importSubscribers, body: Array(try ControlJSON.makeEncoder().encode(duplicate)))
        XCTAssertEqual(duplicated.status, 400)
        XCTAssertEqual(try controlError(duplicated).hint, "nothing was imported")
        XCTAssertEqual(service.added.count + service.imports.count, 0, "invalid requests never reach the service")
    }

    func testServiceRefusalsKeepTheirStatusAndOtherErrorsAre500() async throws {
        service.failure = ControlServiceError.conflict("subscriber 1001 exists", hint: "remove it first")
        do {
            try await client.addSubscriber(SubscriberAddRequest(username: "1001", password: "x"))
            XCTFail("expected a refusal")
        } catch {
            XCTAssertEqual(error, .daemon(status: 409, error: ControlError(error: "subscriber 1001 exists", hint: "remove it first")))
            XCTAssertEqual(error.description, "subscriber 1001 exists (remove it first)")
        }
        service.failure = FakeFailure()
        let response = try await client.send(.listRegistrations(RegistrationQuery()), body: nil)
        XCTAssertEqual(response.status, 500)
        XCTAssertEqual(try controlError(response).error, "internal error: the disk caught fire")
    }

    func testBodyOverTheLimitIs413() async throws {
        let small = ControlServer(socketPath: scratch.path + "/small.sock", service: service, maxRequestBodyBytes: 1024)
        try await small.start()
        defer { Task { try? await small.stop() } }
        let smallClient = ControlClient(socketPath: scratch.path + "/small.sock", timeoutSeconds: 30)
        let entries = (0..<200).map { SubscriberImportEntry(username: "\($0)", password: "password\($0)") }
        do {
            _ = try await smallClient.importSubscribers(SubscriberImportRequest(entries: entries))
            XCTFail("expected 413")
        } catch {
            guard case .daemon(let status, let body) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(status, 413)
            XCTAssertTrue(body.error.contains("1024 bytes"))
        }
        XCTAssertEqual(service.imports.count, 0)
        let stillServing = try await smallClient.health()
        XCTAssertEqual(stillServing.version, "0.0.0-test")
    }

    func testSecondServerOnALiveSocketRefusesAndStopRemovesTheSocket() async throws {
        let second = ControlServer(socketPath: socketPath, service: service)
        do {
            try await second.start()
            XCTFail("a second server must not steal a live socket")
        } catch {
            XCTAssertEqual(error as? ControlServerError, .alreadyInUse(path: socketPath))
        }
        _ = try await client.health()  // the first one is untouched
        try await server.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath))
        server = nil
    }

    func testStaleSocketIsReplacedAndAPlainFileIsLeftAlone() async throws {
        let stalePath = scratch.path + "/stale.sock"
        try makeStaleSocket(at: stalePath)
        do {
            _ = try await ControlClient(socketPath: stalePath).health()
            XCTFail("nothing listens on a stale socket")
        } catch {
            XCTAssertTrue(error.isUnreachable)
            XCTAssertTrue(error.description.contains("connection refused"), error.description)
        }
        let replacement = ControlServer(socketPath: stalePath, service: service)
        try await replacement.start()
        _ = try await ControlClient(socketPath: stalePath).health()
        try await replacement.stop()

        let plainPath = scratch.path + "/plain"
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: plainPath))
        let refused = ControlServer(socketPath: plainPath, service: service)
        do {
            try await refused.start()
            XCTFail("a plain file must not be replaced")
        } catch {
            XCTAssertEqual(error as? ControlServerError, .notASocket(path: plainPath))
        }
        XCTAssertEqual(try String(contentsOfFile: plainPath, encoding: .utf8), "keep me")
    }

    func testTooLongPathIsRefusedClearly() async throws {
        let longPath = "/tmp/" + String(repeating: "x", count: 120) + ".sock"
        do {
            try await ControlServer(socketPath: longPath, service: service).start()
            XCTFail("expected pathTooLong")
        } catch {
            XCTAssertEqual(error as? ControlServerError, .pathTooLong(path: longPath, limit: 107))
        }
        do {
            _ = try await ControlClient(socketPath: longPath).health()
            XCTFail("expected unreachable")
        } catch {
            XCTAssertTrue(error.isUnreachable)
            XCTAssertTrue(error.description.contains("longer than"), error.description)
        }
    }

    func testClientReportsAMissingSocketAsUnreachable() async throws {
        let path = scratch.path + "/absent.sock"
        do {
            _ = try await ControlClient(socketPath: path).registrations()
            XCTFail("expected unreachable")
        } catch {
            XCTAssertEqual(error, .unreachable(socketPath: path, reason: "no such socket"))
            XCTAssertEqual(
                error.description,
                "cannot reach sipwarden at \(path) (no such socket). Is the daemon running? "
                    + "Start it with 'systemctl start sipwarden' (installed; its socket is /run/sipwarden/control.sock: "
                    + "export SIPWARDEN_SOCKET=/run/sipwarden/control.sock), 'make run' (source tree) "
                    + "or 'sipwarden --control-socket \(path)'.")
        }
    }

    func testManyConcurrentRequests() async throws {
        service.bindings = ControlFixtures.bindings()
        let client = self.client
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 {
                group.addTask { try await client.registrations().count }
            }
            for try await count in group { XCTAssertEqual(count, 2) }
        }
    }

    /// Leaves a socket file nobody listens on, as a killed daemon does.
    private func makeStaleSocket(at path: String) throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        XCTAssertEqual(result, 0)
        close(descriptor)
    }
}
