/// The body of every non-2xx answer of the control API: what went wrong and, when there is
/// one, what to do about it.
///
/// JSON: `{"error": "no subscriber 1001", "hint": "list them with 'sipwardenctl subscriber list'"}`
/// (`hint` is `null` when there is none).
public struct ControlError: Codable, Hashable, Sendable, Error, CustomStringConvertible {
    /// What went wrong, in one sentence.
    public var error: String
    /// What the operator can do about it, if anything.
    public var hint: String?

    /// Creates an error body.
    public init(error: String, hint: String? = nil) {
        self.error = error
        self.hint = hint
    }

    /// The message, followed by the hint when there is one.
    public var description: String {
        guard let hint else { return error }
        return "\(error) (\(hint))"
    }

    private enum CodingKeys: String, CodingKey {
        case error, hint
    }

    /// Encodes both keys, `hint` as `null` when absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(error, forKey: .error)
        try container.encode(hint, forKey: .hint)
    }
}
