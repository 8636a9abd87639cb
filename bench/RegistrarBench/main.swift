// Measures SIPWarden's own CPU cost of one registration, without sockets: parse the first
// REGISTER, challenge it (401), parse the answer with digest credentials, authenticate and bind
// (200), serialize both responses. The rest of a registration's cost in `make bench` is the
// kernel (UDP send/receive), SwiftNIO, and the SQLite commit.
//
//   swift run -c release registrar-bench [registrations]
import Foundation
import Registrar
import SIPCore

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
let users = 10_000
let realm = "sipwarden"
let subscribers = (0..<users).map { index -> Subscriber in
    let user = String(100_000 + index)
    return Subscriber(username: user, realm: realm,
                      ha1MD5: Digest.ha1(username: user, realm: realm, password: "pw\(user)", algorithm: .md5),
                      ha1SHA256: Digest.ha1(username: user, realm: realm, password: "pw\(user)", algorithm: .sha256))
}
var registrar = Registrar(configuration: RegistrarConfiguration(), secret: Array("bench-secret".utf8), subscribers: subscribers)
let source = SourceAddress(ip: "127.0.0.1", port: 5071)!

func register(_ user: String, callID: String, cseq: Int, authorization: String?) -> [UInt8] {
    var text = "REGISTER sip:127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-\(callID)-\(cseq);rport\r\n"
    text += "Max-Forwards: 70\r\nFrom: <sip:\(user)@127.0.0.1>;tag=\(callID)\r\nTo: <sip:\(user)@127.0.0.1>\r\nCall-ID: \(callID)\r\n"
    text += "CSeq: \(cseq) REGISTER\r\nContact: <sip:\(user)@127.0.0.1:5071;transport=UDP>\r\n"
    if let authorization { text += "Authorization: \(authorization)\r\n" }
    text += "Expires: 3600\r\nUser-Agent: SIPWarden-bench/1 (SIPp)\r\nContent-Length: 0\r\n\r\n"
    return Array(text.utf8)
}

func parameter(_ name: String, in header: String) -> String {
    guard let range = header.range(of: "\(name)=\"") else { return "" }
    return String(header[range.upperBound...].prefix { $0 != "\"" })
}

// Prepare every message first, so only the server's work is timed.
var firsts: [[UInt8]] = []
var seconds: [[UInt8]] = []
let now = Timestamp(milliseconds: Int64(Date().timeIntervalSince1970 * 1000))
for index in 0..<count {
    let user = String(100_000 + index % users)
    let callID = "bench-\(index)"
    let first = register(user, callID: callID, cseq: 1, authorization: nil)
    guard case .request(let request) = try SIPParser.parse(first) else { fatalError("bench message does not parse") }
    var scratch = registrar
    let challenge = scratch.handleRegister(request, source: source, transport: .udp, now: now, salt: UInt64(index + 1))
    let header = challenge.response.headers.first("WWW-Authenticate") ?? ""
    let nonce = parameter("nonce", in: header)
    let ha1 = Digest.ha1(username: user, realm: realm, password: "pw\(user)", algorithm: .md5)
    let uri = "sip:127.0.0.1:5060"
    let response = Digest.response(ha1: ha1, method: "REGISTER", uri: uri, nonce: nonce, nonceCount: "00000001", cnonce: "abc", qop: "auth", algorithm: .md5)
    let authorization = "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abc\""
    firsts.append(first)
    seconds.append(register(user, callID: callID, cseq: 2, authorization: authorization))
}

// Each phase is timed on its own pass over fresh requests, so the figures add up to a
// registration without timer calls inside the measured loops. Never inlined, so
// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*7measure*'` counts the
// instructions of exactly these phases (docs/performance.md).
@inline(never)
func measure(_ label: String, _ body: () throws -> Void) rethrows -> Double {
    let started = DispatchTime.now().uptimeNanoseconds
    try body()
    let perRegistration = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e3 / Double(count)
    print("  " + label.padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%7.2f µs", perRegistration))
    return perRegistration
}

func parseAll(_ messages: [[UInt8]]) throws -> [SIPRequest] {
    try messages.map { bytes in
        guard case .request(let request) = try SIPParser.parse(bytes) else { fatalError("not a request") }
        return request
    }
}

print("per registration (\(count) registrations, \(users) users, release build):")
var requests1: [SIPRequest] = []
var requests2: [SIPRequest] = []
var responses1: [SIPResponse] = []
var responses2: [SIPResponse] = []
var total = 0.0
total += try measure("parse REGISTER (no credentials)") { requests1 = try parseAll(firsts) }
total += measure("registrar: challenge (401)") {
    responses1 = requests1.enumerated().map { index, request in
        registrar.handleRegister(request, source: source, transport: .udp, now: now, salt: UInt64(index * 2 + 1)).response
    }
}
total += measure("serialize 401") { for response in responses1 { _ = response.serialize() } }
total += try measure("parse REGISTER (with credentials)") { requests2 = try parseAll(seconds) }
total += measure("registrar: digest check, bind (200)") {
    responses2 = requests2.enumerated().map { index, request in
        registrar.handleRegister(request, source: source, transport: .udp, now: now, salt: UInt64(index * 2 + 2)).response
    }
}
total += measure("serialize 200") { for response in responses2 { _ = response.serialize() } }
let ok = responses2.filter { $0.statusCode == 200 }.count
print("  " + "total".padding(toLength: 40, withPad: " ", startingAt: 0) + String(format: "%7.2f µs  (%.0f registrations/s on one core)", total, 1e6 / total))
print("accepted: \(ok) of \(count), bindings: \(registrar.location.count)")
if ok != count { print("warning: \(count - ok) registrations were not accepted"); exit(1) }

// A keepalive round materialises every live binding under the registrar lock: its cost per
// binding says how long REGISTER handling pauses per round at a given table size.
var scans: [Double] = []
var scanned = 0
for _ in 0..<21 {
    let started = DispatchTime.now().uptimeNanoseconds
    scanned = registrar.location.liveBindings(now: now).count
    scans.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
}
let scanMilliseconds = scans.sorted()[scans.count / 2]
print(String(format: "live-binding scan (a keepalive round, under the registrar lock): %.2f ms for %d bindings, %.2f µs each (median of 21)",
             scanMilliseconds, scanned, scanMilliseconds * 1000 / Double(max(1, scanned))))
