/// A SIP request method. Methods are case-sensitive tokens (RFC 3261 §7.1): "register" or
/// "RE%47IST%45R" are extension methods, not REGISTER.
public enum SIPMethod: Hashable, Sendable, CustomStringConvertible, RawRepresentable {
    /// REGISTER (RFC 3261).
    case register
    /// OPTIONS (RFC 3261).
    case options
    /// INVITE (RFC 3261).
    case invite
    /// ACK (RFC 3261).
    case ack
    /// BYE (RFC 3261).
    case bye
    /// CANCEL (RFC 3261).
    case cancel
    /// SUBSCRIBE (RFC 6665).
    case subscribe
    /// NOTIFY (RFC 6665).
    case notify
    /// MESSAGE (RFC 3428).
    case message
    /// INFO (RFC 6086).
    case info
    /// PRACK (RFC 3262).
    case prack
    /// UPDATE (RFC 3311).
    case update
    /// REFER (RFC 3515).
    case refer
    /// PUBLISH (RFC 3903).
    case publish
    /// Any other method token, exactly as written.
    case `extension`(String)

    /// The method for `token`, matched case-sensitively.
    public init(_ token: String) {
        switch token {
        case "REGISTER": self = .register
        case "OPTIONS": self = .options
        case "INVITE": self = .invite
        case "ACK": self = .ack
        case "BYE": self = .bye
        case "CANCEL": self = .cancel
        case "SUBSCRIBE": self = .subscribe
        case "NOTIFY": self = .notify
        case "MESSAGE": self = .message
        case "INFO": self = .info
        case "PRACK": self = .prack
        case "UPDATE": self = .update
        case "REFER": self = .refer
        case "PUBLISH": self = .publish
        default: self = .extension(token)
        }
    }

    /// The method for `rawValue` (never fails; unknown tokens become `.extension`).
    public init?(rawValue: String) { self.init(rawValue) }

    /// The method token.
    public var rawValue: String {
        switch self {
        case .register: return "REGISTER"
        case .options: return "OPTIONS"
        case .invite: return "INVITE"
        case .ack: return "ACK"
        case .bye: return "BYE"
        case .cancel: return "CANCEL"
        case .subscribe: return "SUBSCRIBE"
        case .notify: return "NOTIFY"
        case .message: return "MESSAGE"
        case .info: return "INFO"
        case .prack: return "PRACK"
        case .update: return "UPDATE"
        case .refer: return "REFER"
        case .publish: return "PUBLISH"
        case .extension(let token): return token
        }
    }

    /// The method token.
    public var description: String { rawValue }
}

extension SIPMethod {
    /// Methods are equal when their tokens are, so `.extension("REGISTER")` equals `.register`.
    public static func == (lhs: SIPMethod, rhs: SIPMethod) -> Bool { lhs.rawValue == rhs.rawValue }

    /// Hashes the token.
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}
