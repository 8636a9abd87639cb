/// A plugin's answer to the admission hook.
@frozen public enum Admission: Hashable, Sendable {
    /// Let the packet through.
    case accept
    /// Discard the packet silently.
    case drop
    /// Answer 503 Service Unavailable with this Retry-After (when a response can be addressed).
    case reject(retryAfterSeconds: Int)
}
