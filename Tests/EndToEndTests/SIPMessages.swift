import Foundation
import SIPCore

/// Hand-written SIP requests for the end-to-end tests, and digest answers computed with the
/// project's own SIPCore (checked independently against RFC examples in SIPCoreTests).
enum SIPMessages {
    static func register(
        user: String, client: SIPTestClient, port: Int, callID: String, cseq: Int, expires: Int? = 3600,
        contact: String? = nil, authorization: String? = nil, branch: String = "z9hG4bK\(UUID().uuidString.prefix(12))",
        userAgent: String = "SIPWarden-e2e"
    ) -> String {
        let transport = client.kind == .udp ? "UDP" : "TCP"
        var lines = [
            "REGISTER sip:127.0.0.1:\(port) SIP/2.0",
            "Via: SIP/2.0/\(transport) \(client.localIP):\(client.localPort);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: <sip:\(user)@127.0.0.1>;tag=e2e\(cseq)",
            "To: <sip:\(user)@127.0.0.1>",
            "Call-ID: \(callID)",
            "CSeq: \(cseq) REGISTER",
            "Contact: " + (contact ?? "<sip:\(user)@\(client.localIP):\(client.localPort)>"),
            "User-Agent: \(userAgent)",
        ]
        if let expires { lines.append("Expires: \(expires)") }
        if let authorization { lines.append("Authorization: \(authorization)") }
        lines.append("Content-Length: 0")
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    static func options(client: SIPTestClient, port: Int, callID: String = UUID().uuidString) -> String {
        let transport = client.kind == .udp ? "UDP" : "TCP"
        return [
            "OPTIONS sip:127.0.0.1:\(port) SIP/2.0",
            "Via: SIP/2.0/\(transport) \(client.localIP):\(client.localPort);branch=z9hG4bK\(UUID().uuidString.prefix(10));rport",
            "Max-Forwards: 70",
            "From: <sip:probe@127.0.0.1>;tag=probe",
            "To: <sip:127.0.0.1:\(port)>",
            "Call-ID: \(callID)",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// The status code of a response text.
    static func status(_ response: String?) -> Int? {
        guard let response, response.hasPrefix("SIP/2.0 ") else { return nil }
        return Int(response.dropFirst(8).prefix(3))
    }

    /// Header values of `name` in a response text (case-insensitive, no compact forms).
    static func headers(_ name: String, in response: String) -> [String] {
        response.components(separatedBy: "\r\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":"), line[..<colon].trimmingCharacters(in: .whitespaces).lowercased() == name.lowercased() else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }

    /// A quoted or bare parameter of a WWW-Authenticate value.
    static func challengeParameter(_ name: String, in header: String) -> String? {
        guard let range = header.range(of: "\(name)=") else { return nil }
        let rest = header[range.upperBound...]
        if rest.hasPrefix("\"") { return String(rest.dropFirst().prefix { $0 != "\"" }) }
        return String(rest.prefix { $0 != "," && $0 != " " })
    }

    /// The Authorization value answering `challenge` for `user`/`password`.
    static func authorization(user: String, password: String, challenge: String, uri: String, nc: Int = 1) -> String {
        let realm = challengeParameter("realm", in: challenge) ?? ""
        let nonce = challengeParameter("nonce", in: challenge) ?? ""
        let algorithm: DigestAlgorithm = (challengeParameter("algorithm", in: challenge) ?? "MD5") == "SHA-256" ? .sha256 : .md5
        let ncText = String(format: "%08x", nc)
        let cnonce = "e2e\(UUID().uuidString.prefix(8))"
        let ha1 = Digest.ha1(username: user, realm: realm, password: password, algorithm: algorithm)
        let response = Digest.response(ha1: ha1, method: "REGISTER", uri: uri, nonce: nonce, nonceCount: ncText,
                                       cnonce: cnonce, qop: "auth", algorithm: algorithm)
        return "Digest username=\"\(user)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(uri)\", response=\"\(response)\", algorithm=\(algorithm.rawValue), qop=auth, nc=\(ncText), cnonce=\"\(cnonce)\""
    }
}
