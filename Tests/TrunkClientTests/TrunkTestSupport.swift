import Registrar
import SIPCore
import XCTest

@testable import TrunkClient

/// Randomness whose `unit` value is always `fraction` (the low 11 bits, which `unit` drops,
/// count up so every token still differs).
struct FixedFractionRandom: RandomNumberGenerator {
    var fraction: Double
    var counter: UInt64 = 0

    mutating func next() -> UInt64 {
        counter += 1
        return (UInt64(fraction * Double(UInt64(1) << 53)) << 11) | (counter & 0x7FF)
    }
}

/// A trunk with a test clock and canned server answers.
struct TrunkHarness {
    var client: TrunkClient
    var random = FixedFractionRandom(fraction: 0.5)
    var now = Timestamp(seconds: 1_000_000)
    static let local = TrunkAddress(host: "127.0.0.1", port: 5070)

    init(settings: TrunkSettings = TrunkHarness.settings(), timing: TrunkTiming = .default, enabled: Bool = true, targets: Int = 1) {
        var random = FixedFractionRandom(fraction: 0.5)
        client = TrunkClient(settings: settings, timing: timing, enabled: enabled, now: Timestamp(seconds: 1_000_000), random: &random)
        self.random = random
        client.setTransport(local: Self.local, targets: targets)
    }

    static func settings(password: String = "secret", expires: UInt32 = 3600, realm: String? = nil) -> TrunkSettings {
        TrunkSettings(
            name: "carrier", registrar: SIPURI(host: "127.0.0.2", port: 5060), username: "alice", password: password,
            realm: realm, expires: expires)
    }

    mutating func advance(seconds: Double) { now = Timestamp(milliseconds: now.milliseconds + Int64(seconds * 1000)) }

    /// Moves the clock to the next deadline and ticks; the one request sent.
    mutating func tickToDeadline(file: StaticString = #filePath, line: UInt = #line) throws -> SIPRequest {
        let deadline = try XCTUnwrap(client.nextDeadline, "no deadline", file: file, line: line)
        if deadline > now { now = deadline }
        return try XCTUnwrap(Self.sent(client.tick(now: now, random: &random)), "tick sent nothing", file: file, line: line)
    }

    mutating func answer(_ response: SIPResponse) -> [TrunkAction] { client.receive(response, now: now, random: &random) }

    mutating func timeout(_ request: SIPRequest) -> [TrunkAction] {
        client.timedOut(branch: request.via.first?.branch ?? "", now: now, random: &random)
    }

    static func sent(_ actions: [TrunkAction]) -> SIPRequest? {
        for case .send(let request, _) in actions { return request }
        return nil
    }

    static func target(_ actions: [TrunkAction]) -> Int? {
        for case .send(_, let target) in actions { return target }
        return nil
    }

    static func events(_ actions: [TrunkAction]) -> [TrunkEvent] {
        actions.compactMap { if case .event(let event) = $0 { return event } else { return nil } }
    }

    /// A response to `request` with extra header lines.
    static func reply(_ request: SIPRequest, _ code: Int, _ extra: [(String, String)] = []) -> SIPResponse {
        var response = SIPResponse.reply(to: request, statusCode: code, toTag: code >= 200 ? "srv" : nil)
        for (name, value) in extra { response.headers.add(name, value) }
        return response
    }

    /// A 200 granting `expires` to the request's first Contact.
    static func ok(_ request: SIPRequest, expires: UInt32) -> SIPResponse {
        let contact = request.headers.values("Contact").first ?? ""
        let bare = contact.split(separator: ";").first.map(String.init) ?? contact
        return reply(request, 200, [("Contact", bare + ";expires=" + String(expires))])
    }

    static func challenge(_ request: SIPRequest, code: Int = 401, nonce: String = "n1", algorithm: String = "MD5", qop: String? = "auth", stale: Bool = false, realm: String = "carrier.example") -> SIPResponse {
        var value = "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", algorithm=" + algorithm
        if let qop { value += ", qop=\"" + qop + "\"" }
        if stale { value += ", stale=true" }
        return reply(request, code, [(code == 407 ? "Proxy-Authenticate" : "WWW-Authenticate", value)])
    }

    /// The credentials in `request`'s Authorization (or Proxy-Authorization).
    static func credentials(_ request: SIPRequest, proxy: Bool = false) throws -> DigestCredentials? {
        guard let value = request.headers.first(proxy ? "Proxy-Authorization" : "Authorization") else { return nil }
        return try DigestCredentials.parse(headerValue: Substring(value))
    }
}
