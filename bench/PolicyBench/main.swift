// Measures the security agent's plugin path with every shipped plugin loaded through the real
// loader (dlopen of libsipwarden-*.so, policies from rules/policies):
//   - events per second through the plugin host (queue, worker, every plugin's handle),
//   - the cost of one admission call on the packet path (every plugin that wants admission),
//   - the time from the decisive event (the N-th failed authentication) to the ban decision
//     reaching the daemon's sink (p50, p99), where the firewall applies it.
//
//   - with POLICY_BENCH_IDLE_SECONDS=N first, the plugin host's wake-ups while nothing happens
//     (voluntary context switches of its threads, from /proc/self/task, per second);
//   - POLICY_BENCH_EVENTS=N sends N events in step 1 (default 1,000,000) and
//     POLICY_BENCH_ONLY_EVENTS=1 stops after it (for `valgrind --tool=callgrind`, docs/performance.md).
//
//   swift run -c release policy-bench [policies-dir] [plugins-dir]
import PluginHost
import Foundation
import Logging
import SIPWardenPolicy
import Synchronization

final class BenchHost: PolicyHost {
    func log(_ level: PolicyLogLevel, _ message: String) {}
    func isTrusted(_ address: IPAddress) -> Bool { false }
    func liveBindingCount(from address: IPAddress) -> Int { 0 }
    func nowMilliseconds() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

func monotonicNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let arguments = CommandLine.arguments
let policies = arguments.count > 1 ? arguments[1] : "rules/policies"
let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
let pluginsDirectory = arguments.count > 2 ? arguments[2] : URL(fileURLWithPath: executable).deletingLastPathComponent().path

/// Ban decisions as they arrive: target -> arrival time.
let bans = Mutex<[String: UInt64]>([:])
var logger = Logger(label: "policy-bench")
logger.logLevel = .error
let host = PluginHost(pluginsDirectory: pluginsDirectory, policiesDirectory: policies, host: BenchHost(), logger: logger) { decisions, _ in
    let now = monotonicNanoseconds()
    bans.withLock { bans in
        for case .ban(let request) in decisions where bans[request.target.description] == nil { bans[request.target.description] = now }
    }
}
let loaded = host.plugins.filter { if case .loaded = $0.state { return true } else { return false } }
print("plugins loaded: \(loaded.map(\.name).sorted().joined(separator: ", ")) (from \(pluginsDirectory), policies \(policies))")
if loaded.isEmpty { print("no plugin loaded; build them first (swift build -c release)"); exit(1) }

func event(_ kind: String, ip: String, user: String, time: Int64) -> SecurityEvent {
    SecurityEvent(timeMilliseconds: time, kind: kind, sourceIP: ip, sourcePort: 5060, transport: "UDP",
                  aor: "sip:\(user)@example.com", username: user, userAgent: "Yealink SIP-T46S 66.86.0.15")
}
func ip(_ index: Int, base: Int = 10) -> String { "\(base).\((index >> 16) & 255).\((index >> 8) & 255).\(index & 255)" }

let environment = ProcessInfo.processInfo.environment

/// Voluntary context switches (sleeps that ended in a wake-up) of every thread but the main one:
/// the plugin host's (a worker per plugin, the stall watchdog).
func pluginWorkerWakeups() -> Int {
    let main = String(getpid())
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
    return tasks.filter { $0 != main }.reduce(0) { total, task in
        guard let status = try? String(contentsOfFile: "/proc/self/task/\(task)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("voluntary_ctxt_switches:") }),
              let count = Int(line.split(separator: "\t").last?.trimmingCharacters(in: .whitespaces) ?? "") else { return total }
        return total + count
    }
}

// 0. Idle: how often the workers wake up with nothing to do.
if let idle = environment["POLICY_BENCH_IDLE_SECONDS"].flatMap(Int.init), idle > 0 {
    let wakeupsBefore = pluginWorkerWakeups()
    sleep(UInt32(idle))
    let wakeups = pluginWorkerWakeups() - wakeupsBefore
    print(String(format: "idle plugin host: %d wake-ups in %d s (%.1f per second: %d workers and the stall watchdog)",
                 wakeups, idle, Double(wakeups) / Double(idle), loaded.count))
}

// 1. Events per second: ordinary traffic (challenges, accepted registrations) from 50,000 phones.
let eventCount = environment["POLICY_BENCH_EVENTS"].flatMap(Int.init) ?? 1_000_000
let now = BenchHost().nowMilliseconds()
let events = (0..<eventCount).map { index in
    event(index % 2 == 0 ? "auth.challenged" : "register.accepted", ip: ip(index % 50_000), user: String(100_000 + index % 50_000), time: now)
}
let before = host.statistics
var started = monotonicNanoseconds()
// In chunks below the queue's bound, as a real registrar's steady stream would arrive.
for chunk in stride(from: 0, to: events.count, by: 32_768) {
    for item in events[chunk..<min(chunk + 32_768, events.count)] { host.submit(item) }
    _ = host.flush(timeout: .seconds(120))
}
var elapsed = Double(monotonicNanoseconds() - started) / 1e9
let after = host.statistics
let handled = after.eventsHandled - before.eventsHandled
print(String(format: "events through the plugin host: %.0f events/s (%llu handled, %llu dropped by the bounded queue, %.2f s)",
             Double(handled) / elapsed, handled, after.eventsDropped - before.eventsDropped, elapsed))

if environment["POLICY_BENCH_ONLY_EVENTS"] != nil {
    host.shutdown()
    exit(0)
}

// 2. Admission: distinct sources under their budget (the accept path every packet takes).
let sources = (0..<100_000).compactMap { IPAddress(ip($0, base: 11)) }
let packets = sources.map { PacketInfo(source: $0, sourcePort: 5060, transport: "UDP", size: 500) }
var accepted = 0
let rounds = 20
started = monotonicNanoseconds()
for _ in 0..<rounds {
    for packet in packets where host.admit(packet) == .accept { accepted += 1 }
}
elapsed = Double(monotonicNanoseconds() - started)
print(String(format: "admission call: %.0f ns per packet (%d calls over %d sources, %d accepted)",
             elapsed / Double(packets.count * rounds), packets.count * rounds, packets.count, accepted))

// 3. Decisive event to ban: one guesser at a time sends failures until banned.
var latencies: [Double] = []
for guesser in 0..<500 {
    let address = ip(guesser, base: 12)
    let time = BenchHost().nowMilliseconds()
    var decisiveAt: UInt64 = 0
    for attempt in 0..<200 {
        decisiveAt = monotonicNanoseconds()
        host.submit(event("auth.failed", ip: address, user: "1001", time: time + Int64(attempt)))
        _ = host.flush(timeout: .seconds(5))
        if bans.withLock({ $0[address] }) != nil { break }
    }
    if let bannedAt = bans.withLock({ $0[address] }) { latencies.append(Double(bannedAt - decisiveAt) / 1000) }
}
latencies.sort()
if latencies.isEmpty {
    print("decisive event to ban: no ban was decided (check the bruteforce policy)")
} else {
    print(String(format: "decisive event to ban decision: p50 %.1f µs, p99 %.1f µs (%d guessers banned)",
                 latencies[latencies.count / 2], latencies[min(latencies.count - 1, latencies.count * 99 / 100)], latencies.count))
}
host.shutdown()
