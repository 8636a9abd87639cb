import Alerts
import Foundation

/// A week of per-minute rollups of a 1,000-phone office fleet: an ordinary daily curve
/// (300 bindings at night, 1,000 at 13:00), refreshes every 30 minutes, a few wrong passwords,
/// all with deterministic noise; anomalies are written over it by the tests.
struct SyntheticWeek {
    /// Monday 2026-11-23 00:00 UTC.
    static let monday: Int64 = 1_795_392_000

    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// A uniform number in 0..<1 from a fixed-seed generator (xorshift), so every run is the same.
    mutating func uniform() -> Double {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return Double(state >> 11) / Double(1 << 53)
    }

    /// Ordinary active bindings at `minute`.
    static func bindings(at minute: Int64) -> Double {
        let hour = Double((minute - monday) % 86_400) / 3600
        let day = max(0, sin(Double.pi * (hour - 6) / 14))
        return 300 + 700 * (hour >= 6 && hour <= 20 ? day : 0)
    }

    /// The ordinary rollup of `minute`.
    mutating func ordinary(_ minute: Int64) -> MinuteRollup {
        let bindings = Self.bindings(at: minute) * (0.98 + 0.04 * uniform())
        let registrations = bindings / 30 * (0.8 + 0.4 * uniform())
        let failures = Int(uniform() * 4)
        return MinuteRollup(minute: minute, activeBindings: Int(bindings.rounded()), registrations: Int(registrations.rounded()), failures: failures)
    }

    /// The minute at `day` (0 is Monday) `hour`:`minute`.
    static func at(day: Int, hour: Int, minute: Int) -> Int64 {
        monday + Int64(day * 86_400 + hour * 3600 + minute * 60)
    }
}
