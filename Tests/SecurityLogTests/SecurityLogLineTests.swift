@testable import SecurityLog
import Foundation
import SIPWardenPolicy
import XCTest


/// The hand-written event lines against JSONEncoder's: same keys, same values, same escaping.
final class SecurityLogLineTests: XCTestCase {
    private func full(_ text: String = "Yealink SIP-T46S") -> SecurityEvent {
        SecurityEvent(
            id: 42, timeMilliseconds: 1_700_000_000_123, kind: "auth.failed", sourceIP: "2001:db8::7", sourcePort: 5062,
            transport: "TCP", aor: "sip:1001@example.com", username: "1001", userAgent: text,
            contact: "<sip:1001@[2001:db8::7]:5062;transport=tcp>", detail: text)
    }

    private func object(_ line: [UInt8]) throws -> [String: NSObject] {
        XCTAssertEqual(line.last, 0x0A)
        XCTAssertEqual(line.filter { $0 == 0x0A }.count, 1, "one line")
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: NSObject])
    }

    func testAnEventLineIsExactlyThis() throws {
        var line: [UInt8] = []
        SecurityLogLine.appendEvent(full(), to: &line)
        XCTAssertEqual(
            String(decoding: line, as: UTF8.self),
            #"{"aor":"sip:1001@example.com","contact":"<sip:1001@[2001:db8::7]:5062;transport=tcp>","detail":"Yealink SIP-T46S","id":42,"kind":"auth.failed","source_ip":"2001:db8::7","source_port":5062,"time_ms":1700000000123,"transport":"TCP","type":"event","user_agent":"Yealink SIP-T46S","username":"1001","v":1}"#
                + "\n")
        var minimal: [UInt8] = []
        SecurityLogLine.appendEvent(
            SecurityEvent(timeMilliseconds: -5, kind: "request.malformed", sourceIP: "192.0.2.1", sourcePort: 0, transport: "UDP"),
            to: &minimal)
        XCTAssertEqual(
            String(decoding: minimal, as: UTF8.self),
            #"{"id":0,"kind":"request.malformed","source_ip":"192.0.2.1","source_port":0,"time_ms":-5,"transport":"UDP","type":"event","v":1}"#
                + "\n")
    }

    func testHandWrittenLinesMatchJSONEncoderForEveryKindOfValue() throws {
        let texts = [
            "plain", "", "quote \" backslash \\ slash /", "crlf\r\n{\"type\":\"event\"}", "tab\t bell\u{07} nul\u{0} esc\u{1B}",
            "\u{08}\u{0C}\u{0B}\u{1F}\u{7F}", "nel\u{85} csi\u{9B} c1\u{80}\u{9F} not-c1\u{A0}", "ls\u{2028}ps\u{2029} other\u{2027}\u{202A}",
            "ünïcödé 漢字 🙂", String(decoding: [0x61, 0xFF, 0xC2, 0x62], as: UTF8.self), String(repeating: "é", count: 3000),
            String(repeating: "x", count: 1024), String(repeating: "x", count: 1025),
        ]
        let line = SecurityLogLine()
        for text in texts {
            var hand: [UInt8] = []
            SecurityLogLine.appendEvent(full(text), to: &hand)
            let reference = try line.encodeWithJSONEncoder(full(text))
            XCTAssertEqual(try object(hand), try object(reference), text.debugDescription)
            XCTAssertFalse(hand.contains { $0 < 0x20 && $0 != 0x0A }, text.debugDescription)
            for (lead, next) in zip(hand, hand.dropFirst()) {
                XCTAssertFalse(lead == 0xC2 && (0x80...0x9F).contains(next), "raw C1 in \(text.debugDescription)")
            }
            XCTAssertNil(String(decoding: hand, as: UTF8.self).firstIndex { $0 == "\u{2028}" || $0 == "\u{2029}" })
            let decoded = try XCTUnwrap(try object(hand)["user_agent"] as? String)
            XCTAssertEqual(decoded, SecurityLogLine.cut(text), text.debugDescription)
        }
    }

    func testEveryFieldOfTheEventSchemaIsWritten() throws {
        // A field added to SecurityEvent must be added to appendEvent too: this fails until it is.
        let schemaKeys = try XCTUnwrap(
            JSONSerialization.jsonObject(with: JSONEncoder().encode(full())) as? [String: Any]).keys
        var hand: [UInt8] = []
        SecurityLogLine.appendEvent(full(), to: &hand)
        XCTAssertEqual(Set(try object(hand).keys), Set(schemaKeys).union(["type"]))
    }

    func testEncodingCost() throws {
        let event = full()
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        let count = 20_000
        let clock = ContinuousClock()
        let hand = clock.measure {
            for _ in 0..<count {
                out.removeAll(keepingCapacity: true)
                SecurityLogLine.appendEvent(event, to: &out)
            }
        }
        let line = SecurityLogLine()
        let reference = clock.measure {
            for _ in 0..<count { _ = try? line.encodeWithJSONEncoder(event) }
        }
        XCTAssertFalse(out.isEmpty)
        print("SecurityLogLine: \(hand / count) per event line by hand, \(reference / count) with JSONEncoder (debug build)")
    }
}
