import Foundation
import Registrar
import XCTest

@testable import Store

/// Prints commit costs on this machine's disk; asserts only that the data landed.
final class ThroughputTests: StoreTestCase {
    private func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15
    }

    func testPrintUpsertThroughputAndSingleCommitCost() async throws {
        let clock = ContinuousClock()
        for durability in [StoreDurability.full, .normal] {
            let path = directory.appendingPathComponent("throughput-\(durability).sqlite").path
            let store = try SIPWardenStore(path: path, durability: durability)

            // One transaction of 10,000 upserts (new rows), then the same again as refreshes.
            let n = 10_000
            var bindings = (0..<n).map { makeBinding($0) }
            let insert = try clock.measure { try store.apply(bindings.map { .upsert($0) }) }
            for i in bindings.indices { bindings[i].cseq += 1 }
            let refresh = try clock.measure { try store.apply(bindings.map { .upsert($0) }) }

            // Commits of a single change each: the price of no grouping.
            let singles = 200
            let single = try clock.measure {
                for i in 0..<singles { try store.apply([.upsert(bindings[i])]) }
            }

            // The group committer under 10,000 concurrent one-change submissions.
            let committer = GroupCommitter(store: store)
            let grouped = try await clock.measure {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for b in bindings { group.addTask { try await committer.commit([.upsert(b)]) } }
                    try await group.waitForAll()
                }
            }
            let stats = committer.statistics
            await committer.drainAndStop()

            XCTAssertEqual(try store.bindingCount(), n)
            XCTAssertEqual(stats.changesCommitted, n)
            print("""
                [Store throughput, \(durability)] \
                insert \(n) in 1 txn: \(String(format: "%.1f", milliseconds(insert))) ms \
                (\(Int(Double(n) / milliseconds(insert) * 1000)) upserts/s); \
                refresh \(n) in 1 txn: \(String(format: "%.1f", milliseconds(refresh))) ms \
                (\(Int(Double(n) / milliseconds(refresh) * 1000)) upserts/s); \
                1-change commit: \(String(format: "%.3f", milliseconds(single) / Double(singles))) ms each (mean of \(singles)); \
                group commit of \(n) concurrent 1-change submissions: \(String(format: "%.1f", milliseconds(grouped))) ms \
                (\(Int(Double(n) / milliseconds(grouped) * 1000)) changes/s) in \(stats.transactions) txns, \
                largest \(stats.largestBatch)
                """)
            try store.close()
        }
    }
}
