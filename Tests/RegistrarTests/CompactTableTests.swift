@testable import Registrar
import SIPWardenPolicy
import XCTest

final class CompactTableTests: XCTestCase {
    /// Random inserts, updates, removals and filters over a small key space (so probe runs
    /// cluster and wrap around), checked against a Dictionary after every step.
    func testAgreesWithADictionaryThroughRandomChanges() {
        var generator = SystemRandomNumberGenerator()
        var table = CompactTable<Int32>(filler: -1)
        var model: [UInt64: Int32] = [:]
        for step in 0..<20_000 {
            let key = UInt64.random(in: 1...300, using: &generator) &* 0x1_0000_0001
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let value = Int32(step)
                table[key] = value
                model[key] = value
            case 6..<9:
                table[key] = nil
                model[key] = nil
            default:
                if step % 50 == 0 {
                    let parity = UInt64(step / 50 % 2)
                    table.filter { key, _ in key % 2 == parity }
                    model = model.filter { $0.key % 2 == parity }
                }
            }
            XCTAssertEqual(table.count, model.count, "after step \(step)")
            XCTAssertEqual(table[key], model[key], "key \(key) after step \(step)")
        }
        for key in model.keys { XCTAssertEqual(table[key], model[key]) }
        var seen: [UInt64: Int32] = [:]
        table.forEach { key, value in seen[key] = value }
        XCTAssertEqual(seen, model)
    }

    func testKeyZeroIsStoredAsOne() {
        var table = CompactTable<UInt64>(filler: 0)
        table[0] = 7
        XCTAssertEqual(table[0], 7)
        XCTAssertEqual(table[1], 7, "0 and 1 share a bucket: callers treat keys as hashes")
        table[1] = nil
        XCTAssertNil(table[0])
        XCTAssertEqual(table.count, 0)
    }

    func testFilterShrinksAndKeepsWhatItAccepts() {
        var table = CompactTable<UInt64>(filler: 0)
        for key in UInt64(1)...100_000 { table[key] = key * 2 }
        table.filter { key, _ in key <= 10 }
        XCTAssertEqual(table.count, 10)
        for key in UInt64(1)...10 { XCTAssertEqual(table[key], key * 2) }
        XCTAssertNil(table[11])
        XCTAssertNil(table[99_999])
    }
}

final class StoredBindingLayoutTests: XCTestCase {
    /// The slab holds one optional `StoredBinding` per binding: reordering or adding a field
    /// that pushes it past 56 bytes costs 800 KB at 100,000 phones, so it is a decision to make
    /// on purpose (update this bound and docs/performance.md's memory figures with it).
    func testASlabEntryTakes56Bytes() {
        XCTAssertEqual(MemoryLayout<StoredBinding?>.stride, 56)
    }
}
