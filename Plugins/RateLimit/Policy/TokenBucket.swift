/// A token bucket: holds up to a capacity of tokens, refills at a steady rate, and each
/// request takes one token. Capacity and rate are passed in on every call because a source's
/// budget changes with its live binding count.
struct TokenBucket: Sendable {
    /// Tokens available now (fractional: refill is continuous).
    var tokens: Double
    /// When `tokens` was last brought up to date, milliseconds.
    var updatedAt: Int64

    /// A full bucket.
    init(capacity: Double, now: Int64) {
        tokens = capacity
        updatedAt = now
    }

    /// Refills for the time since the last call and takes one token if there is one.
    mutating func take(now: Int64, ratePerMillisecond: Double, capacity: Double) -> Bool {
        refill(now: now, ratePerMillisecond: ratePerMillisecond, capacity: capacity)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Adds the tokens earned since `updatedAt`, up to `capacity`.
    mutating func refill(now: Int64, ratePerMillisecond: Double, capacity: Double) {
        if now > updatedAt {
            tokens = min(capacity, tokens + Double(now - updatedAt) * ratePerMillisecond)
            updatedAt = now
        }
    }

    /// Whether the bucket would be full at `now`: forgetting it then loses nothing, since a
    /// new bucket starts full.
    func isFull(now: Int64, ratePerMillisecond: Double, capacity: Double) -> Bool {
        tokens + Double(max(0, now - updatedAt)) * ratePerMillisecond >= capacity
    }
}
