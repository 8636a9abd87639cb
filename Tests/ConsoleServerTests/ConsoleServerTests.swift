import ConsoleServer
import ControlAPI
import ControlServer
import Foundation
import Logging
import NIOPosix
import Synchronization
import XCTest

/// The console over real TCP against a fake control service: logins, session cookies, CSRF,
/// roles, and that a change reaches the service with the console user as its caller.
final class ConsoleServerTests: XCTestCase {
    /// A control service that knows two console users and records bans.
    final class FakeService: ControlService {
        let logins = Mutex<[ConsoleLoginRequest]>([])
        let banRequests = Mutex<[(BanAddRequest, String)]>([])
        let accounts = Mutex<[ConsoleUserInfo]>([
            ConsoleUserInfo(name: "alice", role: .admin, createdAt: Date()), ConsoleUserInfo(name: "vic", role: .viewer, createdAt: Date()),
        ])

        /// The analysis and trunk figures the pages must show (set by a test), the analysis
        /// queries they asked with, and the trunk commands they sent with their callers.
        let analysis = Mutex<AnalysisFigures>(AnalysisFigures())
        let analysisQueries = Mutex<[(String, AnalysisQuery)]>([])
        let trunkList = Mutex<[TrunkInfo]>([])
        let trunkCommands = Mutex<[(String, TrunkCommand, String)]>([])

        func consoleUsers() async throws -> [ConsoleUserInfo] { accounts.withLock { $0 } }

        private func figures(_ route: String, _ query: AnalysisQuery) throws -> AnalysisFigures {
            analysisQueries.withLock { $0.append((route, query)) }
            let figures = analysis.withLock { $0 }
            if figures.historyDisabled, route == "trend" || route == "failures" {
                throw ControlServiceError(status: 409, message: "the registration history is disabled (history.enabled: false)",
                                          hint: "set history.enabled: true in the configuration and restart the daemon")
            }
            return figures
        }

        func trend(_ query: AnalysisQuery) async throws -> TrendReport { try figures("trend", query).trend }
        func failures(_ query: AnalysisQuery) async throws -> [FailureGroup] { try figures("failures", query).failures }
        func devices(_ query: AnalysisQuery) async throws -> DeviceReport { try figures("devices", query).devices }
        func geo(_ query: AnalysisQuery) async throws -> GeoReport { try figures("geo", query).geo }
        func alerts(_ query: AnalysisQuery) async throws -> AlertsReport { try figures("alerts", query).alerts }
        func trunks() async throws -> [TrunkInfo] { trunkList.withLock { $0 } }

        func trunk(named name: String, _ command: TrunkCommand) async throws -> TrunkInfo? {
            trunkCommands.withLock { $0.append((name, command, ControlCaller.current)) }
            guard var trunk = trunkList.withLock({ $0.first { $0.name == name } }) else { return nil }
            trunk.enabled = command != .disable
            trunk.state = command == .disable ? "disabled" : "registering"
            return trunk
        }

        func registrations() async throws -> [RegistrationInfo] { [] }
        func subscribers() async throws -> [SubscriberInfo] { [] }
        func addSubscriber(_ request: SubscriberAddRequest) async throws {}
        func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse { SubscriberImportResponse(imported: 0) }
        func removeSubscriber(username: String, domain: String?) async throws -> Bool { false }
        func health() async throws -> HealthInfo { HealthInfo(version: "test", uptimeSeconds: 0, bindings: 0, subscribers: 0) }
        func bans() async throws -> [BanInfo] { [] }
        func trustedRanges() async throws -> [TrustedRangeInfo] { [] }
        func securityEvents(limit: Int) async throws -> [BanEvidenceEvent] { [] }
        func banWhy(target: String) async throws -> BanWhyResponse? { nil }

        func consoleLogin(_ request: ConsoleLoginRequest) async throws -> ConsoleLoginResponse? {
            logins.withLock { $0.append(request) }
            switch (request.username, request.password) {
            case ("alice", "alice-password"): return ConsoleLoginResponse(username: "alice", role: .admin)
            case ("vic", "vic-password"): return ConsoleLoginResponse(username: "vic", role: .viewer)
            default: return nil
            }
        }

        func addBan(_ request: BanAddRequest) async throws -> BanInfo {
            banRequests.withLock { $0.append((request, ControlCaller.current)) }
            return BanInfo(address: request.target, expiresIn: request.seconds, reason: request.reason, source: request.effectiveSource,
                           createdAt: Date(), expiresAt: Date().addingTimeInterval(Double(request.seconds)), evidenceCount: 0)
        }
    }

    var service: FakeService!
    private var console: ConsoleServer!
    var port = 0

    override func setUp() async throws {
        service = FakeService()
        let logger = Logger(label: "test.console")
        console = try await ConsoleServer.start(
            host: "127.0.0.1", port: 0, control: LocalControl(service: service, logger: logger), sessionLifetime: .seconds(600),
            group: MultiThreadedEventLoopGroup.singleton, logger: logger)
        port = try XCTUnwrap(console.localAddress?.port)
    }

    override func tearDown() async throws {
        await console.stop()
    }

    /// Logs in as a browser does: the form first (its CSRF field and cookie), then the post.
    func login(_ user: String, _ password: String) throws -> HTTPTestExchange.Response {
        let form = try HTTPTestExchange.send(port: port, method: "GET", path: "/login")
        return try HTTPTestExchange.send(port: port, method: "POST", path: "/login",
                                         form: "username=\(user)&password=\(password)&csrf=\(try csrf(form.body))", cookie: try cookie(form))
    }

    func cookie(_ response: HTTPTestExchange.Response) throws -> String {
        let header = try XCTUnwrap(response.header("set-cookie"), "\(response.head)")
        return String(try XCTUnwrap(header.split(separator: ";").first))
    }

    func csrf(_ page: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try XCTUnwrap(page.range(of: marker), page).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    func testAWrongPasswordIsRefusedAndTheServiceSeesTheClientAddress() throws {
        let refused = try login("alice", "guess")
        XCTAssertEqual(refused.status, 401)
        XCTAssertTrue(refused.body.contains("Wrong user name or password."), refused.body)
        XCTAssertFalse(refused.header("set-cookie")?.contains("sipwarden_console=") ?? false, "no session for a wrong password")
        XCTAssertEqual(service.logins.withLock { $0.map(\.client) }, ["127.0.0.1"])
    }

    func testALoginPostWithoutTheFormsTokenIsRefusedBeforeThePasswordIsChecked() throws {
        let form = try HTTPTestExchange.send(port: port, method: "GET", path: "/login")
        let loginCookie = try cookie(form)
        XCTAssertTrue(loginCookie.hasPrefix("sipwarden_login="), loginCookie)
        let setCookie = try XCTUnwrap(form.header("set-cookie"))
        XCTAssertTrue(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict") && setCookie.contains("Path=/login"), setCookie)
        let token = try csrf(form.body)
        XCTAssertEqual(token, String(loginCookie.dropFirst("sipwarden_login=".count)), "the field and the cookie carry one token")
        // A cross-site form post: no cookie (SameSite=Strict), or a token of another form.
        for (fields, cookie) in [
            ("username=alice&password=alice-password", nil as String?),
            ("username=alice&password=alice-password&csrf=\(token)", nil),
            ("username=alice&password=alice-password", loginCookie),
            ("username=alice&password=alice-password&csrf=\(String(repeating: "0", count: token.count))", loginCookie),
        ] {
            let refused = try HTTPTestExchange.send(port: port, method: "POST", path: "/login", form: fields, cookie: cookie)
            XCTAssertEqual(refused.status, 403, fields)
            XCTAssertTrue(refused.body.contains("CSRF check failed"), refused.body)
            XCTAssertFalse(refused.header("set-cookie")?.contains("sipwarden_console=") ?? false)
        }
        XCTAssertEqual(service.logins.withLock { $0.count }, 0, "the password was never checked")
        XCTAssertEqual(try login("alice", "alice-password").status, 303, "the form's own token and cookie log in")
    }

    func testALoginSetsAStrictHttpOnlyCookieAndPagesNeedIt() throws {
        XCTAssertEqual(try HTTPTestExchange.send(port: port, method: "GET", path: "/registrations").header("location"), "/login")
        let accepted = try login("alice", "alice-password")
        XCTAssertEqual(accepted.status, 303)
        XCTAssertEqual(accepted.header("location"), "/registrations")
        let setCookie = try XCTUnwrap(accepted.header("set-cookie"))
        XCTAssertTrue(setCookie.contains("; HttpOnly") && setCookie.contains("; SameSite=Strict") && setCookie.contains("; Max-Age=600"), setCookie)
        let page = try HTTPTestExchange.send(port: port, method: "GET", path: "/security", cookie: try cookie(accepted))
        XCTAssertEqual(page.status, 200, page.body)
        XCTAssertTrue(page.body.contains("alice (admin)"))
        XCTAssertNotNil(page.header("content-security-policy"))
    }

    func testAChangeNeedsTheCSRFTokenAndReachesTheServiceAsTheConsoleUser() throws {
        let session = try cookie(try login("alice", "alice-password"))
        let token = try csrf(try HTTPTestExchange.send(port: port, method: "GET", path: "/security", cookie: session).body)
        let form = "target=192.0.2.7&duration=1h&reason=test"
        let forged = try HTTPTestExchange.send(port: port, method: "POST", path: "/security/ban", form: form, cookie: session)
        XCTAssertEqual(forged.status, 403)
        let wrong = try HTTPTestExchange.send(port: port, method: "POST", path: "/security/ban", form: form + "&csrf=0000", cookie: session)
        XCTAssertEqual(wrong.status, 403)
        XCTAssertTrue(service.banRequests.withLock { $0.isEmpty }, "no change without the token")
        let done = try HTTPTestExchange.send(port: port, method: "POST", path: "/security/ban", form: form + "&csrf=\(token)", cookie: session)
        XCTAssertEqual(done.status, 303, done.body)
        let recorded = service.banRequests.withLock { $0 }
        XCTAssertEqual(recorded.count, 1)
        XCTAssertEqual(recorded.first?.0.target, "192.0.2.7")
        XCTAssertEqual(recorded.first?.0.seconds, 3600)
        XCTAssertEqual(recorded.first?.0.source, "console alice")
        XCTAssertEqual(recorded.first?.1, "console alice", "the control caller is the console user")
    }

    func testAViewerIsRefusedEveryChange() throws {
        let session = try cookie(try login("vic", "vic-password"))
        let page = try HTTPTestExchange.send(port: port, method: "GET", path: "/security", cookie: session)
        XCTAssertEqual(page.status, 200)
        let refused = try HTTPTestExchange.send(
            port: port, method: "POST", path: "/security/ban", form: "target=192.0.2.7&duration=1h&reason=x&csrf=\(try csrf(page.body))",
            cookie: session)
        XCTAssertEqual(refused.status, 403)
        XCTAssertTrue(refused.body.contains("is a viewer"), refused.body)
        XCTAssertTrue(service.banRequests.withLock { $0.isEmpty })
    }

    func testARemovedAccountLosesItsSession() throws {
        let session = try cookie(try login("vic", "vic-password"))
        XCTAssertEqual(try HTTPTestExchange.send(port: port, method: "GET", path: "/security", cookie: session).status, 200)
        service.accounts.withLock { $0.removeAll { $0.name == "vic" } }
        let port = self.port
        XCTAssertTrue(
            try TestWait.until { try HTTPTestExchange.send(port: port, method: "GET", path: "/security", cookie: session).status == 303 },
            "the session ends once the account is gone (the console re-reads accounts every 2 s)")
    }
}

/// Polls until a condition holds (at most 10 s).
enum TestWait {
    static func until(_ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(10)
        repeat {
            if try condition() { return true }
            usleep(100_000)
        } while Date() < deadline
        return false
    }
}
