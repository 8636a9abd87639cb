import Dispatch
import Foundation
import SIPWardenPolicy
import Synchronization

/// An in-process plugin for the host's isolation tests: it records the events it gets, bans
/// the source of `auth.failed`, and misbehaves on demand: its `handle` blocks on `hangOnKind`
/// (until ``release()``, standing in for an endless loop), or its `tick` blocks.
final class MisbehavingPlugin: PolicyPlugin {
    let name: String
    let version = "test"
    private let hangOnKind: String?
    private let hangInTick: Bool
    private let gate = DispatchSemaphore(value: 0)
    private let received = Mutex<[String]>([])
    private let entered = Atomic<Int>(0)

    init(name: String, hangOnKind: String? = nil, hangInTick: Bool = false) {
        self.name = name
        self.hangOnKind = hangOnKind
        self.hangInTick = hangInTick
    }

    /// The kinds of the events handled so far (a hanging one included).
    var kinds: [String] { received.withLock { $0 } }

    /// How many times a call got stuck.
    var hangs: Int { entered.load(ordering: .relaxed) }

    /// Lets every stuck call return (the test's teardown: no thread left blocked).
    func release() {
        for _ in 0..<1000 { gate.signal() }
    }

    func handle(_ event: SecurityEvent) throws -> [Decision] {
        received.withLock { $0.append(event.kind) }
        if event.kind == hangOnKind {
            entered.add(1, ordering: .relaxed)
            gate.wait()
        }
        guard event.kind == SecurityEventKind.authFailed, let target = IPRange(event.sourceIP) else { return [] }
        return [.ban(BanRequest(target: target, seconds: 60, reason: "\(name) saw \(event.kind)"))]
    }

    func tick(nowMilliseconds: Int64) throws -> [Decision] {
        if hangInTick {
            entered.add(1, ordering: .relaxed)
            gate.wait()
        }
        return []
    }
}
