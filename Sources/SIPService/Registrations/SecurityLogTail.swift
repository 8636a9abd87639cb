import ControlAPI
import Foundation

/// Reads the latest events about one AOR back from the end of the security log, for
/// `registrations show`. Only the last `windowBytes` of the file are read, so the cost is
/// bounded whatever the log's size; older events are left to `jq` on the log itself.
enum SecurityLogTail {
    /// How much of the log's end is searched.
    static let windowBytes = 2 << 20

    /// The last `limit` events whose `aor` is `aor` (any event when nil), oldest first (none when the log cannot be read).
    static func events(aor: String?, path: String, limit: Int) -> [BanEvidenceEvent] {
        guard limit > 0, let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return [] }
        let start = size > UInt64(windowBytes) ? size - UInt64(windowBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return [] }
        var lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
        if start > 0, !lines.isEmpty { lines.removeFirst() }  // most likely cut in the middle
        let needle = Data((aor ?? "\"type\":\"event\"").utf8)
        let decoder = ControlJSON.makeDecoder()
        var found: [BanEvidenceEvent] = []
        for line in lines.reversed() where line.range(of: needle) != nil {
            guard let event = try? decoder.decode(BanEvidenceEvent.self, from: Data(line)), aor == nil || event.aor == aor else { continue }
            found.append(event)
            if found.count == limit { break }
        }
        return found.reversed()
    }
}
