import NIOPosix

/// The rule "blocking work never on an event loop", checked where blocking work starts.
enum BlockingWork {
    /// Stops a debug build when called on a NIO event loop thread (the daemon runs its sweeps
    /// and keepalive rounds on a background thread; release builds do not check).
    static func assertOffEventLoop(_ what: StaticString, file: StaticString = #fileID, line: UInt = #line) {
        assert(MultiThreadedEventLoopGroup.currentEventLoop == nil, "\(what) blocks and must not run on an event loop", file: file, line: line)
    }
}
