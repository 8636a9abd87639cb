import Foundation
import SIPWardenPolicy
import XCTest

final class DecisionCodingTests: XCTestCase {
    private func decode(_ json: String) throws -> Decision {
        try JSONDecoder().decode(Decision.self, from: Data(json.utf8))
    }

    func testDecodesTheContractExamples() throws {
        XCTAssertEqual(try decode(#"{"action":"ban","target":"192.0.2.7","seconds":600,"reason":"guessing"}"#),
                       .ban(BanRequest(target: try XCTUnwrap(IPRange("192.0.2.7")), seconds: 600, reason: "guessing")))
        XCTAssertEqual(try decode(#"{"action":"unban","target":"192.0.2.0/24","reason":"cleared"}"#),
                       .unban(target: try XCTUnwrap(IPRange("192.0.2.0/24")), reason: "cleared"))
        XCTAssertEqual(try decode(#"{"action":"alert","severity":"warning","message":"spray on 1001"}"#),
                       .alert(Alert(severity: "warning", message: "spray on 1001")))
        guard case .report(let event) = try decode(#"{"action":"report","kind":"scanner.detected","source_ip":"192.0.2.9","detail":"sipvicious"}"#) else {
            return XCTFail("not a report")
        }
        XCTAssertEqual(event.kind, "scanner.detected")
        XCTAssertEqual(event.sourceIP, "192.0.2.9")
        XCTAssertEqual(event.detail, "sipvicious")
        XCTAssertEqual(event.timeMilliseconds, 0, "the host fills in the time")
        XCTAssertEqual(event.version, SecurityEvent.schemaVersion)
    }

    func testRoundTripsWithEvidence() throws {
        let evidence = SecurityEvent(id: 7, timeMilliseconds: 1_700_000_000_123, kind: "auth.failed", sourceIP: "2001:db8::5", sourcePort: 5060,
                                     transport: "TCP", aor: "sip:1001@example.com", username: "1001", userAgent: "x\"y\nz",
                                     contact: "<sip:1001@[2001:db8::5]:5060>", detail: "wrong_password")
        let decisions: [Decision] = [
            .ban(BanRequest(target: try XCTUnwrap(IPRange("2001:db8::/64")), seconds: 3600, reason: "r", evidence: [evidence])),
            .unban(target: try XCTUnwrap(IPRange("10.0.0.1")), reason: ""),
            .alert(Alert(severity: "critical", message: "m", evidence: [evidence, evidence])),
            .report(evidence),
        ]
        for decision in decisions {
            let data = try JSONEncoder().encode(decision)
            XCTAssertFalse(data.contains(UInt8(ascii: "\n")), "one line per decision")
            XCTAssertEqual(try JSONDecoder().decode(Decision.self, from: data), decision)
        }
        let ban = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(decisions[0])) as? [String: Any])
        XCTAssertEqual(ban["action"] as? String, "ban")
        XCTAssertEqual(ban["target"] as? String, "2001:db8::/64")
        XCTAssertEqual(ban["seconds"] as? Int, 3600)
    }

    func testRefusesBadDecisions() {
        for json in [#"{"action":"nuke","target":"1.2.3.4"}"#, #"{"target":"1.2.3.4","seconds":5}"#,
                     #"{"action":"ban","target":"1.2.3.400","seconds":5}"#, #"{"action":"ban","target":"1.2.3.4"}"#,
                     #"{"action":"alert","severity":"panic","message":"m"}"#, #"{"action":"report","source_ip":"1.2.3.4"}"#] {
            XCTAssertThrowsError(try decode(json), json)
        }
    }

    func testSecurityEventJSONKeys() throws {
        let event = SecurityEvent(id: 42, timeMilliseconds: 1, kind: "register.accepted", sourceIP: "192.0.2.1", sourcePort: 5062,
                                  transport: "UDP", aor: "sip:1001@h", contact: "<sip:1001@192.0.2.1:5062>")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["v", "id", "time_ms", "kind", "source_ip", "source_port", "transport", "aor", "contact"])
        XCTAssertEqual(object["id"] as? Int, 42)
        XCTAssertEqual(object["contact"] as? String, "<sip:1001@192.0.2.1:5062>")
        // A line written before `id` and `contact` existed still reads.
        let old = #"{"v":1,"time_ms":5,"kind":"auth.failed","source_ip":"192.0.2.1","source_port":1,"transport":"UDP","detail":"x"}"#
        let decoded = try JSONDecoder().decode(SecurityEvent.self, from: Data(old.utf8))
        XCTAssertEqual(decoded.id, 0)
        XCTAssertNil(decoded.contact)
        XCTAssertEqual(decoded.detail, "x")
    }

    func testEveryContractKindIsListed() {
        XCTAssertEqual(SecurityEventKind.all.count, 35)
        XCTAssertEqual(Set(SecurityEventKind.all).count, 35)
        XCTAssertTrue(SecurityEventKind.all.contains("auth.challenged"))
        XCTAssertTrue(SecurityEventKind.all.contains("plugin.failed"))
        XCTAssertTrue(SecurityEventKind.all.contains("ban.would_add"))
        XCTAssertTrue(SecurityEventKind.all.contains("plugin.restarted"))
        XCTAssertTrue(SecurityEventKind.all.contains("console.login_failed"))
        XCTAssertTrue(SecurityEventKind.all.contains("alert.cleared"))
        XCTAssertTrue(SecurityEventKind.all.contains("trunk.registered"))
        XCTAssertTrue(SecurityEventKind.all.contains("operator.change"))
        XCTAssertTrue(SecurityEventKind.all.contains("ban.imported"))
        XCTAssertTrue(SecurityEventKind.all.contains("trunk.unregistered"))
    }
}
