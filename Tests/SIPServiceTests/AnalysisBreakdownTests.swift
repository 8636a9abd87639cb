@testable import SIPService
import ControlAPI
import Devices
import GeoIP
import SIPWardenPolicy
import XCTest

/// The device and country breakdowns behind `analysis devices` and `analysis geo`.
final class AnalysisBreakdownTests: XCTestCase {
    func catalog() throws -> DeviceCatalog {
        try DeviceCatalog.parse(yaml: """
            devices:
              - vendor: Yealink
                match: '^Yealink SIP-(?<model>\\S+) (?<firmware>[0-9.]+)'
            """, file: "test")
    }

    func testDevicesCountLiveBindingsTheirAORsAndTheAORsOfTheWindow() throws {
        let live: [DeviceBreakdown.Live] = [
            .init(aor: "sip:1@x", userAgent: "Yealink SIP-T46S 66.86.0.15"),
            .init(aor: "sip:1@x", userAgent: "Yealink SIP-T46S 66.86.0.15"),   // a second binding of the same AOR
            .init(aor: "sip:2@x", userAgent: "Yealink SIP-T46S 66.86.0.15"),
            .init(aor: "sip:3@x", userAgent: nil),
        ]
        let sightings: [(aor: String, userAgent: String?)] = [
            ("sip:1@x", "Yealink SIP-T46S 66.86.0.15"), ("sip:4@x", "Yealink SIP-T46S 66.86.0.15"),
            ("sip:5@x", "Acme Phone 1.0"), ("sip:5@x", "Acme Phone 2.0"),
        ]
        let rows = DeviceBreakdown.rows(live: live, sightings: sightings, catalog: try catalog())
        XCTAssertEqual(rows.first, DeviceRow(vendor: "Yealink", model: "T46S", firmware: "66.86.0.15", liveBindings: 3, liveAORs: 2, aors: 3,
                                             example: "Yealink SIP-T46S 66.86.0.15"))
        XCTAssertEqual(rows.first { $0.vendor == "none" }?.liveBindings, 1)
        let other = try XCTUnwrap(rows.first { $0.vendor == "other" })
        XCTAssertEqual(other.liveBindings, 0)
        XCTAssertEqual(other.aors, 1, "one AOR, whatever its User-Agents, counts once per identity")
        XCTAssertEqual(rows.count, 3)
    }

    func testCountriesGroupBindingsAndFailuresByPlace() {
        let lookup: (IPAddress) -> GeoPlace = { address in
            if address.description.hasPrefix("81.2.69.") { return .country(code: "GB", name: "United Kingdom") }
            return AddressClassification.classify(address) ?? .unknown
        }
        let bindings = GeoBreakdown.bindings([("sip:1@x", "81.2.69.1"), ("sip:1@x", "81.2.69.2"), ("sip:2@x", "10.0.0.1"),
                                              ("sip:3@x", "not an address")], lookup: lookup)
        XCTAssertEqual(bindings, [GeoRow(code: "GB", name: "United Kingdom", count: 2, distinct: 1),
                                  GeoRow(code: "private", name: "private network", count: 1, distinct: 1),
                                  GeoRow(code: "unknown", name: "unknown", count: 1, distinct: 1)])
        let failures = GeoBreakdown.failures([("81.2.69.9", 7), ("81.2.69.10", 1), ("127.0.0.1", 3)], lookup: lookup)
        XCTAssertEqual(failures, [GeoRow(code: "GB", name: "United Kingdom", count: 8, distinct: 2),
                                  GeoRow(code: "loopback", name: "loopback", count: 3, distinct: 1)])
    }
}
