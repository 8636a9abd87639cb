import Registrar
import SIPCore
import XCTest

/// Builds REGISTER requests as text and runs them through the parser, so registrar tests see
/// exactly what the daemon would.
enum RegisterBuilder {
    static let source = SourceAddress(ip: "192.0.2.10", port: 5060)!

    static func request(
        user: String = "1001", domain: String = "example.com", callID: String = "call-1", cseq: UInt32 = 1,
        contacts: [String]? = ["<sip:1001@192.0.2.10:5060>"], expires: String? = nil, extraHeaders: [String] = [],
        via: String = "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1;rport"
    ) throws -> SIPRequest {
        var lines = [
            "REGISTER sip:\(domain) SIP/2.0",
            "Via: \(via)",
            "Max-Forwards: 70",
            "From: <sip:\(user)@\(domain)>;tag=abc",
            "To: <sip:\(user)@\(domain)>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
        ]
        for contact in contacts ?? [] { lines.append("Contact: \(contact)") }
        if let expires { lines.append("Expires: \(expires)") }
        lines += extraHeaders
        lines.append("Content-Length: 0")
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n"
        guard case .request(let request) = try SIPParser.parse(Array(text.utf8)) else {
            throw XCTSkip("not a request")
        }
        return request
    }

    static func subscriber(_ user: String, password: String, realm: String = "sipwarden", domain: String? = nil) -> Subscriber {
        Subscriber(
            username: user, domain: domain, realm: realm,
            ha1MD5: Digest.ha1(username: user, realm: realm, password: password, algorithm: .md5),
            ha1SHA256: Digest.ha1(username: user, realm: realm, password: password, algorithm: .sha256)
        )
    }

    /// A Registrar without authentication, for the §10.3 binding rules.
    static func openRegistrar(_ configure: (inout RegistrarConfiguration) -> Void = { _ in }) -> Registrar {
        var configuration = RegistrarConfiguration(requireAuthentication: false)
        configure(&configuration)
        return Registrar(configuration: configuration, secret: Array("test-secret".utf8))
    }

    static func contacts(_ response: SIPResponse) -> [String] { response.headers.values("Contact") }
}

extension Timestamp {
    static let t0 = Timestamp(seconds: 1_800_000_000)
}
