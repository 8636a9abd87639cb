@testable import ControlServer
import XCTest

/// The TCP control API's bearer token check.
final class BearerTokenTests: XCTestCase {
    func testBearerTokenComparison() {
        let token = Array("0123456789abcdef".utf8)
        XCTAssertTrue(BearerToken.matches("Bearer 0123456789abcdef", token: token))
        XCTAssertTrue(BearerToken.matches("bearer 0123456789abcdef", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer 0123456789abcdeX", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer 0123456789abcdef0", token: token))
        XCTAssertFalse(BearerToken.matches("Bearer ", token: token))
        XCTAssertFalse(BearerToken.matches(nil, token: token))
    }
}
