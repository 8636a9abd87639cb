import Foundation
import XCTest

@testable import ControlAPI

/// The ban and plugin shapes of the control API: targets, validation, JSON keys, routes.
final class BanTypesTests: XCTestCase {
    func testBanTargetsAreCanonicalised() {
        let cases: [(String, String)] = [
            ("192.0.2.7", "192.0.2.7"),
            ("192.0.2.7/32", "192.0.2.7"),
            ("192.0.2.7/24", "192.0.2.0/24"),
            ("198.51.100.255/25", "198.51.100.128/25"),
            ("10.1.2.3/8", "10.0.0.0/8"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("2001:db8::1/128", "2001:db8::1"),
            ("2001:db8:abcd:12::99/48", "2001:db8:abcd::/48"),
            ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
            ("::ffff:192.0.2.7", "192.0.2.7"),
            ("::ffff:192.0.2.7/120", "192.0.2.0/24"),
            ("::ffff:c000:0207", "192.0.2.7"),
            ("fe80::1", "fe80::1"),
        ]
        for (text, canonical) in cases {
            XCTAssertEqual(BanTarget.canonical(text), canonical, text)
            XCTAssertNil(BanTarget.problem(text), text)
        }
    }

    func testBadBanTargetsSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("", "the address is empty"),
            ("example.com", "'example.com' is not an IP address or CIDR range; give an IPv4 or IPv6 address"),
            ("192.0.2.256", "is not an IP address"),
            ("192.0.2", "is not an IP address"),
            ("192.0.2.07", "is not an IP address"),
            (" 192.0.2.7", "is not an IP address"),
            ("192.0.2.7/", "the prefix length after '/' must be a number"),
            ("192.0.2.7/2x", "the prefix length after '/' must be a number"),
            ("192.0.2.7/-1", "the prefix length after '/' must be a number"),
            ("192.0.2.7/33", "the prefix length is at most 32 for IPv4"),
            ("2001:db8::/129", "the prefix length is at most 128 for IPv6"),
            ("[2001:db8::1]", "is not an IP address"),
            ("fe80::1%eth0", "is not an IP address"),
            ("2001:db8:::1", "is not an IP address"),
            ("::ffff:192.0.2.0/64", "an IPv4-mapped range needs a prefix of /96 or longer"),
            ("0.0.0.0/0", "too wide a range to ban (a prefix shorter than /8)"),
            ("10.0.0.0/7", "too wide"),
            ("::/0", "too wide a range to ban (a prefix shorter than /16)"),
            ("2000::/3", "too wide"),
        ]
        for (text, message) in cases {
            XCTAssertNil(BanTarget.canonical(text), text)
            let problem = BanTarget.problem(text) ?? ""
            XCTAssertTrue(problem.contains(message), "\(text): \(problem)")
        }
        let long = String(repeating: "1", count: 200)
        XCTAssertLessThan((BanTarget.problem(long) ?? "").count, 220, "long input is shortened in the message")
        XCTAssertEqual(BanTarget.canonical("10.0.0.0/8"), "10.0.0.0/8")
        XCTAssertEqual(BanTarget.canonical("2001::/16"), "2001::/16")
    }

    func testBanAddRequestValidation() {
        XCTAssertNil(BanAddRequest(target: "192.0.2.7", seconds: 1, reason: "r").validationProblem())
        XCTAssertNil(BanAddRequest(target: "192.0.2.7", seconds: BanAddRequest.maximumSeconds, reason: "r", source: "fail2ban sip").validationProblem())
        let cases: [(BanAddRequest, String)] = [
            (BanAddRequest(target: "x", seconds: 60, reason: "r"), "'x' is not an IP address"),
            (BanAddRequest(target: "192.0.2.7", seconds: 0, reason: "r"), "between 1 second and 10 years, not 0 seconds"),
            (BanAddRequest(target: "192.0.2.7", seconds: BanAddRequest.maximumSeconds + 1, reason: "r"), "between 1 second and 10 years"),
            (BanAddRequest(target: "192.0.2.7", seconds: 60, reason: ""), "the reason is empty"),
            (BanAddRequest(target: "192.0.2.7", seconds: 60, reason: "a\u{85}b"), "the reason contains a control character"),
            (BanAddRequest(target: "192.0.2.7", seconds: 60, reason: String(repeating: "r", count: 513)), "the reason is longer than 512 bytes"),
            (BanAddRequest(target: "192.0.2.7", seconds: 60, reason: "r", source: "\t"), "the source is empty"),
            (BanAddRequest(target: "192.0.2.7", seconds: 60, reason: "r", source: "a\rb"), "the source contains a control character"),
        ]
        for (request, message) in cases {
            let problem = request.validationProblem() ?? ""
            XCTAssertTrue(problem.contains(message), "\(request): \(problem)")
        }
        XCTAssertEqual(BanAddRequest(target: "192.0.2.7", seconds: 1, reason: "r").effectiveSource, "operator")
        XCTAssertEqual(BanAddRequest(target: "192.0.2.7", seconds: 1, reason: "r", source: "fail2ban sip").effectiveSource, "fail2ban sip")
    }

    func testBanAddRequestJSONKeys() throws {
        let data = try ControlJSON.makeEncoder().encode(BanAddRequest(target: "192.0.2.0/24", seconds: 90, reason: "r", source: "s"))
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"reason":"r","seconds":90,"source":"s","target":"192.0.2.0/24"}"#)
        let decoded = try ControlJSON.makeDecoder().decode(BanAddRequest.self, from: Data(#"{"target":"192.0.2.7","seconds":5,"reason":"x"}"#.utf8))
        XCTAssertNil(decoded.source)
    }

    func testBanInfoJSONHasTheDocumentedKeysAndRoundTrips() throws {
        let ban = BanInfo(
            address: "2001:db8::/32", expiresIn: 3599, reason: "scanner", source: "scanner",
            createdAt: Date(timeIntervalSince1970: 1_795_737_541.7), expiresAt: Date(timeIntervalSince1970: 1_795_741_141),
            evidenceCount: 2)
        let data = try ControlJSON.makeEncoder().encode(ban)
        XCTAssertEqual(
            String(decoding: data, as: UTF8.self),
            #"{"address":"2001:db8::/32","created_at":"2026-11-26T23:59:01Z","evidence_count":2,"expires_at":"2026-11-27T00:59:01Z","expires_in":3599,"reason":"scanner","source":"scanner"}"#)
        XCTAssertEqual(Set(BanInfo.CodingKeys.allCases.map(\.rawValue)),
                       ["address", "expires_in", "reason", "source", "created_at", "expires_at", "evidence_count"])
        let decoded = try ControlJSON.makeDecoder().decode(BanInfo.self, from: data)
        XCTAssertEqual(decoded.address, ban.address)
        XCTAssertEqual(decoded.createdAt, Date(timeIntervalSince1970: 1_795_737_541))
        XCTAssertEqual(decoded.evidenceCount, 2)
        XCTAssertThrowsError(try ControlJSON.makeDecoder().decode(
            BanInfo.self,
            from: Data(#"{"address":"a","expires_in":1,"reason":"r","source":"s","created_at":"yesterday","expires_at":"2026-11-27T00:59:01Z"}"#.utf8)))
    }

    func testEvidenceDecodesStoredSecurityEventsLeniently() throws {
        // As the store keeps them: SecurityEvent JSON, nil fields left out, any schema version.
        let stored = #"""
            [{"id":7,"v":1,"time_ms":1795737541000,"kind":"auth.failed","source_ip":"198.51.100.7","source_port":5060,
              "transport":"UDP","aor":"sip:1001@example.com","user_agent":"friendly-scanner","detail":"wrong_password"},
             {"kind":"scanner.detected","source_ip":"203.0.113.9","future_field":true}]
            """#
        let events = try BanEvidenceEvent.decodeArray(fromJSON: stored)
        XCTAssertEqual(events.count, 2)
        XCTAssertEqual(events[0].id, 7)
        XCTAssertEqual(events[0].timeMilliseconds, 1_795_737_541_000)
        XCTAssertEqual(events[0].time, Date(timeIntervalSince1970: 1_795_737_541))
        XCTAssertEqual(events[0].userAgent, "friendly-scanner")
        XCTAssertNil(events[0].username)
        XCTAssertEqual(events[1], BanEvidenceEvent(timeMilliseconds: 0, kind: "scanner.detected", sourceIP: "203.0.113.9"))
        XCTAssertEqual(try BanEvidenceEvent.decodeArray(fromJSON: ""), [])
        XCTAssertThrowsError(try BanEvidenceEvent.decodeArray(fromJSON: #"[{"id":1}]"#), "kind is required")

        let encoded = try ControlJSON.makeEncoder().encode(events[1])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        XCTAssertEqual(Set(object.keys), Set(BanEvidenceEvent.CodingKeys.allCases.map(\.rawValue)))
        XCTAssertTrue(object["aor"] is NSNull)
    }

    func testPluginInfoJSON() throws {
        let plugin = PluginInfo(name: "bruteforce", version: "1.0.0", file: "/p/libsipwarden-bruteforce.so", state: "loaded")
        XCTAssertEqual(
            String(decoding: try ControlJSON.makeEncoder().encode(plugin), as: UTF8.self),
            #"{"decisions":0,"detail":null,"enforce":true,"events_dropped":0,"events_handled":0,"file":"/p/libsipwarden-bruteforce.so","last_exit":null,"# +
            #""name":"bruteforce","policy_file":null,"restarts":0,"source":"file","stale":null,"state":"loaded","version":"1.0.0"}"#,
            "the original keys unchanged, the new ones added")
        let decoded = try ControlJSON.makeDecoder().decode(
            PluginInfo.self, from: Data(#"{"name":"x","version":"","file":"f","state":"failed"}"#.utf8))
        XCTAssertNil(decoded.detail)
        XCTAssertEqual(decoded.state, "failed")
        XCTAssertEqual(decoded.source, "file", "an older daemon's entry decodes with the defaults")
        XCTAssertTrue(decoded.enforce)
        XCTAssertNil(decoded.stale)
        let stale = PluginInfo(name: "scanner", version: "1.0.0", file: "f", state: "loaded", source: "defaults", enforce: false,
                               stale: "x.yaml: ban_time: invalid value 'soon'", eventsDropped: 7, restarts: 2, lastExit: "exited with status 1")
        XCTAssertEqual(try ControlJSON.makeDecoder().decode(PluginInfo.self, from: try ControlJSON.makeEncoder().encode(stale)), stale)
    }

    func testBanAndPluginRoutesRoundTrip() {
        let routes: [ControlRoute] = [
            .listBans, .addBan, .removeBan(target: "192.0.2.7"), .removeBan(target: "192.0.2.0/24"),
            .removeBan(target: "2001:db8::/32"), .banWhy(target: "192.0.2.7"), .banWhy(target: "2001:db8::/32"),
            .listPlugins, .reloadPlugins,
        ]
        for route in routes {
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.summary)
        }
        XCTAssertEqual(ControlRoute.removeBan(target: "192.0.2.0/24").target, "/v1/bans/192.0.2.0%2F24")
        XCTAssertEqual(ControlRoute.banWhy(target: "2001:db8::1").target, "/v1/bans/2001%3Adb8%3A%3A1/why")
        XCTAssertEqual(ControlRoute.addBan.summary, "POST /v1/bans")
        XCTAssertEqual(ControlRoute.reloadPlugins.summary, "POST /v1/plugins/reload")
        XCTAssertTrue(ControlRoute.addBan.hasRequestBody)
        XCTAssertFalse(ControlRoute.reloadPlugins.hasRequestBody)
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/bans/192.0.2.0/24"), .route(.removeBan(target: "192.0.2.0/24")))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/bans/192.0.2.0/24/why"), .route(.banWhy(target: "192.0.2.0/24")))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/bans/why"), .methodNotAllowed(allowed: ["DELETE"]),
                       "a lone 'why' is a (bad) target, refused later as not an address")
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/bans/1.2.3.4/x/why"), .notFound)
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/bans/%ZZ"), .badRequest("the path /v1/bans/%ZZ has a malformed percent escape"))
    }
}
