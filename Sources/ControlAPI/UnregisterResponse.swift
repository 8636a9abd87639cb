/// The answer to `POST /v1/registrations/unregister`: the bindings removed (or, for a dry
/// run, that would be), as `registrations list` shows them.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `dry_run` | bool | true when nothing was removed |
/// | `removed` | array | `RegistrationInfo` objects |
public struct UnregisterResponse: Codable, Hashable, Sendable {
    /// Whether this was a dry run.
    public var dryRun: Bool
    /// The bindings removed, or that would be.
    public var removed: [RegistrationInfo]

    /// Creates an answer.
    public init(dryRun: Bool, removed: [RegistrationInfo]) {
        self.dryRun = dryRun
        self.removed = removed
    }

    private enum CodingKeys: String, CodingKey {
        case dryRun = "dry_run"
        case removed
    }
}
