import XCTest
@testable import ControlAPI

/// The control API's JSON shapes, dates, routes and validation: the contract the daemon and
/// the CLI share. Self-contained (no Daemon), so it can move to a ControlAPITests target as is.
final class ControlAPITypesTests: XCTestCase {
    static let registrationKeys: Set<String> = [
        "aor", "contact", "expires_in", "source", "transport", "user_agent", "registered_at", "nat",
        "call_id", "cseq", "q", "received", "updated_at", "status", "account",
    ]

    /// Two bindings as a daemon would list them: one IPv4 behind NAT, one IPv6 without
    /// User-Agent or q.
    static func bindings() throws -> [RegistrationInfo] {
        let json = """
            [{"aor":"sip:1001@example.com","contact":"sip:1001@192.0.2.10:5062;transport=udp","expires_in":3599,
              "source":"198.51.100.7:40112","transport":"UDP","user_agent":"Yealink SIP-T46S 66.86.0.15",
              "registered_at":"2026-11-26T23:59:01Z","nat":true,"call_id":"a84b4c76e66710@pc33","cseq":1826,"q":0.7,
              "updated_at":"2026-11-26T23:59:01.900Z"},
             {"aor":"sip:1002@example.com","contact":"sip:1002@[2001:db8::1]:5060","expires_in":60,
              "source":"[2001:db8::1]:5060","received":"[2001:db8::1]:5060","transport":"TCP","user_agent":null,
              "registered_at":"2000-02-29T12:00:00Z","nat":false,"call_id":"c2","cseq":4294967295,"q":null,
              "updated_at":"2000-02-29T12:01:00Z"}]
            """
        return try ControlJSON.makeDecoder().decode([RegistrationInfo].self, from: Data(json.utf8))
    }

    func testRegistrationJSONHasExactlyTheDocumentedKeysAndTypes() throws {
        XCTAssertEqual(Set(RegistrationInfo.CodingKeys.allCases.map(\.rawValue)), Self.registrationKeys)
        let data = try ControlJSON.makeEncoder().encode(try Self.bindings())
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [[String: Any]])
        XCTAssertEqual(array.count, 2)
        for object in array { XCTAssertEqual(Set(object.keys), Self.registrationKeys) }
        let first = array[0]
        XCTAssertEqual(first["aor"] as? String, "sip:1001@example.com")
        XCTAssertEqual(first["expires_in"] as? Int, 3599)
        XCTAssertEqual(first["source"] as? String, "198.51.100.7:40112")
        XCTAssertEqual(first["received"] as? String, "198.51.100.7:40112")
        XCTAssertEqual(first["transport"] as? String, "UDP")
        XCTAssertEqual(first["registered_at"] as? String, "2026-11-26T23:59:01Z")
        XCTAssertEqual(first["updated_at"] as? String, "2026-11-26T23:59:01Z")
        XCTAssertEqual(first["nat"] as? Bool, true)
        XCTAssertEqual(first["cseq"] as? Int, 1826)
        XCTAssertEqual(first["q"] as? Double, 0.7)
        XCTAssertEqual(first["call_id"] as? String, "a84b4c76e66710@pc33")
        let second = array[1]
        XCTAssertEqual(second["source"] as? String, "[2001:db8::1]:5060")
        XCTAssertTrue(second["user_agent"] is NSNull, "user_agent is null, not missing")
        XCTAssertTrue(second["q"] is NSNull, "q is null, not missing")
        XCTAssertEqual(second["cseq"] as? Int, 4_294_967_295)
        XCTAssertEqual(second["registered_at"] as? String, "2000-02-29T12:00:00Z")
        XCTAssertEqual(first["status"] as? String, "registered", "answers without status (older daemons) read as registered")
        XCTAssertTrue(first["account"] is NSNull, "account is null, not missing")
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"contact\":\"sip:1002@[2001:db8::1]:5060\""), "slashes and brackets unescaped: \(text)")
    }

    func testRegistrationRoundTripsAndReceivedDefaultsToSource() throws {
        let bindings = try Self.bindings()
        let decoded = try ControlJSON.makeDecoder().decode(
            [RegistrationInfo].self, from: ControlJSON.makeEncoder().encode(bindings))
        XCTAssertEqual(decoded.map(\.aor), bindings.map(\.aor))
        XCTAssertEqual(decoded[0].registeredAt, Date(timeIntervalSince1970: 1_795_737_541))
        XCTAssertEqual(bindings[0].updatedAt, Date(timeIntervalSince1970: 1_795_737_541.9), "fractions are read")
        XCTAssertEqual(decoded[0].updatedAt, Date(timeIntervalSince1970: 1_795_737_541), "JSON keeps whole seconds")
        XCTAssertEqual(bindings[0].received, "198.51.100.7:40112")
        XCTAssertEqual(decoded[1].userAgent, nil)
        XCTAssertEqual(decoded[0].q, 0.7)

        let withoutReceived = """
            {"aor":"sip:a@b","contact":"sip:a@c","expires_in":1,"source":"192.0.2.1:5060","transport":"UDP",
             "registered_at":"2026-11-26T23:59:01Z","nat":false,"call_id":"x","cseq":1,"updated_at":"2026-11-26T23:59:01+01:00"}
            """
        let one = try ControlJSON.makeDecoder().decode(RegistrationInfo.self, from: Data(withoutReceived.utf8))
        XCTAssertEqual(one.received, "192.0.2.1:5060")
        XCTAssertEqual(one.updatedAt, Date(timeIntervalSince1970: 1_795_737_541 - 3600))

        let badDate = withoutReceived.replacingOccurrences(of: "2026-11-26T23:59:01Z", with: "yesterday")
        XCTAssertThrowsError(try ControlJSON.makeDecoder().decode(RegistrationInfo.self, from: Data(badDate.utf8)))
    }

    func testOtherBodiesUseSnakeCaseKeysAndExplicitNulls() throws {
        func keys<Value: Encodable>(_ value: Value) throws -> [String: Any] {
            let data = try ControlJSON.makeEncoder().encode(value)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let subscriber = try keys(SubscriberInfo(username: "1001", realm: "sipwarden"))
        XCTAssertEqual(Set(subscriber.keys), ["username", "domain", "display_name", "account", "realm", "auth_mode"])
        XCTAssertTrue(subscriber["domain"] is NSNull)
        let health = try keys(HealthInfo(version: "0.1.0", uptimeSeconds: 5, bindings: 2, subscribers: 3, firewall: "nftables"))
        XCTAssertEqual(Set(health.keys), ["version", "uptime_seconds", "bindings", "subscribers", "firewall"])
        let protected = try keys(HealthInfo(version: "0.1.0", uptimeSeconds: 5, bindings: 2, subscribers: 3, firewall: "memory",
                                            protections: [ProtectionInfo(name: "scanner", state: "loaded", source: "defaults", enforce: false)],
                                            policiesDirectory: "/etc/sipwarden/policies"))
        XCTAssertEqual(Set(protected.keys), ["version", "uptime_seconds", "bindings", "subscribers", "firewall", "protection_active",
                                             "protections", "policies_dir"])
        XCTAssertEqual(protected["protection_active"] as? Bool, false, "a dry run protects nobody")
        XCTAssertEqual(Set(((protected["protections"] as? [[String: Any]])?.first ?? [:]).keys), ["name", "state", "source", "enforce", "stale"])
        let error = try keys(ControlError(error: "boom"))
        XCTAssertEqual(Set(error.keys), ["error", "hint"])
        let add = try keys(SubscriberAddRequest(username: "1", password: "p", domain: "d", displayName: "n", account: "a"))
        XCTAssertEqual(Set(add.keys), ["username", "password", "domain", "display_name", "account", "replace"])
        let imported = try keys(SubscriberImportResponse(imported: 7))
        XCTAssertEqual(imported["imported"] as? Int, 7)
        let request = try keys(SubscriberImportRequest(entries: [SubscriberImportEntry(username: "1", password: "p")]))
        XCTAssertEqual((request["entries"] as? [Any])?.count, 1)
    }

    func testRFC3339FormatsAndParses() {
        XCTAssertEqual(RFC3339.format(epochSeconds: 0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.format(epochSeconds: 1_795_737_541), "2026-11-26T23:59:01Z")
        XCTAssertEqual(RFC3339.format(epochSeconds: 951_825_600), "2000-02-29T12:00:00Z")
        XCTAssertEqual(RFC3339.format(epochSeconds: -14_182_940), "1969-07-20T20:17:40Z")
        XCTAssertEqual(RFC3339.format(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59Z")
        XCTAssertEqual(RFC3339.parse("2026-11-26T23:59:01Z"), Date(timeIntervalSince1970: 1_795_737_541))
        XCTAssertEqual(RFC3339.parse("2026-11-26t23:59:01.5z"), Date(timeIntervalSince1970: 1_795_737_541.5))
        XCTAssertEqual(RFC3339.parse("2026-11-27T00:59:01+01:00"), Date(timeIntervalSince1970: 1_795_737_541))
        XCTAssertEqual(RFC3339.parse("1969-07-20T20:17:40Z"), Date(timeIntervalSince1970: -14_182_940))
        for bad in ["", "2026-11-26", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-26T24:00:00Z",
                    "2026-11-26T23:59:01", "2026-11-26T23:59:01+0100", "2026-11-26T23:59:01.Z", "2026-11-26T23:59:01Zjunk"] {
            XCTAssertNil(RFC3339.parse(bad), bad)
        }
        for seconds: Int64 in [0, 1, 59, 86_399, 86_400, 1_795_737_541, 4_102_444_800, -1, -86_401] {
            XCTAssertEqual(RFC3339.parse(RFC3339.format(epochSeconds: seconds)), Date(timeIntervalSince1970: Double(seconds)))
        }
    }

    func testRoutesRoundTripThroughTheirTargets() {
        let routes: [ControlRoute] = [
            .health, .listRegistrations(RegistrationQuery()), .listSubscribers, .addSubscriber, .importSubscribers,
            .exportSubscribers, .showSubscriber(username: "export", domain: nil),
            .removeSubscriber(username: "1001", domain: nil),
            .removeSubscriber(username: "+1555/x;y?z", domain: "example.com"),
            .removeSubscriber(username: "import", domain: nil),
            .removeSubscriber(username: "ü%20", domain: "[2001:db8::1]"),
        ]
        for route in routes {
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.summary)
        }
        XCTAssertEqual(ControlRoute.removeSubscriber(username: "+1555/x", domain: "a.b").target, "/v1/subscribers/%2B1555%2Fx?domain=a.b")
        XCTAssertEqual(ControlRoute.exportSubscribers.summary, "GET /v1/export/subscribers")
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/export/subscribers"), .methodNotAllowed(allowed: ["GET"]))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/export/bans"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "get", target: "/v1/health"), .route(.health))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/health?verbose=1"), .route(.health))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/nope"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v2/health"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "health"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/subscribers/"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/subscribers/a/b"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "PUT", target: "/v1/subscribers"), .methodNotAllowed(allowed: ["GET", "POST"]))
        XCTAssertEqual(ControlRoute.match(method: "PUT", target: "/v1/subscribers/1001"), .methodNotAllowed(allowed: ["DELETE", "GET", "PATCH"]))
        if case .badRequest = ControlRoute.match(method: "DELETE", target: "/v1/subscribers/%zz") {} else {
            XCTFail("a malformed escape is a bad request")
        }
    }

    func testSubscriberValidation() {
        XCTAssertNil(SubscriberValidation.problem(username: "1001"))
        XCTAssertNil(SubscriberValidation.problem(username: "alice.smith+office_1"))
        XCTAssertNotNil(SubscriberValidation.problem(username: ""))
        XCTAssertEqual(
            SubscriberValidation.problem(username: "a b"),
            "the username 'a b' contains a space, which the user part of a SIP URI does not allow (RFC 3261 §25.1)")
        XCTAssertNotNil(SubscriberValidation.problem(username: "a@b"))
        XCTAssertNotNil(SubscriberValidation.problem(username: "a:b"))
        XCTAssertNotNil(SubscriberValidation.problem(username: "é"))
        XCTAssertNotNil(SubscriberValidation.problem(username: String(repeating: "1", count: 257)))
        XCTAssertNil(SubscriberValidation.problem(domain: "example.com"))
        XCTAssertNil(SubscriberValidation.problem(domain: "[2001:db8::1]"))
        XCTAssertNotNil(SubscriberValidation.problem(domain: "exa mple.com"))
        XCTAssertNotNil(SubscriberValidation.problem(domain: ""))
        XCTAssertNil(SubscriberValidation.problem(password: "p ass;word#"))
        XCTAssertNotNil(SubscriberValidation.problem(password: ""))
        XCTAssertNotNil(SubscriberValidation.problem(password: "a\nb"))
        XCTAssertNotNil(SubscriberAddRequest(username: "1", password: "p", displayName: "bad\u{1B}[2J").validationProblem())
        let duplicate = SubscriberImportRequest(entries: [
            SubscriberImportEntry(username: "1", password: "p"), SubscriberImportEntry(username: "2", password: "p"),
            SubscriberImportEntry(username: "1", password: "q"),
        ])
        XCTAssertEqual(duplicate.validationProblem(), "entry 3: the username '1' already appears in entry 1")
    }

    func testDefaultSocketPath() {
        XCTAssertEqual(ControlSocket.defaultPath(environment: [:]), "./var/control.sock")
        XCTAssertEqual(ControlSocket.defaultPath(environment: ["SIPWARDEN_SOCKET": ""]), "./var/control.sock")
        XCTAssertEqual(ControlSocket.defaultPath(environment: ["SIPWARDEN_SOCKET": "/run/s.sock"]), "/run/s.sock")
        XCTAssertEqual(ControlSocket.path(inDataDirectory: "/var/lib/sipwarden"), "/var/lib/sipwarden/control.sock")
        XCTAssertEqual(ControlSocket.path(inDataDirectory: "./var/"), "./var/control.sock")
    }

    func testResponseParsing() throws {
        func parse(_ text: String, closed: Bool = true) throws -> ControlHTTPResponse? {
            if case .complete(let response) = try ControlHTTPResponse.parse(Array(text.utf8), closed: closed) { return response }
            return nil
        }
        let framed = try XCTUnwrap(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\n[]extra", closed: false))
        XCTAssertEqual(framed.status, 200)
        XCTAssertEqual(framed.body, Array("[]".utf8))
        XCTAssertEqual(framed.headers["x-a"], "b")
        let chunked = try XCTUnwrap(parse("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n"))
        XCTAssertEqual(chunked.status, 404)
        XCTAssertEqual(chunked.body, Array("abcde".utf8))
        let untilClose = try XCTUnwrap(parse("HTTP/1.0 500 Oops\r\n\r\nbody"))
        XCTAssertEqual(untilClose.body, Array("body".utf8))
        XCTAssertEqual(untilClose.reason, "Oops")
        XCTAssertNil(try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", closed: false))
        XCTAssertThrowsError(try parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))
        XCTAssertThrowsError(try parse(""))
        XCTAssertThrowsError(try parse("SSH-2.0-OpenSSH\r\n\r\n"))
        let noContent = try XCTUnwrap(parse("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", closed: false))
        XCTAssertEqual(noContent.body, [])
    }
}
