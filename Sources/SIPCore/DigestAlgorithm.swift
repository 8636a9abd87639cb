/// A digest hash algorithm (RFC 7616 §3.3; MD5 is RFC 2617's and every phone's default).
public enum DigestAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// MD5 (RFC 2617); what an absent `algorithm` parameter means.
    case md5 = "MD5"
    /// SHA-256 (RFC 7616).
    case sha256 = "SHA-256"

    /// The algorithm named by an `algorithm` parameter value (case-insensitive; nil when
    /// absent means MD5). Unknown names, and the -sess variants, give nil.
    public init?(parameter: String?) {
        guard let parameter else {
            self = .md5
            return
        }
        if SIPGrammar.equalsIgnoringCase(parameter, "MD5") {
            self = .md5
        } else if SIPGrammar.equalsIgnoringCase(parameter, "SHA-256") {
            self = .sha256
        } else {
            return nil
        }
    }
}
