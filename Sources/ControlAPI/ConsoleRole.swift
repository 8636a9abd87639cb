/// A web-console account's role: `admin` may do everything, `viewer` only look.
public enum ConsoleRole: String, Codable, CaseIterable, Hashable, Sendable {
    /// Every page and every action.
    case admin
    /// Every page, no change.
    case viewer
}
