import Foundation
import SIPWardenPolicy

/// Turns queue entries into the security log's lines: one JSON object each, keys sorted, no
/// raw line break anywhere inside, so every line stands alone for fail2ban and `jq`.
///
/// Events are the `SecurityEvent` JSON plus `"type":"event"`. Decisions are
/// `{"type":"decision","time_ms","plugin","action",...}` with, per action, `target`, `seconds`,
/// `reason`, `evidence_ids` (ban); `target`, `reason` (unban); `severity`, `message`,
/// `evidence_ids` (alert); `kind`, `source_ip`, `detail` (report); and `outcome` when the host
/// gave one ("applied", "ignored: trusted").
struct SecurityLogLine {
    /// The longest string field kept, in UTF-8 bytes; longer values are cut and marked, so a
    /// 60 KB User-Agent cannot make 60 KB lines.
    static let maximumFieldBytes = 1024

    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The line for `entry`, newline included.
    func encode(_ entry: SecurityLogEntry) throws -> [UInt8] {
        let data: Data
        switch entry {
        case .event(let event):
            data = try encoder.encode(EventLine(event: Self.bounded(event)))
        case let .decision(decision, plugin, time, outcome):
            data = try encoder.encode(Self.decisionLine(decision, plugin: plugin, time: time, outcome: outcome))
        }
        return Self.escapingLineSeparators(Array(data)) + [0x0A]
    }

    /// The line noting that `count` lines were dropped.
    func droppedLine(count: Int, timeMilliseconds: Int64) -> [UInt8] {
        Array("{\"lines\":\(count),\"time_ms\":\(timeMilliseconds),\"type\":\"dropped\"}\n".utf8)
    }

    // MARK: - Shapes

    private struct EventLine: Encodable {
        var event: SecurityEvent

        private enum Key: String, CodingKey { case type }

        func encode(to encoder: any Encoder) throws {
            // The event writes its own keys into the same object.
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode("event", forKey: .type)
        }
    }

    private struct DecisionLine: Encodable {
        var type = "decision"
        var timeMilliseconds: Int64
        var plugin: String
        var action: String
        var target: String?
        var seconds: Int?
        var reason: String?
        var severity: String?
        var message: String?
        var kind: String?
        var sourceIP: String?
        var detail: String?
        var evidenceIDs: [UInt64]?
        var outcome: String?

        private enum CodingKeys: String, CodingKey {
            case type, plugin, action, target, seconds, reason, severity, message, kind, detail, outcome
            case timeMilliseconds = "time_ms"
            case sourceIP = "source_ip"
            case evidenceIDs = "evidence_ids"
        }
    }

    private static func decisionLine(_ decision: Decision, plugin: String, time: Int64, outcome: String?) -> DecisionLine {
        var line = DecisionLine(timeMilliseconds: time, plugin: cut(plugin), action: "", outcome: outcome.map(cut))
        switch decision {
        case .ban(let request):
            line.action = "ban"
            line.target = request.target.description
            line.seconds = request.seconds
            line.reason = cut(request.reason)
            line.evidenceIDs = request.evidence.map(\.id)
        case let .unban(target, reason):
            line.action = "unban"
            line.target = target.description
            line.reason = cut(reason)
        case .alert(let alert):
            line.action = "alert"
            line.severity = cut(alert.severity)
            line.message = cut(alert.message)
            line.evidenceIDs = alert.evidence.map(\.id)
        case .report(let event):
            line.action = "report"
            line.kind = cut(event.kind)
            line.sourceIP = cut(event.sourceIP)
            line.detail = event.detail.map(cut)
        }
        return line
    }

    // MARK: - Hostile input

    /// The event with every string field bounded.
    static func bounded(_ event: SecurityEvent) -> SecurityEvent {
        var event = event
        event.kind = cut(event.kind)
        event.sourceIP = cut(event.sourceIP)
        event.transport = cut(event.transport)
        event.aor = event.aor.map(cut)
        event.username = event.username.map(cut)
        event.userAgent = event.userAgent.map(cut)
        event.contact = event.contact.map(cut)
        event.detail = event.detail.map(cut)
        return event
    }

    /// `text` cut to `maximumFieldBytes` (at a character boundary) and marked when longer.
    static func cut(_ text: String) -> String {
        let total = text.utf8.count
        guard total > maximumFieldBytes else { return text }
        var kept = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard kept + size <= maximumFieldBytes else { break }
            kept += size
            end = text.index(after: index)
        }
        return String(text[..<end]) + "...[\(total - kept) more bytes]"
    }

    /// JSON allows U+2028, U+2029 and C1 controls (U+0080 to U+009F, NEL among them) raw in
    /// strings, but some line readers (Python's splitlines, JavaScript) break lines there and
    /// terminals act on C1 controls: they are written as \u escapes. JSONEncoder already escapes
    /// everything below U+0020.
    static func escapingLineSeparators(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0xC2 || $0 == 0xE2 }) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 12)
        var index = 0
        func escape(_ hex: String) { out.append(contentsOf: Array("\\u\(hex)".utf8)) }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                let value = String(bytes[index + 1], radix: 16)
                escape("00" + value)
                index += 2
            } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                      bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                escape(bytes[index + 2] == 0xA8 ? "2028" : "2029")
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
