/// One `name=value` pair of a SIP-URI's `?headers` component, %-decoded.
public struct SIPURIHeader: Hashable, Sendable {
    /// The header name, decoded.
    public var name: String
    /// The header value, decoded (may be empty).
    public var value: String

    /// Creates a URI header.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
