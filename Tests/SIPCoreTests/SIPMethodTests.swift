import SIPCore
import XCTest

final class SIPMethodTests: XCTestCase {
    func testKnownMethodsAreCaseSensitive() {
        XCTAssertEqual(SIPMethod("REGISTER"), .register)
        XCTAssertEqual(SIPMethod("register"), .extension("register"))
        XCTAssertNotEqual(SIPMethod("register"), .register)
        XCTAssertEqual(SIPMethod("RE%47IST%45R").rawValue, "RE%47IST%45R")
        let all: [SIPMethod] = [.register, .options, .invite, .ack, .bye, .cancel, .subscribe, .notify, .message, .info, .prack, .update, .refer, .publish]
        for method in all {
            XCTAssertEqual(SIPMethod(method.rawValue), method)
            XCTAssertEqual(SIPMethod(rawValue: method.rawValue), method)
            XCTAssertEqual(method.description, method.rawValue)
        }
    }

    func testExtensionSpellingOfAKnownMethodIsEqual() {
        XCTAssertEqual(SIPMethod.extension("REGISTER"), .register)
        XCTAssertEqual(Set([SIPMethod.extension("INVITE"), .invite]).count, 1)
    }
}
