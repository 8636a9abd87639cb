import NIOCore
import NIOPosix

/// Where the daemon's periodic blocking work runs: the sweep (an SQLite write and a netlink
/// unban), the nftables drift check and the keepalive round (a scan of every live binding).
/// None of it may run on an event loop, where it would hold up every SIP packet of the loop.
///
/// One `NIOThreadPool` thread runs the jobs one after another. An event loop only keeps the
/// time: each job is started on the pool, and its next run is timed from the end of the last
/// one, so a slow job (a busy disk) never overlaps itself or piles up runs.
final class BackgroundWork: Sendable {
    private let pool: NIOThreadPool

    /// Starts the pool's thread.
    init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// Runs `work` on the pool every `interval` (first after `initialDelay`, by default one
    /// interval), timed by `loop`, until the returned task is cancelled.
    func repeatedly(
        every interval: TimeAmount, initialDelay: TimeAmount? = nil, on loop: any EventLoop, _ work: @escaping @Sendable () -> Void
    ) -> RepeatedTask {
        loop.scheduleRepeatedAsyncTask(initialDelay: initialDelay ?? interval, delay: interval) { [pool] _ in
            pool.runIfActive(eventLoop: loop) { work() }
        }
    }

    /// Waits for the job running now (if any) to finish, then stops the thread. Cancel the
    /// repeated tasks first.
    func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
