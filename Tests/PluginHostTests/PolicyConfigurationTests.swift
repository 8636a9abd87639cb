import SIPWardenPolicy
import XCTest

final class PolicyConfigurationTests: XCTestCase {
    private func configuration(_ values: [String: PolicyValue]) -> PolicyConfiguration {
        PolicyConfiguration(file: "rules/policies/bruteforce.yaml", section: "bruteforce", values: values)
    }

    func testMissingAndNullValuesYieldDefaults() throws {
        let config = configuration(["empty": .null])
        XCTAssertEqual(try config.int("missing", default: 5, range: 1...10), 5)
        XCTAssertEqual(try config.int("empty", default: 7, range: 1...10), 7)
        XCTAssertEqual(try config.bool("missing", default: true), true)
        XCTAssertEqual(try config.duration("missing", default: 600), 600)
        XCTAssertEqual(try config.strings("missing", default: ["a"]), ["a"])
        XCTAssertEqual(try config.section("missing").values, [:])
    }

    func testTypedReaders() throws {
        let config = configuration([
            "failures": .int(5), "factor": .int(2), "ratio": .double(0.5), "on": .bool(false), "name": .string("x"),
            "port": .int(5060), "agents": .list([.string("sipvicious"), .string("sipcli")]), "one": .string("only"),
            "trusted": .list([.string("10.0.0.0/8"), .string("2001:db8::1")]),
        ])
        XCTAssertEqual(try config.int("failures", default: 1, range: 1...100), 5)
        XCTAssertEqual(try config.double("factor", default: 1, range: 1...10), 2.0)
        XCTAssertEqual(try config.double("ratio", default: 1, range: 0...1), 0.5)
        XCTAssertEqual(try config.bool("on", default: true), false)
        XCTAssertEqual(try config.string("name", default: ""), "x")
        XCTAssertEqual(try config.string("port", default: ""), "5060")
        XCTAssertEqual(try config.strings("agents", default: []), ["sipvicious", "sipcli"])
        XCTAssertEqual(try config.strings("one", default: []), ["only"])
        XCTAssertEqual(try config.ranges("trusted", default: []).map(\.description), ["10.0.0.0/8", "2001:db8::1"])
    }

    func testDurations() throws {
        let config = configuration([
            "a": .int(90), "b": .string("90s"), "c": .string("15m"), "d": .string("2h"), "e": .string("7d"), "f": .string("45"),
        ])
        XCTAssertEqual(try ["a", "b", "c", "d", "e", "f"].map { try config.duration($0, default: 0) }, [90, 90, 900, 7200, 604_800, 45])
        for bad: PolicyValue in [.string("90x"), .string("-5s"), .string("m"), .int(-1), .bool(true), .string("1.5h")] {
            XCTAssertThrowsError(try configuration(["d": bad]).duration("d", default: 0), "\(bad)")
        }
    }

    func testErrorsNameFileKeyAndValue() {
        let config = configuration(["max_failures": .int(0)])
        XCTAssertThrowsError(try config.int("max_failures", default: 5, range: 1...100)) { error in
            XCTAssertEqual("\(error)", "rules/policies/bruteforce.yaml: max_failures: invalid value '0': expected a whole number from 1 to 100")
            XCTAssertEqual((error as? PolicyConfigurationError)?.key, "max_failures")
        }
        XCTAssertThrowsError(try configuration(["on": .string("yes please")]).bool("on", default: true)) { error in
            XCTAssertEqual((error as? PolicyConfigurationError)?.value, "yes please")
        }
        XCTAssertThrowsError(try configuration(["trusted": .list([.string("10.0.0.0/33")])]).ranges("trusted", default: [])) { error in
            XCTAssertEqual((error as? PolicyConfigurationError)?.value, "10.0.0.0/33")
        }
    }

    func testNestedSectionsQualifyKeysInErrors() throws {
        let config = configuration(["escalation": .map(["factor": .double(0.5), "cap": .string("1d")])])
        let nested = try config.section("escalation")
        XCTAssertEqual(nested.section, "bruteforce.escalation")
        XCTAssertEqual(try nested.duration("cap", default: 0), 86_400)
        XCTAssertThrowsError(try nested.double("factor", default: 2, range: 1...10)) { error in
            XCTAssertEqual((error as? PolicyConfigurationError)?.key, "escalation.factor")
        }
        XCTAssertThrowsError(try configuration(["escalation": .int(3)]).section("escalation"))
    }

    func testRejectUnknownKeysNamesTheTypo() {
        let config = configuration(["max_failures": .int(5), "windw": .string("10m")])
        XCTAssertNoThrow(try configuration(["max_failures": .int(5)]).rejectUnknownKeys(["max_failures", "window"]))
        XCTAssertThrowsError(try config.rejectUnknownKeys(["max_failures", "window"])) { error in
            let error = error as? PolicyConfigurationError
            XCTAssertEqual(error?.key, "windw")
            XCTAssertEqual(error?.value, "10m")
            XCTAssertTrue(error?.message.contains("window") ?? false)
        }
    }
}
