/// A parsed SIP message.
public enum SIPMessage: Hashable, Sendable {
    /// A request.
    case request(SIPRequest)
    /// A response.
    case response(SIPResponse)
}
