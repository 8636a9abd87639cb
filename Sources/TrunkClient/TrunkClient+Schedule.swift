import Registrar

/// Refresh times, backoff and randomness.
extension TrunkClient {
    /// Seconds from a 200 granting `granted` seconds to its refresh: `refreshMargin` early (at
    /// most half the expiry) and up to `refreshJitter` of the expiry earlier at random.
    func refreshDelay(granted: UInt32, random: inout some RandomNumberGenerator) -> Double {
        let expiry = Double(granted)
        let early = min(timing.refreshMargin, expiry / 2)
        let jitter = Self.unit(&random) * timing.refreshJitter * expiry
        return max(expiry - early - jitter, 1)
    }

    /// Seconds before the next try after `failures` temporary failures in a row: backoffBase
    /// doubled per failure up to backoffCap, the upper half drawn at random ("equal jitter"),
    /// and at least the server's Retry-After.
    func backoffDelay(failures: Int, retryAfter: UInt32?, random: inout some RandomNumberGenerator) -> Double {
        let exponent = Double(min(max(failures - 1, 0), 30))
        let ceiling = min(timing.backoffCap, timing.backoffBase * pow2(exponent))
        let delay = ceiling / 2 + Self.unit(&random) * ceiling / 2
        guard let retryAfter else { return delay }
        return max(delay, min(Double(retryAfter), timing.retryAfterCap))
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        var n = Int(exponent)
        while n > 0 { value *= 2; n -= 1 }
        return value
    }

    /// A uniform value in [0, 1).
    static func unit(_ random: inout some RandomNumberGenerator) -> Double {
        Double(random.next() >> 11) / Double(UInt64(1) << 53)
    }

    /// 16 random lower-case hex digits.
    static func token(_ random: inout some RandomNumberGenerator) -> String {
        let digits = String(random.next(), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Seconds as whole milliseconds.
    static func milliseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1000).rounded()) }
}
