import ControlAPI
import Foundation
import XCTest

/// `POST /v1/bans/import`: its route, its request's checks and JSON, and the blocklist file.
final class BanImportTypesTests: XCTestCase {
    func testTheRouteMatchesBeforeABanTargetNamedImport() {
        XCTAssertEqual(ControlRoute.importBans.summary, "POST /v1/bans/import")
        XCTAssertTrue(ControlRoute.importBans.hasRequestBody)
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/bans/import"), .route(.importBans))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/bans/import"), .methodNotAllowed(allowed: ["POST"]))
        XCTAssertEqual(ControlRoute.match(method: "DELETE", target: "/v1/bans/192.0.2.7"), .route(.removeBan(target: "192.0.2.7")))
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/bans"), .route(.addBan))
    }

    func testTheRequestDecodesAndEncodesItsKeys() throws {
        let json = #"{"targets": ["192.0.2.7", "198.51.100.0/24"], "seconds": 3600, "reason": "blocklist"}"#
        let request = try ControlJSON.makeDecoder().decode(BanImportRequest.self, from: Data(json.utf8))
        XCTAssertEqual(request, BanImportRequest(targets: ["192.0.2.7", "198.51.100.0/24"], seconds: 3600, reason: "blocklist"))
        XCTAssertEqual(request.effectiveSource, "operator")
        XCTAssertNil(request.validationProblem())
        let encoded = try XCTUnwrap(JSONSerialization.jsonObject(with: ControlJSON.makeEncoder().encode(request)) as? [String: Any])
        XCTAssertEqual(Set(encoded.keys), ["targets", "seconds", "reason"])
        XCTAssertThrowsError(try ControlJSON.makeDecoder().decode(BanImportRequest.self, from: Data(#"{"targets": ["192.0.2.7"], "reason": "x"}"#.utf8)),
                             "seconds is required: bans always expire")

        let response = BanImportResponse(targets: 5, added: 2, extended: 1, alreadyBanned: 1, skipped: 1, seconds: 60, milliseconds: 12)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: ControlJSON.makeEncoder().encode(response)) as? [String: Int])
        XCTAssertEqual(object, ["targets": 5, "added": 2, "extended": 1, "already_banned": 1, "skipped": 1, "seconds": 60, "milliseconds": 12])
        XCTAssertEqual(try ControlJSON.makeDecoder().decode(BanImportResponse.self, from: ControlJSON.makeEncoder().encode(response)), response)
    }

    func testEveryTargetIsCheckedAndTheFirstBadOnesAreNamedByIndex() throws {
        var targets = (0..<30).map { "10.64.0.\($0 + 1)" }
        targets[4] = "10.64.0.300"
        targets[9] = "0.0.0.0/0"
        let problem = try XCTUnwrap(BanImportRequest(targets: targets, seconds: 60, reason: "list").validationProblem())
        XCTAssertTrue(problem.hasPrefix("2 of 30 targets are not acceptable, nothing was banned: targets[4]: '10.64.0.300' is not an IP address"), problem)
        XCTAssertTrue(problem.contains("targets[9]: '0.0.0.0/0' is too wide a range to ban"), problem)

        let many = (0..<25).map { "bad\($0)" }
        let (first, count) = BanImportRequest(targets: many, seconds: 60, reason: "list").targetProblems()
        XCTAssertEqual(count, 25)
        XCTAssertEqual(first.map(\.index), Array(0..<10), "at most ten are named")
        XCTAssertTrue(try XCTUnwrap(BanImportRequest(targets: many, seconds: 60, reason: "list").validationProblem()).hasSuffix("; and 15 more"))

        XCTAssertEqual(BanImportRequest(targets: [], seconds: 60, reason: "list").validationProblem(),
                       "the import names no targets; give at least one address or CIDR range")
        XCTAssertNotNil(BanImportRequest(targets: ["192.0.2.7"], seconds: 0, reason: "list").validationProblem())
        XCTAssertNotNil(BanImportRequest(targets: ["192.0.2.7"], seconds: BanAddRequest.maximumSeconds + 1, reason: "list").validationProblem())
        XCTAssertNotNil(BanImportRequest(targets: ["192.0.2.7"], seconds: 60, reason: "  ").validationProblem())
        XCTAssertNotNil(BanImportRequest(targets: ["192.0.2.7"], seconds: 60, reason: "x", source: "a\u{1B}b").validationProblem())
        let tooMany = BanImportRequest(targets: Array(repeating: "192.0.2.7", count: BanImportRequest.maximumTargets + 1), seconds: 60, reason: "x")
        XCTAssertTrue(try XCTUnwrap(tooMany.validationProblem()).contains("at most 1000000"))
    }

    func testTheFileSkipsCommentsAndBlanksAndNamesBadLinesByNumber() throws {
        let file = try BanImportFile.parse("# list\r\n192.0.2.7\r\n\n  198.51.100.0/24  # a network\n\t2001:db8::1\n#end")
        XCTAssertEqual(file.targets, ["192.0.2.7", "198.51.100.0/24", "2001:db8::1"])
        XCTAssertEqual(file.lines, [2, 4, 5])
        XCTAssertEqual(try BanImportFile.parse("").targets, [])

        XCTAssertThrowsError(try BanImportFile.parse("192.0.2.7\nnot-an-address\n192.0.2.8\n10.0.0.0/4\n")) { thrown in
            guard let error = thrown as? BanImportFileError else { return XCTFail("\(thrown)") }
            XCTAssertEqual(error.count, 2)
            XCTAssertEqual(error.lines.map(\.line), [2, 4])
            XCTAssertTrue(error.lines[0].message.contains("'not-an-address' is not an IP address"), error.description)
            XCTAssertTrue(error.description.hasPrefix("line 2: "), error.description)
        }
    }
}
