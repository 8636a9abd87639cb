import Devices
import Foundation
import XCTest

/// The shipped devices file: every sample it carries normalises as it says, the vendors the
/// analysis promises are there, and an operator's additions and mistakes are handled.
final class DeviceCatalogTests: XCTestCase {
    static let shippedFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules/devices.yaml").path

    func testEverySampleOfTheShippedFileNormalisesAsItSays() throws {
        let catalog = try DeviceCatalog.load(path: Self.shippedFile)
        XCTAssertGreaterThanOrEqual(catalog.samples.count, 40, "the shipped file carries its real User-Agents")
        for sample in catalog.samples {
            XCTAssertEqual(catalog.identify(sample.userAgent), sample.expected, "sample '\(sample.userAgent)'")
        }
        XCTAssertEqual(catalog.sampleMismatches(), [])
    }

    func testTheShippedFileHasSamplesForEveryPromisedVendor() throws {
        let catalog = try DeviceCatalog.load(path: Self.shippedFile)
        let vendors = Set(catalog.samples.map(\.expected.vendor))
        for vendor in ["Yealink", "Grandstream", "Polycom", "Cisco", "Snom", "Fanvil", "Gigaset", "Panasonic", "Zoiper",
                       "Linphone", "MicroSIP", "baresip", "Asterisk", "FreeSWITCH", "other"] {
            XCTAssertTrue(vendors.contains(vendor), "no sample for \(vendor)")
        }
    }

    func testTheIssueExampleAndTheBlankCases() throws {
        let catalog = try DeviceCatalog.load(path: Self.shippedFile)
        XCTAssertEqual(catalog.identify("Yealink SIP-T46S 66.86.0.15"), DeviceIdentity(vendor: "Yealink", model: "T46S", firmware: "66.86.0.15"))
        XCTAssertEqual(catalog.identify(nil), .none)
        XCTAssertEqual(catalog.identify("   "), .none)
        XCTAssertEqual(catalog.identify("!!! 1.0"), .other, "a User-Agent even the catch-all does not read")
        // Leading and trailing blanks do not change the identity.
        XCTAssertEqual(catalog.identify("  snomD785/10.1.84.12 "), DeviceIdentity(vendor: "Snom", model: "D785", firmware: "10.1.84.12"))
    }

    func testAVeryLongUserAgentIsCutBeforeMatching() throws {
        let catalog = try DeviceCatalog.load(path: Self.shippedFile)
        let long = "Yealink SIP-T46S 66.86.0.15 " + String(repeating: "x", count: 100_000)
        XCTAssertEqual(catalog.identify(long).model, "T46S")
    }

    func testAnOperatorRuleComesFirstAndTemplatesUseItsGroups() throws {
        let yaml = """
        devices:
          - vendor: 'Acme ${line}'
            match: '^ACME-(?<line>[A-Z]+)-(?<model>[0-9]+) fw(?<firmware>[0-9.]+)'
          - vendor: Fallback
            match: '^ACME'
        samples:
          - {user_agent: 'ACME-DESK-42 fw1.2.3', vendor: Acme DESK, model: '42', firmware: 1.2.3}
          - {user_agent: 'ACME?', vendor: Fallback, model: '', firmware: ''}
          - {user_agent: 'ACME-DESK-7 fw9', vendor: Acme DESK, model: '8', firmware: '9'}
        """
        let catalog = try DeviceCatalog.parse(yaml: yaml, file: "acme.yaml")
        XCTAssertEqual(catalog.identify("ACME-DESK-42 fw1.2.3"), DeviceIdentity(vendor: "Acme DESK", model: "42", firmware: "1.2.3"))
        XCTAssertEqual(catalog.identify("ACME?"), DeviceIdentity(vendor: "Fallback", model: "", firmware: ""))
        let mismatches = catalog.sampleMismatches()
        XCTAssertEqual(mismatches.count, 1, "the third sample states a wrong model")
        XCTAssertEqual(mismatches.first?.actual.model, "7")
        XCTAssertTrue(mismatches.first?.description.contains("'ACME-DESK-7 fw9'") ?? false)
    }

    func testMistakesNameTheFileTheKeyAndTheValue() {
        let cases: [(yaml: String, key: String, value: String, message: String)] = [
            ("devices:\n  - vendor: X\n    match: '(unclosed'\n", "devices[0].match", "(unclosed", "regular expression"),
            ("devices:\n  - vendor: X\n    match: '^X'\n    model: '${typo}'\n", "devices[0].model", "${typo}", "no (?<typo>...) group"),
            ("devices:\n  - match: '^X'\n", "devices[0].vendor", "", "needs a vendor"),
            ("devices:\n  - vendor: X\n    match: '^X'\n    colour: red\n", "devices[0].colour", "", "unknown key"),
            ("samples:\n  - {vendor: X}\n", "samples[0].user_agent", "", "user_agent"),
            ("devicez: []\n", "devicez", "", "unknown key"),
            ("version: 2\n", "version", "2", "version 1"),
        ]
        for testCase in cases {
            XCTAssertThrowsError(try DeviceCatalog.parse(yaml: testCase.yaml, file: "my-devices.yaml"), testCase.yaml) { error in
                guard let error = error as? DeviceCatalogError else { return XCTFail("\(error)") }
                XCTAssertEqual(error.file, "my-devices.yaml")
                XCTAssertEqual(error.key, testCase.key, testCase.yaml)
                XCTAssertEqual(error.value, testCase.value, testCase.yaml)
                XCTAssertTrue(error.message.contains(testCase.message), "\(error)")
            }
        }
        XCTAssertThrowsError(try DeviceCatalog.load(path: "/nonexistent/devices.yaml")) { error in
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/devices.yaml: cannot read"), "\(error)")
        }
    }
}
