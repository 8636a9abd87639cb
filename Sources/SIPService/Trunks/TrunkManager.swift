import ControlAPI
import ControlServer
import Foundation
import Logging
import Registrar
import Store
import Synchronization
import TrunkClient

/// Runs the trunks (outbound registrations, docs/trunks.md) on a thread of their own: DNS
/// lookups block, so they never run on an event loop. Other threads hand it jobs.
///
/// REGISTERs leave from the trunk client's own UDP socket (an ephemeral port on the SIP
/// listen address), not from the registrar's socket: its responses come back there, and the
/// public address a carrier reports in the Via is that socket's NAT mapping. A TCP trunk has
/// its own connection (`TrunkConnection`), polled by the same thread.
public final class TrunkManager: Sendable {
    private let loop: TrunkLoop
    private let jobs = Mutex<(queue: [@Sendable (TrunkLoop) -> Void], stopped: Bool)>(([], false))
    /// A pipe whose read end wakes the thread's poll; the write end is written by `signal`.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let finished = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    private let logger: Logger

    /// Creates the manager; `bindIPv4`/`bindIPv6` are the addresses the trunk sockets bind to.
    init(security: SecurityCoordinator, logger: Logger, bindIPv4: String, bindIPv6: String, timing: TrunkTiming, nameserver: TrunkEndpoint?) {
        self.loop = TrunkLoop(security: security, logger: logger, bindIPv4: bindIPv4, bindIPv6: bindIPv6, timing: timing, nameserver: nameserver)
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) != 0 { ends = [-1, -1] }
        for end in ends where end >= 0 {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        self.wakeRead = ends[0]
        self.wakeWrite = ends[1]
        self.logger = logger
    }

    /// Starts the thread with `trunks` (each enabled one registers after a random delay).
    func start(_ trunks: [(stored: StoredTrunk, settings: TrunkSettings, origin: String)]) {
        let now = SystemClock.now()
        for trunk in trunks {
            var random = SystemRandomNumberGenerator()
            let client = TrunkClient(settings: trunk.settings, timing: loop.timing, enabled: trunk.stored.enabled, now: now, random: &random)
            loop.trunks[trunk.stored.name] = TrunkRecord(client: client, origin: trunk.origin, stored: trunk.stored)
        }
        let thread = Thread { [self] in run() }
        thread.name = "sipwarden-trunks"
        thread.start()
    }

    /// Runs `body` on the trunk thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (TrunkLoop, Timestamp) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = jobs.withLock { state -> Bool in
                guard !state.stopped else { return false }
                state.queue.append { loop in continuation.resume(with: Result { try body(loop, SystemClock.now()) }) }
                return true
            }
            guard accepted else {
                continuation.resume(throwing: ControlServiceError.unavailable("the trunks are stopping with the daemon"))
                return
            }
            signal()
        }
    }

    /// Un-REGISTERs every registered trunk (the stored settings stay: a restart registers
    /// them again), waits for the answers (at most `timeout` seconds), and ends the thread.
    public func stop(timeout: Double = 3) async {
        let accepted = jobs.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.stopped = true
            state.queue.append { loop in
                let now = SystemClock.now()
                loop.stopDeadline = Timestamp(milliseconds: now.milliseconds + Int64(timeout * 1000))
                for name in loop.trunks.keys.sorted() {
                    guard var record = loop.trunks[name] else { continue }
                    let actions = record.client.disable(reason: "the daemon is stopping", now: now, random: &loop.random)
                    loop.trunks[name] = record
                    loop.perform(actions, trunk: name, now: now)
                }
            }
            return true
        }
        if accepted { signal() }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = finished.withLock { state -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    private func signal() {
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    private func run() {
        while true {
            let batch = jobs.withLock { state -> [@Sendable (TrunkLoop) -> Void] in
                defer { state.queue.removeAll() }
                return state.queue
            }
            for job in batch { job(loop) }
            let now = SystemClock.now()
            let next = loop.runTimers(now: now)
            if loop.isDone(now: now) { break }
            var wait: Int64 = 1000
            if let next { wait = max(0, min(wait, next.milliseconds - now.milliseconds)) }
            if let deadline = loop.stopDeadline { wait = max(0, min(wait, deadline.milliseconds - now.milliseconds)) }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for socket in [loop.socket4, loop.socket6].compactMap({ $0 }) {
                fds.append(pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0))
            }
            let connected = loop.connections.sorted { $0.key < $1.key }
            let firstConnection = fds.count
            for (_, connection) in connected {
                fds.append(pollfd(fd: connection.descriptor, events: Int16(POLLIN), revents: 0))
            }
            _ = poll(&fds, nfds_t(fds.count), Int32(wait))
            var drained = [UInt8](repeating: 0, count: 64)
            while read(wakeRead, &drained, drained.count) > 0 {}
            let received = SystemClock.now()
            for socket in [loop.socket4, loop.socket6].compactMap({ $0 }) {
                var count = 0
                while count < 256, let datagram = socket.receive() {
                    loop.handle(datagram.bytes, now: received)
                    count += 1
                }
            }
            for (index, (name, _)) in connected.enumerated() where fds[firstConnection + index].revents != 0 {
                loop.readConnection(name, now: received)
            }
        }
        loop.connections.removeAll()
        // Jobs queued after the stop began get an answer rather than hanging.
        let late = jobs.withLock { state -> [@Sendable (TrunkLoop) -> Void] in
            defer { state.queue.removeAll() }
            return state.queue
        }
        for job in late { job(loop) }
        let waiters = finished.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.done = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        close(wakeRead)
        close(wakeWrite)
    }
}
