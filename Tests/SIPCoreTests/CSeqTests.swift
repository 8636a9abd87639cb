import SIPCore
import XCTest

final class CSeqTests: XCTestCase {
    func testParses() throws {
        XCTAssertEqual(try CSeq.parse("314159 REGISTER"), CSeq(number: 314159, method: .register))
        XCTAssertEqual(try CSeq.parse("  0009   INVITE "), CSeq(number: 9, method: .invite))
        XCTAssertEqual(try CSeq.parse("4294967295 FOO"), CSeq(number: UInt32.max, method: .extension("FOO")))
        XCTAssertEqual(CSeq(number: 2, method: .bye).description, "2 BYE")
    }

    func testRejects() {
        let cases: [(String, SIPParseError.Kind)] = [
            ("4294967296 REGISTER", .valueOutOfRange), ("9292394834772304023312 OPTIONS", .valueOutOfRange),
            ("REGISTER", .malformedHeader), ("1", .malformedHeader), ("1REGISTER", .malformedHeader),
            ("-1 REGISTER", .malformedHeader), ("1 REG ISTER", .malformedHeader), ("1 <REGISTER>", .malformedHeader), ("", .malformedHeader),
        ]
        for (text, kind) in cases {
            XCTAssertThrowsError(try CSeq.parse(Substring(text)), text) { error in
                XCTAssertEqual((error as? SIPParseError)?.kind, kind, text)
            }
        }
    }
}
