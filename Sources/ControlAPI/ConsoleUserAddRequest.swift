/// The body of `POST /v1/console/users`: create (or, with `replace`, replace) a console account.
///
/// JSON keys: `name`, `role` (`admin` or `viewer`), `password`, `replace` (optional, false).
public struct ConsoleUserAddRequest: Codable, Hashable, Sendable {
    /// The shortest password accepted.
    public static let minimumPasswordLength = 8

    /// The login name: 1 to 64 letters, digits, `.`, `_` or `-`.
    public var name: String
    /// What the account may do.
    public var role: ConsoleRole
    /// The password, in clear on the control socket only; the daemon keeps a salted hash.
    public var password: String
    /// Replace an existing account of that name instead of refusing (409).
    public var replace: Bool

    /// Creates a request.
    public init(name: String, role: ConsoleRole, password: String, replace: Bool = false) {
        self.name = name
        self.role = role
        self.password = password
        self.replace = replace
    }

    /// What is wrong with the name, or nil.
    public static func nameProblem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            return "console user name '\(name)': use 1 to 64 letters, digits, '.', '_' or '-', e.g. alice"
        }
        return nil
    }

    /// What is wrong with this request, or nil when every field is acceptable.
    public func validationProblem() -> String? {
        if let problem = Self.nameProblem(name) { return problem }
        if password.count < Self.minimumPasswordLength {
            return "the password is \(password.count) characters long; use at least \(Self.minimumPasswordLength)"
        }
        if password.utf8.count > 1024 { return "the password is longer than 1024 bytes" }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case name, role, password, replace
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        role = try container.decode(ConsoleRole.self, forKey: .role)
        password = try container.decode(String.self, forKey: .password)
        replace = try container.decodeIfPresent(Bool.self, forKey: .replace) ?? false
    }
}
