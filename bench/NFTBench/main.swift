// nft-bench: how fast the nftables backend puts bans into the kernel, through the same API the
// daemon uses (NFTablesFirewall.ban: one netlink batch per call, plus the backend's own view
// and its in-memory mirror). Run it inside a network namespace of its own (bench/nft.sh does):
// it creates and deletes table inet sipwarden there.
//
//   nft-bench            # batches of 1, 100, 10,000 and 100,000; single-ban latency
import Firewall
import Foundation
import SIPWardenPolicy

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

do {
    let firewall = try NFTablesFirewall(options: NFTablesOptions(ports: [5060]))
    var next: UInt32 = 0x0A00_0000  // 10.0.0.0 upwards: fresh addresses, so every element is an add
    func bans(_ count: Int) -> [FirewallBan] {
        let expiry = NFTablesFirewall.realtimeMilliseconds() + 3_600_000
        defer { next &+= UInt32(count) }
        return (0..<count).map { FirewallBan(target: IPRange(address: IPAddress(ipv4: next &+ UInt32($0)), prefixLength: 32), expiresAtMilliseconds: expiry) }
    }

    print("nftables backend, one netlink batch per ban() call (kernel refreshes timeouts on re-add: \(firewall.refreshesTimeoutsOnReAdd))")
    print("     batch rounds   elements/s p50     µs/element")
    for (size, rounds) in [(1, 2000), (100, 300), (10_000, 15), (100_000, 5)] {
        var rates: [Double] = []
        for _ in 0..<rounds {
            let batch = bans(size)
            let start = monotonicNanoseconds()
            try firewall.ban(batch)
            let elapsed = Double(monotonicNanoseconds() - start) / 1e9
            rates.append(Double(size) / elapsed)
            if firewall.banCount > 200_000 { try firewall.restore([]) }
        }
        let rate = median(rates)
        print(String(format: "%10d %6d %16.0f %14.2f", size, rounds, rate, 1e6 / rate))
        try firewall.restore([])
    }

    var latencies: [Double] = []
    for _ in 0..<5000 {
        let one = bans(1)
        let start = monotonicNanoseconds()
        try firewall.ban(one)
        latencies.append(Double(monotonicNanoseconds() - start) / 1000)
    }
    print(String(format: "single ban latency over %d bans: p50 %.1f µs, p99 %.1f µs", latencies.count, percentile(latencies, 0.5), percentile(latencies, 0.99)))
    try firewall.removeTable()
} catch {
    FileHandle.standardError.write(Data("nft-bench: \(error)\n".utf8))
    exit(1)
}
