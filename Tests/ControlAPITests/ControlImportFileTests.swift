import XCTest
import ControlAPI

/// The SIPp injection-file reader behind `sipwardenctl subscriber import`.
final class ControlImportFileTests: XCTestCase {
    private func parse(_ text: String, domain: String? = nil) throws -> [SubscriberImportEntry] {
        try SubscriberImportFile.parse(text: text, domain: domain)
    }

    private func failure(_ text: String) -> SubscriberImportFileError? {
        do {
            _ = try SubscriberImportFile.parse(text: text)
            return nil
        } catch {
            return error
        }
    }

    func testSequentialHeaderCommentsBlankLinesAndExtraFields() throws {
        let text = "SEQUENTIAL\n# users for the bench\n\n1000;pw1000\n  1001 ;pw1001;[authentication username=1001];x\r\n\n"
        let entries = try parse(text)
        XCTAssertEqual(entries, [
            SubscriberImportEntry(username: "1000", password: "pw1000"),
            SubscriberImportEntry(username: "1001", password: "pw1001"),
        ])
    }

    func testEveryOrderKeywordAndNoHeaderAtAll() throws {
        for header in ["SEQUENTIAL", "RANDOM", "USER", "sequential", ""] {
            let entries = try parse("\(header)\n7;secret\n")
            XCTAssertEqual(entries, [SubscriberImportEntry(username: "7", password: "secret")], header)
        }
        XCTAssertEqual(try parse("# only a comment first\nRANDOM\n7;s").count, 1, "the header may follow comments")
    }

    func testDomainIsAppliedAndPasswordKeptAsWritten() throws {
        let entries = try parse("1;p a;ss\n2;#notacomment\n", domain: "example.com")
        XCTAssertEqual(entries, [
            SubscriberImportEntry(username: "1", password: "p a", domain: "example.com"),
            SubscriberImportEntry(username: "2", password: "#notacomment", domain: "example.com"),
        ])
    }

    func testABadLineIsReportedWithItsNumber() {
        XCTAssertEqual(failure("SEQUENTIAL\n1000;pw\n# c\nnosemicolon\n1001;pw\n")?.line, 4)
        XCTAssertEqual(failure("SEQUENTIAL\n1000;pw\n# c\nnosemicolon\n")?.message, "expected 'user;password', found 'nosemicolon'")
        XCTAssertEqual(failure("1000;\n")?.line, 1)
        XCTAssertEqual(failure("1000;\n")?.message, "column 2 (password): the password is empty")
        XCTAssertEqual(failure("SEQUENTIAL\nbad user;pw\n")?.line, 2)
        XCTAssertEqual(failure(";pw\n")?.message, "column 1 (user): the username is empty")
        XCTAssertEqual(failure("1;a\n2;b\nSEQUENTIAL\n")?.line, 3, "a keyword after the first line is a bad line")
        let duplicate = failure("SEQUENTIAL\n1;a\n2;b\n1;c\n")
        XCTAssertEqual(duplicate?.line, 4)
        XCTAssertEqual(duplicate?.message, "the username '1' already appears on line 2")
        XCTAssertEqual(failure("SEQUENTIAL,PRINTF=10\nuser%d;pw\n")?.line, 1, "PRINTF expansion is refused, not misread")
        XCTAssertEqual(String(describing: failure("x\n")!), "line 1: expected 'user;password', found 'x'")
    }

    func testInvalidUTF8IsABadLine() {
        var bytes = Array("1;a\n".utf8)
        bytes += [0x32, 0x3B, 0xFF, 0x0A]
        XCTAssertThrowsError(try SubscriberImportFile.parse(bytes)) { error in
            XCTAssertEqual((error as? SubscriberImportFileError)?.line, 2)
        }
    }

    func testAHundredThousandUsers() throws {
        var text = "SEQUENTIAL\n"
        text.reserveCapacity(2_000_000)
        for user in 100_000..<200_000 { text += "\(user);pw\(user)\n" }
        let entries = try SubscriberImportFile.parse(Array(text.utf8))
        XCTAssertEqual(entries.count, 100_000)
        XCTAssertEqual(entries.last, SubscriberImportEntry(username: "199999", password: "pw199999"))
        XCTAssertNil(SubscriberImportRequest(entries: entries).validationProblem())
    }

    /// What `subscriber export` writes: the digests instead of a password, per-line domains.
    func testHA1ColumnsCarryDigestsInsteadOfAPassword() throws {
        let text = """
            # SIPWarden subscribers
            user;password;domain;account;display_name;auth_mode;realm;ha1_md5;ha1_sha256
            1001;;;acme;Front desk;password;sipwarden;0123456789ABCDEF0123456789ABCDEF;abababababababababababababababababababababababababababababababab
            1001;;example.com;;;ip;example.com;0123456789abcdef0123456789abcdef;abababababababababababababababababababababababababababababababab
            1002;pw1002;;;;;;;

            """
        let entries = try parse(text, domain: "ignored.example")
        XCTAssertEqual(entries, [
            SubscriberImportEntry(username: "1001", password: "", domain: "ignored.example", account: "acme", displayName: "Front desk",
                                  authMode: "password", realm: "sipwarden", ha1MD5: "0123456789abcdef0123456789abcdef", ha1SHA256: "abababababababababababababababababababababababababababababababab"),
            SubscriberImportEntry(username: "1001", password: "", domain: "example.com", authMode: "ip", realm: "example.com",
                                  ha1MD5: "0123456789abcdef0123456789abcdef", ha1SHA256: "abababababababababababababababababababababababababababababababab"),
            SubscriberImportEntry(username: "1002", password: "pw1002", domain: "ignored.example"),
        ], "an empty domain field keeps the import's --domain; the same user under two domains is two subscribers")
        XCTAssertNil(SubscriberImportRequest(entries: entries).validationProblem())
    }

    func testBadDigestsAreReportedWithTheirLine() {
        let header = "user;password;realm;ha1_md5;ha1_sha256\n"
        XCTAssertEqual(failure(header + "1001;;sipwarden;0123456789abcdef0123456789abcdef;\n")?.description,
                       "line 2: HA1 digests: realm, ha1_md5 and ha1_sha256 go together (an HA1 is only valid for its realm)")
        XCTAssertEqual(failure(header + "1001;;sipwarden;0123456789abcdef0123456789abcde;abababababababababababababababababababababababababababababababab\n")?.line, 2)
        XCTAssertTrue(failure(header + "1001;;sipwarden;0123456789abcdef0123456789abcdez;abababababababababababababababababababababababababababababababab\n")?.message.contains("ha1_md5 must be 32 hex digits") ?? false)
        XCTAssertTrue(failure(header + "1001;pw;sipwarden;0123456789abcdef0123456789abcdef;abababababababababababababababababababababababababababababababab\n")?.message.contains("a password or HA1 digests, not both") ?? false)
        XCTAssertTrue(failure("user;password;bogus\n1;2;3\n")?.message.contains("domain, realm, ha1_md5, ha1_sha256") ?? false)
    }
}
