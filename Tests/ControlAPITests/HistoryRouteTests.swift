import ControlAPI
import Foundation
import XCTest

/// The history and analysis routes: every query survives the trip to a request target and
/// back, bad values are a 400 naming the parameter, and relative times resolve against the
/// clock given.
final class HistoryRouteTests: XCTestCase {
    func testQueriesRoundTripThroughTheirTargets() {
        let queries = [
            HistoryQuery(),
            HistoryQuery(aor: "sip:1001@example.com", number: "1001", ip: "192.0.2.0/24", account: "acme",
                         kinds: ["register.*", "auth.failed"], since: "2h", until: "2026-12-01T10:00:00Z", limit: 50),
        ]
        for query in queries {
            let route = ControlRoute.history(query)
            XCTAssertEqual(route.method, "GET")
            XCTAssertEqual(ControlRoute.match(method: "GET", target: route.target), .route(route), route.target)
        }
        for analysis in [AnalysisQuery(), AnalysisQuery(since: "7d", until: "1h", step: .day, limit: 10)] {
            for route in [ControlRoute.analysisTrend(analysis), .analysisFailures(analysis)] {
                XCTAssertEqual(ControlRoute.match(method: "GET", target: route.target), .route(route), route.target)
            }
        }
        XCTAssertEqual(ControlRoute.history(HistoryQuery(kinds: ["a", "b"])).target, "/v1/history?kind=a%2Cb")
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/history"), .methodNotAllowed(allowed: ["GET"]))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/analysis/nothing"), .notFound)
    }

    func testBadValuesAreRefusedNamingTheParameter() {
        for (target, parameter) in [
            ("/v1/history?since=yesterday", "since"), ("/v1/history?ip=300.1.1.1", "ip"), ("/v1/history?limit=0", "limit"),
            ("/v1/history?colour=red", "colour"), ("/v1/analysis/trend?step=5m", "step"), ("/v1/analysis/failures?until=later", "until"),
        ] {
            guard case .badRequest(let message) = ControlRoute.match(method: "GET", target: target) else {
                XCTFail("\(target) must be a 400")
                continue
            }
            XCTAssertTrue(message.contains(parameter), "\(target): \(message)")
        }
    }

    func testTimesAreRFC3339OrSpansBeforeNow() throws {
        let now = try XCTUnwrap(RFC3339.parse("2026-12-01T12:00:00Z"))
        XCTAssertEqual(HistoryTime.resolve("2h", now: now), RFC3339.parse("2026-12-01T10:00:00Z"))
        XCTAssertEqual(HistoryTime.resolve("7d", now: now), RFC3339.parse("2026-11-24T12:00:00Z"))
        XCTAssertEqual(HistoryTime.resolve("30m", now: now), RFC3339.parse("2026-12-01T11:30:00Z"))
        XCTAssertEqual(HistoryTime.resolve("2026-12-01T09:15:00Z", now: now), RFC3339.parse("2026-12-01T09:15:00Z"))
        for bad in ["", "h", "2x", "-2h", "2.5h", "tomorrow"] {
            XCTAssertNil(HistoryTime.resolve(bad, now: now), bad)
            XCTAssertNotNil(HistoryTime.problem(bad), bad)
        }
    }

    func testTheTrendReportsPeakAgainstTheMedianStep() {
        func point(_ registers: Int, peak: Int) -> TrendPoint {
            TrendPoint(startMilliseconds: 0, activeBindings: nil, registrations: registers, refreshes: 0, removals: 0, failures: 0,
                       failuresByKind: [:], distinctSources: 0, peakPerSecond: peak)
        }
        let report = TrendReport(step: .minute, since: Date(), until: Date(), points: [point(60, peak: 2), point(120, peak: 3), point(600, peak: 40)])
        XCTAssertEqual(report.steadyPerSecond, 2, accuracy: 1e-9, "the median of 1, 2 and 10 per second")
        XCTAssertEqual(report.peakPerSecond, 40)
        XCTAssertEqual(try XCTUnwrap(report.peakToSteady), 20, accuracy: 1e-9)
        XCTAssertNil(TrendReport(step: .hour, since: Date(), until: Date(), points: []).peakToSteady)
    }

    func testFailureReasonsFromKindsAndDetails() {
        XCTAssertEqual(FailureReason.reason(kind: "auth.failed", detail: "wrong_password"), "wrong password")
        XCTAssertEqual(FailureReason.reason(kind: "auth.failed", detail: "forged_nonce"), "forged nonce")
        XCTAssertEqual(FailureReason.reason(kind: "auth.unknown_user", detail: nil), "unknown user")
        XCTAssertEqual(FailureReason.reason(kind: "acl.denied", detail: nil), "ACL")
        XCTAssertEqual(FailureReason.reason(kind: "rate.exceeded", detail: nil), "rate limited")
        XCTAssertEqual(FailureReason.reason(kind: "ban.added", detail: nil), "banned")
        XCTAssertNil(FailureReason.reason(kind: "register.accepted", detail: nil))
    }
}
