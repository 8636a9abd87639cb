#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The random 64-bit salts of the packet path (a challenge's nonce and To tag, an OPTIONS
/// reply's tag), read from the kernel's random source 512 at a time.
///
/// `UInt64.random(in:)` makes one `getrandom` system call per value, two per registration:
/// about 2 % of the SIP event loop's samples at 5,000 registrations/s. Here one read of
/// `/dev/urandom` (the same generator) serves 512 salts, handed out once each under a lock
/// held for an array read. Should the device not open or read, each salt comes from
/// `SystemRandomNumberGenerator` as before.
final class SaltSource: Sendable {
    /// Salts read at once.
    static let poolSize = 512

    private struct Pool {
        var values = [UInt64](repeating: 0, count: SaltSource.poolSize)
        var next = SaltSource.poolSize
    }

    private let pool = Mutex(Pool())
    private let device: CInt

    init() { device = open("/dev/urandom", O_RDONLY | O_CLOEXEC) }

    deinit { if device >= 0 { close(device) } }

    /// A random value, never 0 (0 means "no salt" to the response builder).
    func next() -> UInt64 {
        while true {
            let value = pool.withLock { pool -> UInt64 in
                if pool.next == pool.values.count {
                    guard refill(&pool.values) else {
                        var generator = SystemRandomNumberGenerator()
                        return generator.next()
                    }
                    pool.next = 0
                }
                defer { pool.next += 1 }
                return pool.values[pool.next]
            }
            if value != 0 { return value }
        }
    }

    /// Fills `values` from the device; false when it cannot.
    private func refill(_ values: inout [UInt64]) -> Bool {
        guard device >= 0 else { return false }
        return values.withUnsafeMutableBytes { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            var filled = 0
            while filled < bytes.count {
                let count = read(device, base + filled, bytes.count - filled)
                if count > 0 {
                    filled += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }
}
