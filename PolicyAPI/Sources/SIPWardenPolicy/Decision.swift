/// What a plugin asks the host to do. The host owns every effect: plugins never touch the
/// firewall or the database.
///
/// JSON (the exec plugin protocol; one object per line), `evidence` optional everywhere:
/// - `{"action":"ban","target":"192.0.2.7","seconds":600,"reason":"..."}`
/// - `{"action":"unban","target":"192.0.2.0/24","reason":"..."}`
/// - `{"action":"alert","severity":"warning","message":"..."}`
/// - `{"action":"report","kind":"scanner.detected","source_ip":"...","detail":"..."}` (the
///   event's own fields beside `action`)
@frozen public enum Decision: Hashable, Sendable, Codable {
    /// Ban an address or range.
    case ban(BanRequest)
    /// Lift a ban.
    case unban(target: IPRange, reason: String)
    /// Raise an alert.
    case alert(Alert)
    /// Report an event (scanner.detected, rate.exceeded, hijack.suspected): the host records
    /// it, assigns its id (and its time when 0) and feeds it to every plugin.
    case report(SecurityEvent)

    /// Decodes the `action`-tagged JSON object described on the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: ActionKey.self)
        let action = try c.decode(String.self, forKey: .action)
        switch action {
        case "ban":
            self = .ban(try BanRequest(from: decoder))
        case "unban":
            let u = try decoder.container(keyedBy: BanRequest.CodingKeys.self)
            self = .unban(
                target: try u.decode(IPRange.self, forKey: .target),
                reason: try u.decodeIfPresent(String.self, forKey: .reason) ?? "")
        case "alert":
            self = .alert(try Alert(from: decoder))
        case "report":
            self = .report(try SecurityEvent(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .action, in: c, debugDescription: "action '\(action)' is not one of ban, unban, alert, report")
        }
    }

    /// Encodes the `action`-tagged JSON object described on the type.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ActionKey.self)
        switch self {
        case .ban(let request):
            try c.encode("ban", forKey: .action)
            try request.encode(to: encoder)
        case .unban(let target, let reason):
            try c.encode("unban", forKey: .action)
            var u = encoder.container(keyedBy: BanRequest.CodingKeys.self)
            try u.encode(target, forKey: .target)
            try u.encode(reason, forKey: .reason)
        case .alert(let alert):
            try c.encode("alert", forKey: .action)
            try alert.encode(to: encoder)
        case .report(let event):
            try c.encode("report", forKey: .action)
            try event.encode(to: encoder)
        }
    }

    private enum ActionKey: String, CodingKey {
        case action
    }
}
