/// Why a SIP message, header or URI could not be parsed.
///
/// Every malformed input that reaches SIPCore ends in one of these, never in a crash. The
/// error says what was wrong (`kind`, `header`, `detail`), which status a server should answer
/// with (`suggestedStatus`), and, for requests whose reply can still be addressed, the header
/// values needed to send that reply (`responseContext`).
public struct SIPParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The category of the failure.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// The request line or status line does not follow RFC 3261 §7.1 / §7.2.
        case malformedStartLine
        /// The start line names a SIP version other than 2.0 (answer 505).
        case unsupportedVersion
        /// A header line or header value does not follow its grammar.
        case malformedHeader
        /// A header that must be present is absent.
        case missingHeader
        /// A header that may appear only once appears several times.
        case duplicateHeader
        /// Content-Length is not a non-negative integer within the message size limit.
        case invalidContentLength
        /// The message ends before the body announced by Content-Length, or before its header block ends.
        case truncatedBody
        /// The message, or a stream's header block, exceeds `maxMessageSize`.
        case messageTooLarge
        /// The message has more header lines than `maxHeaders`.
        case tooManyHeaders
        /// One header field (after unfolding) is longer than `maxHeaderLength`.
        case headerTooLong
        /// A URI does not follow RFC 3261 §19.1 / §25.1.
        case invalidURI
        /// The CSeq method differs from the request-line method.
        case cseqMethodMismatch
        /// A number is syntactically fine but outside its allowed range.
        case valueOutOfRange
        /// An Authorization header names Digest but its parameters are unusable.
        case invalidCredentials
    }

    /// The category of the failure.
    public var kind: Kind
    /// The (canonical) name of the offending header, when one header was at fault.
    public var header: String?
    /// A human-readable explanation naming the offending value.
    public var detail: String
    /// The status a server should answer with: 400, or 505 for an unsupported SIP version.
    public var suggestedStatus: Int
    /// For a broken request: the values needed to address a reply. Nil for responses and for
    /// requests that lack Via, From, To, Call-ID or CSeq.
    public var responseContext: ResponseContext?

    /// Creates an error; `suggestedStatus` defaults to 505 for `.unsupportedVersion`, else 400.
    public init(
        _ kind: Kind, header: String? = nil, detail: String, suggestedStatus: Int? = nil,
        responseContext: ResponseContext? = nil
    ) {
        self.kind = kind
        self.header = header
        self.detail = detail
        self.suggestedStatus = suggestedStatus ?? (kind == .unsupportedVersion ? 505 : 400)
        self.responseContext = responseContext
    }

    /// `kind[ (header)]: detail`, e.g. `duplicateHeader (Call-ID): Call-ID appears 2 times`.
    public var description: String {
        if let header { return "\(kind.rawValue) (\(header)): \(detail)" }
        return "\(kind.rawValue): \(detail)"
    }
}
