import Foundation

/// A value guarded by a lock, in a class so the tests' escaping completion closures can
/// share it (a `Synchronization.Mutex` is not copyable and cannot be captured by them).
final class LockedState<Value: Sendable>: @unchecked Sendable {
    // @unchecked: every access to `value` goes through `lock`.
    private let lock = NSLock()
    private var value: Value

    /// Creates the box holding `value`.
    init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
