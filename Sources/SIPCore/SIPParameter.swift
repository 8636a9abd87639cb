/// One `;name[=value]` parameter of a URI or a header value.
public struct SIPParameter: Hashable, Sendable {
    /// The name as it was written.
    public var name: String
    /// The value, or nil for a flag such as `;lr`.
    public var value: String?

    /// Creates a parameter.
    public init(name: String, value: String?) {
        self.name = name
        self.value = value
    }
}
