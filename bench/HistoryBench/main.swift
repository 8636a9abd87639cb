// history-bench: the registration history's write rate and disk use per event, on a real
// SQLite file, through the same recorder (queue, batches, rollups) the daemon uses.
//
//   swift build -c release --product history-bench && .build/release/history-bench [EVENTS] [DIRECTORY]
//
// The events are a registrar's ordinary mix: 90 % refreshes, 4 % new bindings, 3 % removals
// or lapses, 3 % failures (wrong passwords, unknown users), from 20,000 phones on 5,000
// source addresses with a dozen User-Agents, one second apart per 1,000 events. The queue is
// fed in bursts the writer keeps up with (a full queue would drop events, and the count of
// drops is printed). Prints events written per second of wall time and bytes per event
// (pages in use, and the file with its WAL on disk), scaled to one million.
import Foundation
import History
import Logging
import SIPWardenPolicy

let arguments = CommandLine.arguments
let total = arguments.count > 1 ? Int(arguments[1]) ?? 1_000_000 : 1_000_000
let directory = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "history-bench-\(getpid())"
try? FileManager.default.removeItem(atPath: directory)
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
let path = HistorySettings.path(dataDirectory: directory)
let store = try HistoryStore(path: path)
var settings = HistorySettings()
settings.maxSizeBytes = Int64.max / 2
settings.retentionSeconds = 100 * 365 * 86_400
settings.rollupRetentionSeconds = settings.retentionSeconds
let recorder = HistoryRecorder(store: store, settings: settings, logger: Logger(label: "history-bench"), activeBindings: { 20_000 })

let agents = [
    "Yealink SIP-T46S 66.86.0.15", "Yealink SIP-T54W 96.86.0.100", "Grandstream GXP2170 1.0.11.23", "Poly VVX 450 6.4.3.5018",
    "Cisco/SPA504G-7.6.2", "snom D785/10.1.141.13", "Fanvil X6U 2.10.2.6887", "Gigaset N670 IP PRO/83.V2.30.0",
    "Zoiper rv2.10.19.5", "Linphone/5.2.0 (belle-sip/5.2.0)", "MicroSIP/3.21.3", "Asterisk PBX 20.5.0",
]
let start = Date()
var generator = SystemRandomNumberGenerator()
let base = Int64(start.timeIntervalSince1970 * 1000)
var produced = 0
var id: UInt64 = 1
while produced < total {
    let count = min(2000, total - produced)
    var batch: [SecurityEvent] = []
    batch.reserveCapacity(count)
    for _ in 0..<count {
        let phone = Int.random(in: 0..<20_000, using: &generator)
        let roll = Int.random(in: 0..<100, using: &generator)
        let kind: String
        var detail: String?
        switch roll {
        case 0..<90: kind = SecurityEventKind.registerRefreshed
        case 90..<94: kind = SecurityEventKind.registerAccepted
        case 94..<96: kind = SecurityEventKind.registerRemoved
        case 96..<97: kind = SecurityEventKind.registerExpired
        case 97..<99: kind = SecurityEventKind.authFailed; detail = "wrong_password"
        default: kind = SecurityEventKind.authUnknownUser
        }
        let user = 100_000 + phone
        let ip = "10.\(phone % 5000 / 250).\(phone % 250).\(1 + phone % 5000 % 200)"
        var event = SecurityEvent(
            timeMilliseconds: base + Int64(produced), kind: kind, sourceIP: ip, sourcePort: 5060 + phone % 1000, transport: "UDP",
            aor: "sip:\(user)@pbx.example.com", username: String(user), userAgent: agents[phone % agents.count],
            contact: "<sip:\(user)@\(ip):\(5060 + phone % 1000);transport=udp>", detail: detail)
        event.id = id
        id += 1
        batch.append(event)
        produced += 1
    }
    recorder.record(batch)
    if produced % 50_000 == 0 { recorder.flush() }
}
recorder.flush()
let seconds = Date().timeIntervalSince(start)
let statistics = recorder.statistics
recorder.close()
let used = try store.usedBytes()
try store.close()
func size(_ file: String) -> Int64 { ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0 }
let onDisk = size(path) + size(path + "-wal") + size(path + "-shm")
let perMillion = { (bytes: Int64) in Double(bytes) / Double(max(1, statistics.eventsWritten)) * 1_000_000 / 1_048_576 }
print("history-bench: \(statistics.eventsWritten) events written, \(statistics.eventsDropped) dropped, in \(String(format: "%.1f", seconds)) s "
      + "(\(String(format: "%.0f", Double(statistics.eventsWritten) / seconds)) events/s)")
print("history-bench: pages in use \(used) bytes = \(String(format: "%.1f", Double(used) / Double(max(1, statistics.eventsWritten)))) bytes/event "
      + "= \(String(format: "%.0f", perMillion(used))) MiB per million events")
print("history-bench: on disk (file, -wal, -shm) \(onDisk) bytes = \(String(format: "%.0f", perMillion(onDisk))) MiB per million events")
try? FileManager.default.removeItem(atPath: directory)
