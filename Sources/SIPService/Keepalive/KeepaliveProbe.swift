import Registrar

/// The OPTIONS request the daemon sends a UDP binding as a keepalive (RFC 3261 §11): to the
/// address the phone registered from, so a NAT pinhole is refreshed, with the binding's
/// contact as Request-URI. Any response, whatever its status, proves the phone reachable.
enum KeepaliveProbe {
    /// The branch prefix of our probes (RFC 3261 magic cookie, then "ka").
    static let branchPrefix = "z9hG4bKka"

    /// The request bytes. `local` is the listener's host and port (for Via and From).
    static func options(contact: String, aor: String, callID: String, local: (host: String, port: Int), branch: String, tag: String) -> [UInt8] {
        let host = local.host.contains(":") ? "[\(local.host)]" : local.host
        let text = [
            "OPTIONS \(contact) SIP/2.0",
            "Via: SIP/2.0/UDP \(host):\(local.port);branch=\(branch);rport",
            "Max-Forwards: 70",
            "From: <sip:sipwarden@\(host)>;tag=\(tag)",
            "To: <\(aor)>",
            "Call-ID: \(callID)",
            "CSeq: 1 OPTIONS",
            "Accept: application/sdp",
            "Content-Length: 0",
        ].joined(separator: "\r\n") + "\r\n\r\n"
        return Array(text.utf8)
    }

    /// A random lower-case hex string of `length` characters.
    static func randomToken(_ length: Int = 16) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return String((0..<length).map { _ in digits[Int.random(in: 0..<digits.count, using: &generator)] })
    }
}
