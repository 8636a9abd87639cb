/// The answer to `POST /v1/bans/import`, sent once every ban is committed to the store (and so
/// kept across restarts) and in the firewall.
///
/// JSON: `{"targets": 100000, "added": 99990, "extended": 4, "already_banned": 6, "skipped": 0,
/// "seconds": 86400, "milliseconds": 2100}`.
public struct BanImportResponse: Codable, Hashable, Sendable {
    /// How many targets the request named.
    public var targets: Int
    /// Targets that were not banned before and are now.
    public var added: Int
    /// Targets banned already whose ban now lasts longer.
    public var extended: Int
    /// Targets banned already for at least as long; their ban is unchanged.
    public var alreadyBanned: Int
    /// Targets not applied: repeats of a target earlier in the list (`10.0.0.1` and
    /// `10.0.0.1/32` are one target), and addresses trusted by the time their batch was applied.
    public var skipped: Int
    /// How long each new ban lasts, in seconds.
    public var seconds: Int
    /// How long the daemon took, from the request to the last commit.
    public var milliseconds: Int

    /// Creates an import answer.
    public init(targets: Int, added: Int, extended: Int, alreadyBanned: Int, skipped: Int, seconds: Int, milliseconds: Int) {
        self.targets = targets
        self.added = added
        self.extended = extended
        self.alreadyBanned = alreadyBanned
        self.skipped = skipped
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case targets, added, extended, skipped, seconds, milliseconds
        case alreadyBanned = "already_banned"
    }
}
