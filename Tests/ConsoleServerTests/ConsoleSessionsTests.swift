@testable import ConsoleServer
import XCTest

/// Console logins: cookie attributes, CSRF tokens, expiry.
final class ConsoleSessionsTests: XCTestCase {
    func testTheCookieIsHttpOnlySameSiteStrictAndExpires() {
        let sessions = ConsoleSessions(lifetime: .seconds(3600))
        let session = sessions.create(user: "alice", role: .admin)
        let cookie = sessions.cookie(for: session)
        XCTAssertTrue(cookie.hasPrefix("sipwarden_console=\(session.token);"), cookie)
        XCTAssertTrue(cookie.contains("; HttpOnly"), cookie)
        XCTAssertTrue(cookie.contains("; SameSite=Strict"), cookie)
        XCTAssertTrue(cookie.contains("; Max-Age=3600"), cookie)
        XCTAssertEqual(session.token.count, 64)
        XCTAssertNotEqual(session.token, session.csrf, "the CSRF token is not the cookie")
        XCTAssertEqual(sessions.session(session.token)?.user, "alice")
        let guessed = (session.token.first == "0" ? "1" : "0") + session.token.dropFirst()
        XCTAssertNil(sessions.session(guessed), "a token one digit off is no session")
    }

    func testAnExpiredSessionIsGone() throws {
        let sessions = ConsoleSessions(lifetime: .milliseconds(50))
        let session = sessions.create(user: "bob", role: .viewer)
        XCTAssertNotNil(sessions.session(session.token))
        usleep(120_000)
        XCTAssertNil(sessions.session(session.token))
    }

    func testFormFieldsAreDecodedAsBrowsersEncodeThem() {
        let request = ConsoleRequest(
            method: "post", target: "/phones/allow?x=1", body: Array("cidr=192.0.2.0%2F24&reason=a+b&empty=".utf8),
            cookieHeader: "a=1; sipwarden_console=abc", client: "127.0.0.1")
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/phones/allow")
        XCTAssertEqual(request.form["cidr"], "192.0.2.0/24")
        XCTAssertEqual(request.form["reason"], "a b")
        XCTAssertNil(request.field("empty"))
        XCTAssertEqual(request.query["x"], "1")
        XCTAssertEqual(request.cookies["sipwarden_console"], "abc")
    }
}
