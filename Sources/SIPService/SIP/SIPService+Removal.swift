import Registrar
import Store

extension SIPService {
    /// Removes `bindings` at once (whatever their expiry), submits the removal to the store,
    /// and keeps them listed as ended with `reason`. Returns the bindings actually removed;
    /// `persisted` is called once the removal is durable (or failed).
    @discardableResult
    func removeBindings(_ bindings: [Binding], reason: String, now: Timestamp, persisted: @escaping @Sendable ((any Error)?) -> Void) -> [Binding] {
        state.withLock { state in
            let (changes, removed) = state.registrar.remove(bindings: bindings)
            guard !changes.isEmpty else {
                persisted(nil)
                return []
            }
            // Submitted under the lock, like REGISTER's changes, so the store sees the order memory did.
            committer.submit(changes, completion: persisted)
            ended.record(removed, reason: reason, now: now)
            return removed
        }
    }
}
