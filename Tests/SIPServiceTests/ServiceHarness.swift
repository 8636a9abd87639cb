import Configuration
import Firewall
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Registrar
import SIPCore
import SIPWardenPolicy
import SecurityLog
import Store
import StoreTesting
import XCTest

@testable import SIPService

/// A test failure the harness reports by throwing.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// A SIP service over the in-memory store, the memory firewall and a real security log in a
/// temporary directory: what the daemon wires, minus sockets, SQLite and plugins.
final class ServiceHarness {
    static let username = "1001"
    static let password = "secret-1001"
    static let domain = "example.com"

    let directory: String
    let store: MemoryStore
    let firewall = MemoryFirewall()
    let log: SecurityLog
    let security: SecurityCoordinator
    let committer: GroupCommitter
    let service: SIPService
    let configuration: DaemonConfiguration

    init(bindings: [Binding] = [], configure: (inout DaemonConfiguration) -> Void = { _ in }) throws {
        directory = NSTemporaryDirectory() + "sipservice-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = DaemonConfiguration()
        configuration.dataDirectory = directory
        configure(&configuration)
        self.configuration = configuration
        // A subscriber of a domain is challenged with the domain as its realm (as `subscriber add` stores it).
        let subscriber = Subscriber(
            username: Self.username, domain: Self.domain, realm: Self.domain,
            ha1MD5: Digest.ha1(username: Self.username, realm: Self.domain, password: Self.password, algorithm: .md5),
            ha1SHA256: Digest.ha1(username: Self.username, realm: Self.domain, password: Self.password, algorithm: .sha256))
        store = MemoryStore(bindings: bindings, subscribers: [subscriber])
        log = try SecurityLog(path: directory + "/security.log", limits: .unlimited)
        let logger = Logger(label: "test")
        security = try SecurityCoordinator(firewall: firewall, store: store, log: log, trusted: configuration.trusted, logger: logger)
        committer = GroupCommitter(store: store)
        let registrar = Registrar(
            configuration: configuration.registrar, secret: Array("harness-secret".utf8), bindings: try store.loadBindings(),
            subscribers: try store.subscribers(), forceRport: configuration.forceRport)
        service = SIPService(registrar: registrar, committer: committer, security: security, configuration: configuration, logger: logger)
    }

    deinit {
        log.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The events written to the security log so far, as JSON objects.
    func events() throws -> [[String: Any]] {
        log.flush()
        let text = (try? String(contentsOfFile: directory + "/security.log", encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").compactMap { line in
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "event" }
    }

    /// The kinds of the logged events, in order.
    func eventKinds() throws -> [String] { try events().compactMap { $0["kind"] as? String } }

    // MARK: Messages

    /// A REGISTER from `source` (its Via and Contact name it), with `authorization` when answering a challenge.
    static func register(
        from source: SourceAddress, transport: String = "UDP", callID: String = "call-1", cseq: Int = 1,
        contact: String? = nil, expires: Int = 600, authorization: String? = nil
    ) -> [UInt8] {
        var lines = [
            "REGISTER sip:\(domain) SIP/2.0",
            "Via: SIP/2.0/\(transport) \(source.ip):\(source.port);branch=z9hG4bK-\(callID)-\(cseq);rport",
            "Max-Forwards: 70",
            "From: <sip:\(username)@\(domain)>;tag=t\(cseq)",
            "To: <sip:\(username)@\(domain)>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
            "Contact: <\(contact ?? "sip:\(username)@\(source.ip):\(source.port)")>",
            "Expires: \(expires)",
        ]
        if let authorization { lines.append("Authorization: \(authorization)") }
        lines.append("Content-Length: 0")
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// The Authorization header answering `challenge` (a WWW-Authenticate value) with the
    /// subscriber's password, as a phone computes it.
    static func authorization(answering challenge: String, uri: String = "sip:\(domain)") throws -> String {
        func parameter(_ name: String) -> String? {
            guard let range = challenge.range(of: name + "=") else { return nil }
            var rest = challenge[range.upperBound...]
            if rest.hasPrefix("\"") {
                rest = rest.dropFirst()
                return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
            }
            return String(rest.prefix { $0 != "," && $0 != " " })
        }
        let realm = try XCTUnwrap(parameter("realm"), challenge)
        let nonce = try XCTUnwrap(parameter("nonce"), challenge)
        let qop = parameter("qop").map { $0.split(separator: ",").first.map(String.init) ?? $0 }
        let ha1 = Digest.ha1(username: username, realm: realm, password: password, algorithm: .md5)
        let cnonce = "0a4f113b"
        let response = Digest.response(
            ha1: ha1, method: "REGISTER", uri: uri, nonce: nonce, nonceCount: qop == nil ? nil : "00000001",
            cnonce: qop == nil ? nil : cnonce, qop: qop, algorithm: .md5)
        var header = "Digest username=\"\(username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=MD5"
        if let qop { header += ", qop=\(qop), nc=00000001, cnonce=\"\(cnonce)\"" }
        return header
    }

    /// Parses response bytes the service sent.
    static func response(_ bytes: ByteBuffer) throws -> SIPResponse {
        guard case .response(let response) = try SIPParser.parse(Array(bytes.readableBytesView)) else {
            throw HarnessError(description: "the service sent a request where a response was expected")
        }
        return response
    }
}
