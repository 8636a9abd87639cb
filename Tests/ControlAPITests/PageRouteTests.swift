import XCTest
@testable import ControlAPI

/// The console's page routes (`/v1/registrations/page`, `/v1/phones`) and the selection of a
/// phones page.
final class PageRouteTests: XCTestCase {
    func testThePageRoutesRoundTripAndRefuseABadWindow() {
        let routes: [ControlRoute] = [
            .registrationPage(RegistrationQuery(number: "10*", sort: .source, descending: true), offset: 200, limit: 50),
            .registrationPage(RegistrationQuery(), offset: 0, limit: ControlRoute.defaultPageLimit),
            .phonePage(filter: nil, offset: 0, limit: PhonePage.defaultLimit),
            .phonePage(filter: "10&0 @example", offset: 400, limit: 1000),
        ]
        for route in routes {
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.summary)
        }
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/phones"), .route(.phonePage(filter: nil, offset: 0, limit: 200)))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/phones?q="), .route(.phonePage(filter: nil, offset: 0, limit: 200)),
                       "an empty filter is every phone")
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/phones"), .methodNotAllowed(allowed: ["GET"]))
        for (target, expected) in [
            ("/v1/phones?offset=-1", "offset '-1'"), ("/v1/phones?limit=0", "limit '0'"), ("/v1/phones?limit=1001", "limit '1001'"),
            ("/v1/phones?sort=name", "unknown query parameter 'sort'"), ("/v1/registrations/page?offset=x", "offset 'x'"),
            ("/v1/registrations/page?limit=5000", "limit '5000'"), ("/v1/registrations/page?sort=colour", "sort 'colour'"),
        ] {
            guard case .badRequest(let message) = ControlRoute.match(method: "GET", target: target) else {
                XCTFail("\(target) is refused"); continue
            }
            XCTAssertTrue(message.contains(expected), "\(target): \(message)")
        }
    }

    func testAPhonePageIsFilteredOrderedAndCut() {
        var names: [(String, String?)] = []
        for index in (0..<300).reversed() { names.append(("\(1000 + index)", index % 3 == 0 ? "Example.COM" : nil)) }
        names.append(("1000", "b.example"))
        let all = PhonePage.select(names, filter: nil, offset: 0, limit: .max) { ($0.0, $0.1) }
        XCTAssertEqual(all.total, 301)
        let expected = names.sorted { ($0.0, $0.1 ?? "") < ($1.0, $1.1 ?? "") }
        XCTAssertEqual(all.phones.map(\.0), expected.map(\.0))
        XCTAssertEqual(all.phones.prefix(2).map { $0.1 }, ["Example.COM", "b.example"], "one user: by domain")
        for (offset, limit) in [(0, 10), (5, 1), (290, 20), (301, 5), (400, 5)] {
            let page = PhonePage.select(names, filter: nil, offset: offset, limit: limit) { ($0.0, $0.1) }
            XCTAssertEqual(page.total, 301)
            XCTAssertEqual(page.phones.map(\.0), Array(expected.map(\.0)[min(offset, 301)..<min(301, offset + limit)]), "offset \(offset) limit \(limit)")
        }
        let some = PhonePage.select(names, filter: "EXAMPLE.com", offset: 0, limit: 5) { ($0.0, $0.1) }
        XCTAssertEqual(some.total, 100, "the filter is a case-insensitive part of user@domain")
        XCTAssertEqual(some.phones.map(\.0), ["1000", "1003", "1006", "1009", "1012"])
        XCTAssertEqual(PhonePage.select(names, filter: "12", offset: 0, limit: 1000) { ($0.0, $0.1) }.total,
                       names.filter { "\($0.0)@\($0.1 ?? "")".contains("12") }.count)
    }

    func testAPhonePageEncodesItsDocumentedKeys() throws {
        let page = PhonePage(total: 1, offset: 0, limit: 200, phones: [], allowedRanges: [
            AllowedRangeRule(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: nil),
        ])
        let object = try JSONSerialization.jsonObject(with: ControlJSON.makeEncoder().encode(page)) as? [String: Any]
        XCTAssertEqual(Set(object?.keys.map { $0 } ?? []), ["total", "offset", "limit", "phones", "allowed_ranges"])
        XCTAssertEqual(try ControlJSON.makeDecoder().decode(PhonePage.self, from: ControlJSON.makeEncoder().encode(page)), page)
    }
}
