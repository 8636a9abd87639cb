/// What replaying a security log through the policies found (`sipwarden --policy-test`
/// prints it as JSON; `sipwardenctl policy test` shows it). JSON keys: `file`, `events`
/// (events replayed), `skipped_lines` (lines that were not events: decisions, summaries, junk),
/// `first_ms`, `last_ms` (the replayed time span), `policies` (the policies run), `findings`.
public struct PolicyTestReport: Codable, Hashable, Sendable {
    /// The replayed log.
    public var file: String
    /// How many events were replayed.
    public var events: Int
    /// Lines that were not replayable events.
    public var skippedLines: Int
    /// The first and last replayed event's time, milliseconds since the epoch (0 when none).
    public var firstMilliseconds: Int64
    public var lastMilliseconds: Int64
    /// The policies that ran, by name.
    public var policies: [String]
    /// What they decided, in order.
    public var findings: [PolicyTestFinding]

    /// Creates a report.
    public init(file: String, events: Int, skippedLines: Int, firstMilliseconds: Int64, lastMilliseconds: Int64,
                policies: [String], findings: [PolicyTestFinding]) {
        self.file = file
        self.events = events
        self.skippedLines = skippedLines
        self.firstMilliseconds = firstMilliseconds
        self.lastMilliseconds = lastMilliseconds
        self.policies = policies
        self.findings = findings
    }

    private enum CodingKeys: String, CodingKey {
        case file, events, policies, findings
        case skippedLines = "skipped_lines"
        case firstMilliseconds = "first_ms"
        case lastMilliseconds = "last_ms"
    }
}
