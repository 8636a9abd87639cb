import ControlAPI
import Foundation
import XCTest

/// The issue-5 control types: routes both ways, stable JSON keys, the import file's header
/// columns, range canonicalisation.
final class OperatorTypesTests: XCTestCase {
    private func keys<Value: Encodable>(_ value: Value) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: try ControlJSON.makeEncoder().encode(value))
        return Set((object as? [String: Any])?.keys.map { $0 } ?? [])
    }

    func testEveryOperatorRouteMatchesItsOwnTarget() {
        let routes: [ControlRoute] = [
            .showSubscriber(username: "1001", domain: nil), .showSubscriber(username: "10 01", domain: "example.com"),
            .updateSubscriber(username: "1001", domain: "example.com"), .setSubscriberPassword(username: "1001", domain: nil),
            .listAllowedRanges(username: nil, domain: nil), .listAllowedRanges(username: "1001", domain: "example.com"),
            .addAllowedRange, .removeAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24"),
            .listTrusted, .addTrusted, .removeTrusted(cidr: "2001:db8::/32"), .stats,
        ]
        for route in routes {
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.summary)
        }
        XCTAssertEqual(ControlRoute.removeAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24").target,
                       "/v1/allowed?cidr=192.0.2.0%2F24&user=1001")
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/allowed"), .methodNotAllowed(allowed: ["GET", "POST"]),
                       "removing needs user and cidr")
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/stats"), .methodNotAllowed(allowed: ["GET"]))
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/subscribers/1001"), .route(.removeSubscriber(username: "1001", domain: nil)),
                       "the older routes still match")
    }

    func testJSONKeysAreStableAndAbsentValuesAreNull() throws {
        XCTAssertEqual(try keys(AllowedRangeRule(username: "1", cidr: "192.0.2.0/24")), ["username", "domain", "cidr", "port"])
        XCTAssertEqual(try keys(TrustedRangeInfo(cidr: "192.0.2.0/24", origin: "operator")), ["cidr", "origin"])
        XCTAssertEqual(try keys(SubscriberInfo(username: "1", realm: "r")), ["username", "domain", "display_name", "account", "realm", "auth_mode"])
        XCTAssertEqual(try keys(StatsInfo(registrations: 0, aors: 0, registersLastMinute: 0, authFailuresLastMinute: 0, registersTotal: 0,
                                          registerTimeAvgMs: nil, registerTimeP99Ms: nil, activeBans: 0, events: [:])), [
            "registrations", "aors", "registers_last_minute", "registers_per_second", "auth_failures_last_minute",
            "auth_failures_per_second", "registers_total", "register_time_avg_ms", "register_time_p99_ms", "active_bans", "events",
        ])
        XCTAssertEqual(try keys(SubscriberUpdateRequest(authMode: "ip")), ["auth_mode"])
        let old = try ControlJSON.makeDecoder().decode(SubscriberInfo.self, from: Data(#"{"username":"1","realm":"r","domain":null,"display_name":null,"account":null}"#.utf8))
        XCTAssertEqual(old.authMode, "password", "an older daemon's listing")
    }

    func testValidationSaysWhatWasWrong() {
        XCTAssertEqual(SubscriberAddRequest(username: "1", password: nil).validationProblem(),
                       "a password is needed (only the ip and ip+port auth modes go without one)")
        XCTAssertNil(SubscriberAddRequest(username: "1", password: nil, authMode: "ip+port").validationProblem())
        XCTAssertEqual(SubscriberUpdateRequest().validationProblem(), "nothing to change: give --display-name, --account or --auth-mode")
        XCTAssertEqual(AllowedRangeRule(username: "1", cidr: "192.0.2.0/24", port: 0).validationProblem(), "the port 0 is not between 1 and 65535")
        XCTAssertEqual(AllowedRangeRule(username: "1", cidr: "0.0.0.0/0").validationProblem(),
                       "'0.0.0.0/0' covers every address; name the phone's network, e.g. 192.0.2.0/24")
        let trustEverything = TrustedRangeRequest(cidr: "::/0").validationProblem() ?? ""
        XCTAssertTrue(trustEverything.contains("no address could ever be banned"), trustEverything)
        XCTAssertFalse(trustEverything.contains("phone"), "trusted ranges are not a phone's: \(trustEverything)")
        XCTAssertEqual(AccessRange.canonical("192.0.2.7/24"), "192.0.2.0/24")
        XCTAssertEqual(AccessRange.canonical("10.0.0.0/4"), "0.0.0.0/4", "wider than a ban may be, still a range")
        XCTAssertEqual(AccessRange.canonical("192.0.2.7/32"), "192.0.2.7")
        XCTAssertNil(AccessRange.canonical("example.com"))
    }

    func testImportHeaderReadsTheNewColumnsAndNamesTheColumnOfABadField() throws {
        let entries = try SubscriberImportFile.parse(text: """
            SEQUENTIAL
            user;password;auth_mode;account;display_name
            1001;pw;password+ip;acme;Front desk
            1002;;ip;;
            1003;pw
            """)
        XCTAssertEqual(entries, [
            SubscriberImportEntry(username: "1001", password: "pw", account: "acme", displayName: "Front desk", authMode: "password+ip"),
            SubscriberImportEntry(username: "1002", password: "", authMode: "ip"),
            SubscriberImportEntry(username: "1003", password: "pw"),
        ])
        func failure(_ text: String) -> SubscriberImportFileError? {
            do { _ = try SubscriberImportFile.parse(text: text); return nil } catch { return error }
        }
        XCTAssertEqual(failure("user;password;colour\n1;a;red\n"),
                       SubscriberImportFileError(line: 1, message: "column 3: unknown column 'colour' in the header; known after user;password: account, display_name, auth_mode, domain, realm, ha1_md5, ha1_sha256"))
        XCTAssertEqual(failure("user;password;auth_mode\n1;a;ipsec\n")?.message,
                       "column 3 (auth_mode): 'ipsec' is not an auth mode; use one of password, ip, ip+port, password+ip")
        XCTAssertEqual(failure("user;password;auth_mode\n1;;password\n")?.message, "column 2 (password): the password is empty")
        XCTAssertEqual(try SubscriberImportFile.parse(text: "1001;pw;whatever;else\n"), [SubscriberImportEntry(username: "1001", password: "pw")],
                       "without a header, further fields are ignored as before")
    }
}
