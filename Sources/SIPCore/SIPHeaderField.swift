/// One header line of a message: its (canonical) name and its unfolded, trimmed value.
public struct SIPHeaderField: Hashable, Sendable {
    /// The header name: the long form with conventional capitalization for known headers
    /// ("Via" for "v" or "VIA"), the first-seen spelling for others.
    public var name: String
    /// The value, folding undone, surrounding whitespace removed.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
