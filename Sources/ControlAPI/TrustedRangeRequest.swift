/// The body of `POST /v1/trusted`: a range never to ban. JSON key: `cidr`.
public struct TrustedRangeRequest: Codable, Hashable, Sendable {
    /// An address or CIDR range.
    public var cidr: String

    /// Creates a request.
    public init(cidr: String) { self.cidr = cidr }

    /// What is wrong with the range, or nil.
    public func validationProblem() -> String? { AccessRange.problem(cidr, for: .trusted) }
}
