import ControlAPI
import Foundation
import XCTest

/// The device, country and alert routes and their answers' JSON.
final class AnalysisRouteTests: XCTestCase {
    func testRoutesRoundTripAndRefuseWhatTheyDoNotTake() {
        let routes: [ControlRoute] = [
            .analysisDevices(AnalysisQuery()), .analysisDevices(AnalysisQuery(since: "7d", until: "2026-12-01T00:00:00Z")),
            .analysisGeo(AnalysisQuery(since: "24h")), .alerts(AnalysisQuery()), .alerts(AnalysisQuery(since: "30d", limit: 20)),
        ]
        for route in routes {
            XCTAssertEqual(route.method, "GET")
            XCTAssertEqual(ControlRoute.match(method: route.method, target: route.target), .route(route), route.summary)
        }
        XCTAssertEqual(ControlRoute.analysisGeo(AnalysisQuery(since: "24h")).target, "/v1/analysis/geo?since=24h")
        XCTAssertEqual(ControlRoute.match(method: "POST", target: "/v1/alerts"), .methodNotAllowed(allowed: ["GET"]))
        guard case .badRequest(let message) = ControlRoute.match(method: "GET", target: "/v1/analysis/devices?step=1h") else {
            return XCTFail("a step on the devices route")
        }
        XCTAssertTrue(message.contains("trend only"), message)
        guard case .badRequest = ControlRoute.match(method: "GET", target: "/v1/alerts?since=yesterday") else { return XCTFail("a bad since") }
        // The history's own routes still match.
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/analysis/trend"), .route(.analysisTrend(AnalysisQuery())))
        XCTAssertEqual(ControlRoute.match(method: "GET", target: "/v1/analysis/nothing"), .notFound)
    }

    func testReportsEncodeEveryKeyAndDecodeBack() throws {
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        let devices = DeviceReport(since: since, devicesFile: nil, note: "no devices file", devices: [
            DeviceRow(vendor: "Yealink", model: "T46S", firmware: "66.86.0.15", liveBindings: 2, liveAORs: 2, aors: 3, example: nil),
        ])
        let devicesJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(devices)) as? [String: Any])
        XCTAssertEqual(Set(devicesJSON.keys), ["since", "devices_file", "note", "devices"])
        XCTAssertEqual(devicesJSON["since"] as? String, "2027-01-15T08:00:00Z")
        XCTAssertTrue(devicesJSON["devices_file"] is NSNull)
        let row = try XCTUnwrap((devicesJSON["devices"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(row.keys), ["vendor", "model", "firmware", "live_bindings", "live_aors", "aors", "example"])
        XCTAssertEqual(try JSONDecoder().decode(DeviceReport.self, from: JSONEncoder().encode(devices)), devices)

        let geo = GeoReport(since: since, database: "/x.mmdb", databaseType: "GeoLite2-Country", note: nil,
                            bindings: [GeoRow(code: "DE", name: "Germany", count: 3, distinct: 2)], failures: [])
        let geoJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(geo)) as? [String: Any])
        XCTAssertEqual(Set(geoJSON.keys), ["since", "database", "database_type", "note", "bindings", "failures"])
        XCTAssertEqual(try JSONDecoder().decode(GeoReport.self, from: JSONEncoder().encode(geo)), geo)

        let alerts = AlertsReport(
            enabled: true,
            states: [AlertStateInfo(alert: "bindings_drop", raised: false, since: nil, observed: 3, expected: nil, deviation: nil, basis: nil)],
            events: [AlertInfo(time: since, event: "alert.raised", source: "alerts", severity: "warning", message: "m")], webhook: nil)
        let alertsJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(alerts)) as? [String: Any])
        XCTAssertEqual(Set(alertsJSON.keys), ["enabled", "states", "events", "webhook"])
        let state = try XCTUnwrap((alertsJSON["states"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(state.keys), ["alert", "raised", "since", "observed", "expected", "deviation", "basis"])
        XCTAssertEqual(try JSONDecoder().decode(AlertsReport.self, from: JSONEncoder().encode(alerts)), alerts)
        XCTAssertEqual(AlertInfo.split(detail: "warning: active bindings 0").severity, "warning")
        XCTAssertEqual(AlertInfo.split(detail: "warning: active bindings 0").message, "active bindings 0")
        XCTAssertEqual(AlertInfo.split(detail: "no severity here").severity, "info")
    }
}
