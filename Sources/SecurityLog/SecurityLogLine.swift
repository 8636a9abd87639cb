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

    /// Appends the line for `entry`, newline included, to `out`.
    ///
    /// Events, the bulk of the log, are written by hand (`appendEvent`): JSONEncoder costs
    /// several microseconds a line, which would make the log the slowest stage behind the
    /// plugin host. Decisions are rare and go through JSONEncoder.
    func encode(_ entry: SecurityLogEntry, into out: inout [UInt8]) throws {
        switch entry {
        case .event(let event):
            Self.appendEvent(event, to: &out)
        case let .decision(decision, plugin, time, outcome):
            let data = try encoder.encode(Self.decisionLine(decision, plugin: plugin, time: time, outcome: outcome))
            out += Self.escapingLineSeparators(Array(data))
            out.append(0x0A)
        }
    }

    /// The line for `entry`, newline included.
    func encode(_ entry: SecurityLogEntry) throws -> [UInt8] {
        var out: [UInt8] = []
        try encode(entry, into: &out)
        return out
    }

    /// The line JSONEncoder writes for an event (keys sorted, `type` added), with the same
    /// escaping; `appendEvent` must match it, which the tests check.
    func encodeWithJSONEncoder(_ event: SecurityEvent) throws -> [UInt8] {
        Self.escapingLineSeparators(Array(try encoder.encode(EventLine(event: Self.bounded(event))))) + [0x0A]
    }

    /// The line noting that `count` lines were dropped.
    func droppedLine(count: Int, timeMilliseconds: Int64) -> [UInt8] {
        Array("{\"lines\":\(count),\"time_ms\":\(timeMilliseconds),\"type\":\"dropped\"}\n".utf8)
    }

    /// The line of a summary: `{"count":N,"first_time_ms":A,"kind":"log.repeated","last_time_ms":B,
    /// "repeated_kind":K,"source_ip":IP,"time_ms":T,"type":"summary","v":1}`, or for the per-second
    /// cap `"kind":"log.suppressed"` with `"suppressed_kind":K` and no `source_ip`. Not events (`type`
    /// is `summary`), so fail2ban's filter, which reads only `"type":"event"` lines, never counts them.
    static func summaryLine(_ summary: SecurityLogLimiter.Summary) -> [UInt8] {
        var out: [UInt8] = []
        func number(_ name: String, _ value: some BinaryInteger) { out += Array("\"\(name)\":\(value),".utf8) }
        func string(_ name: String, _ value: String) {
            out += Array("\"\(name)\":".utf8)
            appendString(cut(value), to: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(UInt8(ascii: "{"))
        switch summary {
        case let .repeated(kind, sourceIP, count, first, last, time):
            number("count", count)
            number("first_time_ms", first)
            string("kind", "log.repeated")
            number("last_time_ms", last)
            string("repeated_kind", kind)
            string("source_ip", sourceIP)
            number("time_ms", time)
        case let .suppressed(kind, count, first, last, time):
            number("count", count)
            number("first_time_ms", first)
            string("kind", "log.suppressed")
            number("last_time_ms", last)
            string("suppressed_kind", kind)
            number("time_ms", time)
        }
        out += Array("\"type\":\"summary\",\"v\":1}\n".utf8)
        return out
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

    // MARK: - Events by hand

    /// Appends `{"aor":...,"v":1}` and a newline: the `SecurityEvent` keys plus `type`, sorted
    /// as JSONEncoder sorts them, absent values left out as JSONEncoder leaves them out.
    static func appendEvent(_ event: SecurityEvent, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        func string(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            key(name)
            appendString(cut(value), to: &out)
        }
        func number(_ name: StaticString, _ value: some BinaryInteger) {
            key(name)
            out.append(contentsOf: String(value).utf8)
        }
        string("aor", event.aor)
        string("contact", event.contact)
        string("detail", event.detail)
        number("id", event.id)
        string("kind", event.kind)
        string("source_ip", event.sourceIP)
        number("source_port", event.sourcePort)
        number("time_ms", event.timeMilliseconds)
        string("transport", event.transport)
        string("type", "event")
        string("user_agent", event.userAgent)
        string("username", event.username)
        number("v", event.version)
        out.append(UInt8(ascii: "}"))
        out.append(0x0A)
    }

    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters below U+0020
    /// as JSONEncoder writes them, C1 controls and U+2028/U+2029 as \u escapes.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            guard bytes.contains(where: needsEscaping) else {
                out.append(contentsOf: bytes)
                return
            }
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x08: out += [0x5C, UInt8(ascii: "b")]
                case 0x09: out += [0x5C, UInt8(ascii: "t")]
                case 0x0A: out += [0x5C, UInt8(ascii: "n")]
                case 0x0C: out += [0x5C, UInt8(ascii: "f")]
                case 0x0D: out += [0x5C, UInt8(ascii: "r")]
                case ..<0x20: appendUnicodeEscape(UInt16(byte), to: &out)
                case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
                    appendUnicodeEscape(UInt16(bytes[index + 1]), to: &out)
                    index += 1
                case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80
                    && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                    appendUnicodeEscape(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    index += 2
                default: out.append(byte)
                }
                index += 1
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Whether a byte starts something `appendString` rewrites.
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        switch byte {
        case ..<0x20, 0x22, 0x5C, 0xC2, 0xE2: true
        default: false
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `\uXXXX`, lower-case hex.
    private static func appendUnicodeEscape(_ value: UInt16, to out: inout [UInt8]) {
        out += [0x5C, UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) {
            out.append(hexDigits[Int(value >> UInt16(shift) & 0xF)])
        }
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
                escape("00" + String(bytes[index + 1], radix: 16))
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
