import XCTest
@testable import ControlAPI

/// The registration filters, sort columns and address ranges the daemon applies, the routes
/// that carry them, and the shapes of `show` and `unregister`.
final class RegistrationQueryTests: XCTestCase {
    private func row(_ user: String, source: String, contact: String? = nil, ua: String? = nil, nat: Bool = false,
                     status: RegistrationStatus = .registered, account: String? = nil, expiresIn: Int = 60) -> RegistrationInfo {
        RegistrationInfo(
            aor: "sip:\(user)@example.com", contact: contact ?? "sip:\(user)@\(source)", expiresIn: expiresIn, source: source,
            transport: "UDP", userAgent: ua, registeredAt: Date(timeIntervalSince1970: 0), nat: nat, callID: "c-\(user)", cseq: 1,
            updatedAt: Date(timeIntervalSince1970: 0), status: status, account: account)
    }

    private lazy var rows = [
        row("1001", source: "192.0.2.10:5060", ua: "Yealink SIP-T46S", account: "acme", expiresIn: 300),
        row("1002", source: "198.51.100.7:40112", contact: "sip:1002@10.1.2.3:5062", ua: "Grandstream", nat: true, account: "acme", expiresIn: 30),
        row("1010", source: "[2001:db8::5]:5060", ua: "yealink T54W", status: .unreachable, expiresIn: 3000),
        row("2001", source: "192.0.2.200:5060", status: .expired, account: "beta", expiresIn: 0),
    ]

    private func users(_ parameters: [String: String]) throws -> [String] {
        let query = try RegistrationQuery.parse(parameters).get()
        return query.apply(rows).map { RegistrationQuery.userPart(of: $0.aor) }
    }

    func testEachFilterAndTheirCombination() throws {
        XCTAssertEqual(try users([:]), ["1001", "1002", "1010"], "the default is every live binding")
        XCTAssertEqual(try users(["status": "all"]), ["1001", "1002", "1010", "2001"])
        XCTAssertEqual(try users(["status": "expired"]), ["2001"])
        XCTAssertEqual(try users(["status": "unreachable"]), ["1010"])
        XCTAssertEqual(try users(["status": "registered"]), ["1001", "1002"])
        XCTAssertEqual(try users(["number": "10*"]), ["1001", "1002", "1010"])
        XCTAssertEqual(try users(["number": "100*"]), ["1001", "1002"])
        XCTAssertEqual(try users(["number": "1001"]), ["1001"])
        XCTAssertEqual(try users(["number": "*", "status": "all"]), ["1001", "1002", "1010", "2001"])
        XCTAssertEqual(try users(["ip": "192.0.2.0/24", "status": "all"]), ["1001", "2001"])
        XCTAssertEqual(try users(["ip": "10.0.0.0/8"]), ["1002"], "the contact host matches")
        XCTAssertEqual(try users(["ip": "2001:db8::/32"]), ["1010"])
        XCTAssertEqual(try users(["ip": "2001:db8::5"]), ["1010"])
        XCTAssertEqual(try users(["ip": "0.0.0.0/0"]), ["1001", "1002"], "a filter may be as wide as wanted")
        XCTAssertEqual(try users(["account": "acme"]), ["1001", "1002"])
        XCTAssertEqual(try users(["ua": "YEALINK"]), ["1001", "1010"])
        XCTAssertEqual(try users(["nat": "true"]), ["1002"])
        XCTAssertEqual(try users(["nat": "false"]), ["1001", "1010"])
        XCTAssertEqual(try users(["account": "acme", "ua": "yealink"]), ["1001"])
        XCTAssertEqual(try users(["number": "10*", "ip": "192.0.2.0/24", "status": "all"]), ["1001"])
    }

    func testSortingByAnyColumnBothWays() throws {
        XCTAssertEqual(try users(["sort": "expires_in"]), ["1002", "1001", "1010"])
        XCTAssertEqual(try users(["sort": "-expires"]), ["1010", "1001", "1002"])
        XCTAssertEqual(try users(["sort": "source", "status": "all"]), ["1001", "2001", "1002", "1010"], "by address bytes, IPv4 first")
        XCTAssertEqual(try users(["sort": "-number", "status": "all"]), ["2001", "1010", "1002", "1001"])
        XCTAssertEqual(try users(["sort": "USER-AGENT"]), ["1002", "1001", "1010"], "header names work too")
        XCTAssertEqual(try users(["sort": "account"]), ["1010", "1001", "1002"], "absent values first, ties by AOR")
        for column in RegistrationSortColumn.allCases {
            XCTAssertEqual(RegistrationSortColumn(named: column.rawValue), column)
            XCTAssertEqual(try users(["sort": column.rawValue, "status": "all"]).count, 4)
        }
    }

    func testBadValuesSayWhatToType() {
        let cases: [([String: String], String)] = [
            (["number": "1*1"], "prefix ending in *"), (["number": ""], "such as 1001"),
            (["ip": "192.0.2.300"], "192.0.2.0/24"), (["ip": "192.0.2.0/33"], "CIDR"), (["ip": "::1/129"], "CIDR"),
            (["status": "online"], "registered, unreachable, expired, live, all"),
            (["nat": "maybe"], "true or false"), (["sort": "colour"], "expires_in"), (["colour": "red"], "known: number"),
        ]
        for (parameters, hint) in cases {
            guard case .failure(let problem) = RegistrationQuery.parse(parameters) else { XCTFail("\(parameters) accepted"); continue }
            XCTAssertTrue(problem.message.contains(hint), "\(parameters): \(problem.message)")
        }
    }

    func testNetworksAndHosts() {
        XCTAssertEqual(IPNetwork("192.0.2.77/24")?.description, "192.0.2.0/24")
        XCTAssertEqual(IPNetwork("::ffff:192.0.2.7")?.description, "192.0.2.7", "IPv4-mapped IPv6 is IPv4")
        XCTAssertTrue(IPNetwork("::ffff:192.0.2.0/120")!.contains("192.0.2.9"))
        XCTAssertTrue(IPNetwork("[2001:db8::1]")!.contains("2001:db8::1"))
        XCTAssertFalse(IPNetwork("192.0.2.0/24")!.contains("2001:db8::1"), "families never match")
        XCTAssertFalse(IPNetwork("192.0.2.0/25")!.contains("192.0.2.128"))
        for bad in ["", "example.com", "1.2.3", "1.2.3.4/", "1.2.3.4/x", "1.2.3.4/33", "::/129", "1.2.3.4/-1"] {
            XCTAssertNil(IPNetwork(bad), bad)
            XCTAssertNotNil(IPNetwork.problem(bad), bad)
        }
        XCTAssertEqual(IPNetwork.host(of: "192.0.2.1:5060"), "192.0.2.1")
        XCTAssertEqual(IPNetwork.host(of: "[2001:db8::1]:5060"), "2001:db8::1")
        XCTAssertEqual(IPNetwork.host(of: "sip:1001@10.0.0.5:5062;transport=udp"), "10.0.0.5")
        XCTAssertEqual(IPNetwork.host(of: "sip:1001@[2001:db8::9]:5060;ob"), "2001:db8::9")
        XCTAssertEqual(IPNetwork.host(of: "sip:pbx.example.com"), "pbx.example.com")
        XCTAssertEqual(IPNetwork.host(of: "sips:1001@198.51.100.4:5061"), "198.51.100.4")
        XCTAssertEqual(IPNetwork.host(of: "<sip:1001@192.0.2.8:5060>;expires=60"), "192.0.2.8", "the host after the @, up to the port")
        XCTAssertEqual(IPNetwork.host(of: "2001:db8::7"), "2001:db8::7", "a bare IPv6 address keeps its colons")
        XCTAssertEqual(IPNetwork.host(of: "[2001:db8::7]"), "2001:db8::7")
        XCTAssertEqual(IPNetwork.host(of: "sip:Ünïcode@192.0.2.9"), "192.0.2.9")
        XCTAssertEqual(IPNetwork.host(of: "2001:db8::1"), "2001:db8::1")
    }

    func testRoutesCarryTheQueryAndRoundTrip() {
        let query = RegistrationQuery(number: "100*", ip: "10.0.0.0/8", account: "a&b c", status: .all, userAgent: "Yealink T4",
                                      nat: true, sort: .expiresIn, descending: true)
        let routes: [ControlRoute] = [
            .listRegistrations(query), .listRegistrations(RegistrationQuery()), .showRegistration(aor: "sip:1001@example.com"),
            .showRegistration(aor: "1001"), .unregister,
        ]
        for route in routes {
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.target)
        }
        XCTAssertEqual(ControlRoute.listRegistrations(RegistrationQuery()).target, "/v1/registrations")
        XCTAssertEqual(ControlRoute.showRegistration(aor: "sip:1001@example.com").target, "/v1/registrations/sip%3A1001%40example.com")
        if case .badRequest(let message) = ControlRoute.match(method: "GET", target: "/v1/registrations?ip=nope") {
            XCTAssertTrue(message.contains("ip"), message)
        } else {
            XCTFail("a bad filter is a 400")
        }
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/registrations/unregister"), .methodNotAllowed(allowed: ["POST"]))
        XCTAssertTrue(ControlRoute.unregister.hasRequestBody)
    }

    func testDetailAndUnregisterShapes() throws {
        let detail = RegistrationDetail(
            aor: "sip:1001@example.com", account: nil,
            bindings: [RegistrationBindingDetail(registration: rows[0], viaPath: "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1",
                                                 keepaliveMisses: 1, lastKeepaliveAnswerAt: Date(timeIntervalSince1970: 60))],
            events: [BanEvidenceEvent(timeMilliseconds: 1000, kind: "register.accepted", sourceIP: "192.0.2.10")])
        let data = try ControlJSON.makeEncoder().encode(detail)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["aor", "account", "bindings", "events", "events_source"])
        XCTAssertTrue(object["events_source"] is NSNull, "unset: null, the key still there")
        let binding = try XCTUnwrap((object["bindings"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(binding.keys), Set(RegistrationInfo.CodingKeys.allCases.map(\.rawValue)).union(
            ["via_path", "contact_parameters", "instance", "reg_id", "keepalive_misses", "last_keepalive_answer_at", "unreachable_since"]))
        XCTAssertTrue(binding["instance"] is NSNull, "a phone without +sip.instance: null, the key still there")
        XCTAssertEqual(binding["last_keepalive_answer_at"] as? String, "1970-01-01T00:01:00Z")
        XCTAssertTrue(binding["unreachable_since"] is NSNull)
        XCTAssertEqual(try ControlJSON.makeDecoder().decode(RegistrationDetail.self, from: data), detail)

        XCTAssertNil(UnregisterRequest(aor: "1001").validationProblem())
        XCTAssertNil(UnregisterRequest(ip: "192.0.2.0/24", dryRun: true).validationProblem())
        XCTAssertNotNil(UnregisterRequest().validationProblem())
        XCTAssertNotNil(UnregisterRequest(aor: "1001", ip: "192.0.2.1").validationProblem())
        XCTAssertNotNil(UnregisterRequest(contact: "sip:x", ip: "192.0.2.1").validationProblem())
        XCTAssertTrue(UnregisterRequest(ip: "nope").validationProblem()?.contains("192.0.2.7") ?? false)
        let decoded = try ControlJSON.makeDecoder().decode(UnregisterRequest.self, from: Data(#"{"aor":"1001"}"#.utf8))
        XCTAssertFalse(decoded.dryRun, "dry_run defaults to false")
        let response = try JSONSerialization.jsonObject(with: ControlJSON.makeEncoder().encode(UnregisterResponse(dryRun: true, removed: []))) as? [String: Any]
        XCTAssertEqual(response?["dry_run"] as? Bool, true)
    }

    /// A page is the same rows as the whole sorted listing cut at offset and limit, whether
    /// `select` sorts everything or keeps only the first offset + limit in its heap.
    func testAPageIsTheSortedListingCutAtOffsetAndLimit() throws {
        var many: [RegistrationInfo] = []
        for index in 0..<500 {
            // Deliberate ties (expiry, source, account) so the fallback order matters.
            let source = index % 7 == 0 ? "[2001:db8::\(index % 5)]:5060" : "192.0.2.\(index % 50):\(5060 + index % 3)"
            many.append(row(String(1000 + (index * 37) % 500), source: source, ua: index % 4 == 0 ? nil : "UA \(index % 9)",
                            nat: index % 2 == 0, status: index % 11 == 0 ? .expired : .registered,
                            account: index % 3 == 0 ? nil : "acct\(index % 4)", expiresIn: index % 13))
        }
        for sort in [nil, "source", "-source", "expires_in", "-expires_in", "number", "-number", "account", "user_agent", "-q"] {
            for status in ["live", "all"] {
                var parameters = ["status": status]
                if let sort { parameters["sort"] = sort }
                let query = try RegistrationQuery.parse(parameters).get()
                let whole = query.apply(many)
                XCTAssertEqual(query.select(many, offset: 0, limit: .max).total, whole.count)
                for (offset, limit) in [(0, 10), (0, 1), (17, 5), (100, 100), (whole.count - 3, 10), (whole.count, 10), (whole.count + 5, 10)] {
                    let page = query.select(many, offset: offset, limit: limit)
                    let start = min(offset, whole.count), end = min(whole.count, offset + limit)
                    XCTAssertEqual(page.total, whole.count)
                    XCTAssertEqual(page.rows, Array(whole[start..<end]), "sort \(sort ?? "none"), status \(status), offset \(offset), limit \(limit)")
                }
            }
        }
        // And the whole listing is in order: each row is not after the next one.
        let query = try RegistrationQuery.parse(["sort": "source", "status": "all"]).get()
        let whole = query.apply(many)
        for (a, b) in zip(whole, whole.dropFirst()) {
            XCTAssertNotEqual(RegistrationSortColumn.source.compare(a, b), .orderedDescending)
        }
        XCTAssertEqual(query.select(many, offset: 0, limit: 0).rows, [], "limit 0 is no rows")
        XCTAssertEqual(query.select(many, offset: 0, limit: 0).total, whole.count)
    }
}
