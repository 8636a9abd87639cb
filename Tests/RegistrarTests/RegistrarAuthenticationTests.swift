import Registrar
import SIPCore
import XCTest

/// Digest authentication on the REGISTER path: challenges, answers, stale nonces, replays, and
/// unknown users that look exactly like known ones.
final class RegistrarAuthenticationTests: XCTestCase {
    private let source = RegisterBuilder.source

    private func makeRegistrar(algorithms: [DigestAlgorithmName] = [.md5]) -> Registrar {
        Registrar(
            configuration: RegistrarConfiguration(nonceLifetime: 300, challengeAlgorithms: algorithms),
            secret: Array("nonce-secret".utf8),
            subscribers: [RegisterBuilder.subscriber("1001", password: "s3cret")]
        )
    }

    private func parameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: "\(name)=") else { return nil }
        let rest = header[range.upperBound...]
        if rest.hasPrefix("\"") { return String(rest.dropFirst().prefix { $0 != "\"" }) }
        return String(rest.prefix { $0 != "," && $0 != " " })
    }

    private func answer(_ challenge: String, user: String = "1001", password: String = "s3cret", nc: UInt32 = 1,
                        algorithm: DigestAlgorithm = .md5) -> String {
        let nonce = parameter("nonce", in: challenge) ?? ""
        let realm = parameter("realm", in: challenge) ?? ""
        let ncText = String(format: "%08x", nc)
        let ha1 = Digest.ha1(username: user, realm: realm, password: password, algorithm: algorithm)
        let response = Digest.response(ha1: ha1, method: "REGISTER", uri: "sip:example.com", nonce: nonce, nonceCount: ncText,
                                       cnonce: "c0ffee", qop: "auth", algorithm: algorithm)
        return "Authorization: Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"sip:example.com\", response=\"\(response)\", algorithm=\(algorithm.rawValue), qop=auth, nc=\(ncText), cnonce=\"c0ffee\""
    }

    private func challenge(_ registrar: inout Registrar, user: String = "1001", now: Timestamp = .t0, salt: UInt64 = 42) throws -> String {
        let outcome = registrar.handleRegister(try RegisterBuilder.request(user: user), source: source, transport: .udp, now: now, salt: salt)
        XCTAssertEqual(outcome.response.statusCode, 401)
        return try XCTUnwrap(outcome.response.headers.values("WWW-Authenticate").first)
    }

    func testChallengeThenCorrectAnswerRegisters() throws {
        var registrar = makeRegistrar()
        let header = try challenge(&registrar)
        XCTAssertTrue(header.hasPrefix("Digest "))
        XCTAssertEqual(parameter("realm", in: header), "sipwarden")
        XCTAssertEqual(parameter("algorithm", in: header), "MD5")
        XCTAssertEqual(parameter("qop", in: header), "auth")
        let outcome = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(header)]),
                                               source: source, transport: .udp, now: .t0.adding(seconds: 1), salt: 43)
        XCTAssertEqual(outcome.response.statusCode, 200)
        XCTAssertEqual(outcome.events.map(\.kind), [.registerAccepted])
        XCTAssertEqual(outcome.events.first?.username, "1001")
    }

    /// A reviewer answering `.later` stops the REGISTER before anything changes (so the caller can
    /// ask the plugins outside its lock); `finishRegister` then binds, or refuses, exactly once.
    func testAReviewAskedLaterChangesNothingUntilFinished() throws {
        var registrar = makeRegistrar()
        let header = try challenge(&registrar)
        let request = try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(header)])
        let waiting = registrar.handleRegister(request, source: source, transport: .udp, now: .t0.adding(seconds: 1), salt: 43,
                                               reviewer: { _ in .later })
        let pending = try XCTUnwrap(waiting.pending, "the REGISTER waits for its review")
        XCTAssertEqual(pending.review.aor, "sip:1001@example.com")
        XCTAssertEqual(pending.review.username, "1001")
        XCTAssertTrue(waiting.changes.isEmpty && waiting.events.isEmpty, "nothing decided yet")
        XCTAssertEqual(registrar.location.bindingCount(from: source.address), 0, "no binding before the review")

        var refusing = registrar
        let refused = refusing.finishRegister(pending, verdict: .refuse(status: 403, reason: "Forbidden", eventKind: .aclDenied, detail: "plugin"))
        XCTAssertEqual(refused.response.statusCode, 403)
        XCTAssertEqual(refused.events.map(\.kind), [.aclDenied])
        XCTAssertTrue(refused.changes.isEmpty)

        let finished = registrar.finishRegister(pending, verdict: .allow)
        XCTAssertEqual(finished.response.statusCode, 200, "authenticated once: the nonce count is not spent twice")
        XCTAssertEqual(finished.events.map(\.kind), [.registerAccepted])
        XCTAssertEqual(finished.changes.count, 1)
        XCTAssertNil(finished.pending)
        XCTAssertEqual(registrar.location.bindingCount(from: source.address), 1)
    }

    func testSHA256AnswersAreAccepted() throws {
        var registrar = makeRegistrar(algorithms: [.sha256, .md5])
        let outcome = registrar.handleRegister(try RegisterBuilder.request(), source: source, transport: .udp, now: .t0, salt: 1)
        let headers = outcome.response.headers.values("WWW-Authenticate")
        XCTAssertEqual(headers.map { parameter("algorithm", in: $0) }, ["SHA-256", "MD5"])
        let signed = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(headers[0], algorithm: .sha256)]),
                                              source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(signed.response.statusCode, 200)
    }

    func testWrongPasswordIsChallengedAgainAndReported() throws {
        var registrar = makeRegistrar()
        let header = try challenge(&registrar)
        let outcome = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(header, password: "guess")]),
                                               source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(outcome.response.statusCode, 401)
        XCTAssertEqual(outcome.events.map(\.kind), [.authFailed])
        XCTAssertEqual(outcome.events.first?.detail, "wrong_password")
        XCTAssertTrue(outcome.changes.isEmpty)
    }

    func testUnknownUserGetsTheSameChallengeAsAKnownUser() throws {
        var registrar = makeRegistrar()
        let known = registrar.handleRegister(try RegisterBuilder.request(user: "1001"), source: source, transport: .udp, now: .t0, salt: 9)
        let unknown = registrar.handleRegister(try RegisterBuilder.request(user: "7777"), source: source, transport: .udp, now: .t0, salt: 9)
        XCTAssertEqual(known.response.statusCode, unknown.response.statusCode)
        XCTAssertEqual(known.response.headers.values("WWW-Authenticate"), unknown.response.headers.values("WWW-Authenticate"),
                       "same time, same salt: the very same challenge")
        XCTAssertEqual(known.response.headers.map(\.name), unknown.response.headers.map(\.name))

        let header = try XCTUnwrap(unknown.response.headers.values("WWW-Authenticate").first)
        let answered = registrar.handleRegister(try RegisterBuilder.request(user: "7777", cseq: 2, extraHeaders: [answer(header, user: "7777", password: "x")]),
                                                source: source, transport: .udp, now: .t0, salt: 10)
        XCTAssertEqual(answered.response.statusCode, 401)
        XCTAssertEqual(answered.events.map(\.kind), [.authUnknownUser], "the difference lives only in the event")
    }

    func testCorrectAnswerToExpiredNonceGetsStaleTrue() throws {
        var registrar = makeRegistrar()
        let header = try challenge(&registrar, now: .t0)
        let outcome = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(header)]),
                                               source: source, transport: .udp, now: .t0.adding(seconds: 301), salt: 5)
        XCTAssertEqual(outcome.response.statusCode, 401)
        let fresh = try XCTUnwrap(outcome.response.headers.values("WWW-Authenticate").first)
        XCTAssertEqual(parameter("stale", in: fresh)?.lowercased(), "true")
        XCTAssertEqual(outcome.events.map(\.kind), [.authStaleNonce])

        let wrongAndStale = registrar.handleRegister(try RegisterBuilder.request(cseq: 3, extraHeaders: [answer(header, password: "nope")]),
                                                     source: source, transport: .udp, now: .t0.adding(seconds: 301), salt: 6)
        let noStale = try XCTUnwrap(wrongAndStale.response.headers.values("WWW-Authenticate").first)
        XCTAssertNil(parameter("stale", in: noStale), "stale=true only for a correct answer")
    }

    func testReplayedNonceCountIsRefused() throws {
        var registrar = makeRegistrar()
        let header = try challenge(&registrar)
        let first = registrar.handleRegister(try RegisterBuilder.request(callID: "c1", cseq: 2, extraHeaders: [answer(header, nc: 1)]),
                                             source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(first.response.statusCode, 200)
        let replay = registrar.handleRegister(try RegisterBuilder.request(callID: "c1", cseq: 3, extraHeaders: [answer(header, nc: 1)]),
                                              source: source, transport: .udp, now: .t0, salt: 2)
        XCTAssertEqual(replay.response.statusCode, 401)
        XCTAssertEqual(replay.events.first?.detail, "nonce_count_replay")
        let next = registrar.handleRegister(try RegisterBuilder.request(callID: "c1", cseq: 4, extraHeaders: [answer(header, nc: 2)]),
                                            source: source, transport: .udp, now: .t0, salt: 3)
        XCTAssertEqual(next.response.statusCode, 200, "the next nonce-count is fine")
    }

    func testForgedNonceIsRefused() throws {
        var registrar = makeRegistrar()
        let forged = "Digest realm=\"sipwarden\", nonce=\"AAAABBBBCCCCDDDD\", algorithm=MD5, qop=\"auth\""
        let outcome = registrar.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(forged)]),
                                               source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 401)
        XCTAssertEqual(outcome.events.first?.detail, "forged_nonce")
    }

    func testAuthenticatedUserCannotRegisterAnotherUsersAOR() throws {
        var registrar = Registrar(
            configuration: RegistrarConfiguration(), secret: Array("k".utf8),
            subscribers: [RegisterBuilder.subscriber("1001", password: "s3cret"), RegisterBuilder.subscriber("1002", password: "other")]
        )
        let header = try challenge(&registrar, user: "1002")
        let outcome = registrar.handleRegister(try RegisterBuilder.request(user: "1002", cseq: 2, extraHeaders: [answer(header, user: "1001")]),
                                               source: source, transport: .udp, now: .t0, salt: 1)
        XCTAssertEqual(outcome.response.statusCode, 403)
        XCTAssertEqual(outcome.events.first?.detail, "aor_not_owned")
        XCTAssertEqual(registrar.location.count, 0)
    }

    func testNonceSurvivesARestartWithTheSameSecret() throws {
        var first = makeRegistrar()
        let header = try challenge(&first)
        var restarted = makeRegistrar()
        let outcome = restarted.handleRegister(try RegisterBuilder.request(cseq: 2, extraHeaders: [answer(header)]),
                                               source: source, transport: .udp, now: .t0.adding(seconds: 5), salt: 2)
        XCTAssertEqual(outcome.response.statusCode, 200)
    }

    func testSubscriberWithADomainUsesItAsRealm() throws {
        var registrar = Registrar(
            configuration: RegistrarConfiguration(), secret: Array("k".utf8),
            subscribers: [RegisterBuilder.subscriber("1001", password: "pw", realm: "voip.example.net", domain: "voip.example.net")]
        )
        let outcome = registrar.handleRegister(try RegisterBuilder.request(domain: "voip.example.net"), source: source, transport: .udp, now: .t0, salt: 1)
        let header = try XCTUnwrap(outcome.response.headers.values("WWW-Authenticate").first)
        XCTAssertEqual(parameter("realm", in: header), "voip.example.net")
    }
}
