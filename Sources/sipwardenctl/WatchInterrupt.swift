import Foundation

/// Ends `registrations watch` cleanly on Ctrl-C (SIGINT) or SIGTERM: the cursor is shown
/// again, the line is finished, and the exit status is 0.
final class WatchInterrupt {
    private var sources: [any DispatchSourceSignal] = []

    /// Catches SIGINT and SIGTERM until `cancel()`.
    init(restoreCursor: Bool) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler {
                FileHandle.standardOutput.write(Data((restoreCursor ? "\u{1B}[?25h\n" : "\n").utf8))
                exit(0)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default signal handling.
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
