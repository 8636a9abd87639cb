/// The rules a subscriber's fields must follow, checked by the CLI before it sends a request
/// and by the control server before it hands one to the daemon, so both say the same thing.
///
/// Each check returns `nil` when the value is acceptable, or a sentence naming what is wrong.
public enum SubscriberValidation {
    /// The longest username, domain or password accepted, in bytes.
    public static let maximumFieldLength = 256

    /// Characters allowed unescaped in the user part of a SIP URI (RFC 3261 §25.1: unreserved,
    /// user-unreserved), plus `%` for escapes.
    private static let userCharacters: Set<UInt8> = {
        var set = Set<UInt8>()
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { set.insert(byte) }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { set.insert(byte) }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { set.insert(byte) }
        for character in "-_.!~*'()&=+$,;?/%".utf8 { set.insert(character) }
        return set
    }()

    /// Characters allowed in a domain: a host name, an IPv4 address, or a bracketed IPv6
    /// reference (RFC 3261 §25.1 `host`).
    private static let domainCharacters: Set<UInt8> = {
        var set = Set<UInt8>()
        for byte in UInt8(ascii: "a")...UInt8(ascii: "z") { set.insert(byte) }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") { set.insert(byte) }
        for byte in UInt8(ascii: "0")...UInt8(ascii: "9") { set.insert(byte) }
        for character in "-.:[]".utf8 { set.insert(character) }
        return set
    }()

    /// Checks a username: not empty, at most `maximumFieldLength` bytes, only characters the
    /// user part of a SIP URI allows.
    public static func problem(username: String) -> String? {
        problem(
            username, field: "username", allowed: userCharacters, emptyAdvice: "",
            badCharacterAdvice: "which the user part of a SIP URI does not allow (RFC 3261 §25.1)")
    }

    /// Checks a domain: not empty, at most `maximumFieldLength` bytes, only host characters.
    public static func problem(domain: String) -> String? {
        problem(
            domain, field: "domain", allowed: domainCharacters, emptyAdvice: " (leave it out instead)",
            badCharacterAdvice: "; give a host name or an IP address, such as example.com")
    }

    /// Checks the identifying fields every subscriber has: username, password and, when
    /// given, domain.
    public static func problem(username: String, password: String, domain: String?) -> String? {
        if let problem = problem(username: username) { return problem }
        if let problem = problem(password: password) { return problem }
        if let domain, let problem = problem(domain: domain) { return problem }
        return nil
    }

    /// Checks a password: not empty, at most `maximumFieldLength` bytes, no control characters
    /// (a line break could not be typed by a phone's user either).
    public static func problem(password: String) -> String? {
        if password.isEmpty { return "the password is empty" }
        if password.utf8.count > maximumFieldLength {
            return "the password is longer than \(maximumFieldLength) bytes"
        }
        if password.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the password contains a control character"
        }
        return nil
    }

    /// The auth modes a subscriber may have, as typed.
    public static let authModes = ["password", "ip", "ip+port", "password+ip"]

    /// Checks an auth mode: one of `authModes`.
    public static func problem(authMode: String) -> String? {
        authModes.contains(authMode) ? nil
            : "'\(authMode)' is not an auth mode; use one of \(authModes.joined(separator: ", "))"
    }

    /// Checks a free-text field (display name, account tag): at most `maximumFieldLength`
    /// bytes, no control characters.
    public static func problem(text: String, field: String) -> String? {
        if text.utf8.count > maximumFieldLength {
            return "the \(field) is longer than \(maximumFieldLength) bytes"
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the \(field) contains a control character"
        }
        return nil
    }

    private static func problem(
        _ value: String, field: String, allowed: Set<UInt8>, emptyAdvice: String, badCharacterAdvice: String
    ) -> String? {
        if value.isEmpty { return "the \(field) is empty\(emptyAdvice)" }
        if value.utf8.count > maximumFieldLength {
            return "the \(field) is longer than \(maximumFieldLength) bytes"
        }
        if let bad = value.unicodeScalars.first(where: { !$0.isASCII || !allowed.contains(UInt8($0.value)) }) {
            let separator = badCharacterAdvice.hasPrefix(";") ? "" : ", "
            return "the \(field) \(quoted(value)) contains \(describe(bad))\(separator)\(badCharacterAdvice)"
        }
        return nil
    }

    private static func quoted(_ value: String) -> String {
        "'\(value)'"
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": return "a space"
        case "\t": return "a tab"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F { return "a control character" }
            return "'\(Character(scalar))'"
        }
    }
}
