/// A point in time as milliseconds since the Unix epoch.
///
/// The registrar never reads a clock: callers pass the current `Timestamp` in, so every
/// expiry rule can be tested without waiting.
public struct Timestamp: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var milliseconds: Int64

    /// Creates a timestamp from milliseconds since the Unix epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// Creates a timestamp from whole seconds since the Unix epoch.
    public init(seconds: Int64) { self.milliseconds = seconds &* 1000 }

    /// Whole seconds since the Unix epoch (rounded down).
    public var seconds: Int64 { milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000 }

    /// This timestamp moved forward by `seconds`.
    public func adding(seconds: Int64) -> Timestamp { Timestamp(milliseconds: milliseconds &+ seconds &* 1000) }

    /// Whole seconds from `self` until `later`, rounded up, never negative.
    public func secondsUntil(_ later: Timestamp) -> Int64 {
        let delta = later.milliseconds - milliseconds
        return delta <= 0 ? 0 : (delta + 999) / 1000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    public var description: String { "\(milliseconds)ms" }
}
