/// Where a binding stands, as `registrations list` shows it in `status` and filters it with
/// `--status`.
public enum RegistrationStatus: String, Codable, CaseIterable, Hashable, Sendable {
    /// Live, and answering keepalives (or not probed).
    case registered
    /// Live, but it missed `keepalive.max_misses` keepalives in a row.
    case unreachable
    /// Lapsed, removed as unreachable or forced out recently; kept for
    /// `registrar.expired_retention` seconds so an operator can see who dropped off.
    case expired
}
