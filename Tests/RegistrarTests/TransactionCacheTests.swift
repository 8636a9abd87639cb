import Registrar
import SIPCore
import XCTest

final class TransactionCacheTests: XCTestCase {
    func testRetransmissionsFindThePendingThenCompletedTransaction() throws {
        var cache = TransactionCache(lifetimeSeconds: 32, capacity: 100)
        let request = try RegisterBuilder.request()
        let key = TransactionCache.Key(request: request, source: RegisterBuilder.source)
        XCTAssertNil(cache.state(of: key))
        cache.begin(key, now: .t0)
        XCTAssertEqual(cache.state(of: key), .pending)
        cache.complete(key, response: [1, 2, 3])
        XCTAssertEqual(cache.state(of: key), .completed([1, 2, 3]))
        let otherSource = TransactionCache.Key(request: request, source: SourceAddress(ip: "192.0.2.99", port: 5060)!)
        XCTAssertNil(cache.state(of: otherSource), "the same branch from elsewhere is another transaction")
        cache.begin(TransactionCache.Key(request: try RegisterBuilder.request(via: "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKother"), source: RegisterBuilder.source),
                    now: .t0.adding(seconds: 33))
        XCTAssertNil(cache.state(of: key), "entries expire after the transaction lifetime")
    }

    func testCapacityEvictsOldestFirst() throws {
        var cache = TransactionCache(lifetimeSeconds: 32, capacity: 3)
        var keys: [TransactionCache.Key] = []
        for index in 0..<5 {
            let key = TransactionCache.Key(request: try RegisterBuilder.request(via: "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK\(index)"), source: RegisterBuilder.source)
            keys.append(key)
            cache.begin(key, now: .t0)
        }
        XCTAssertLessThanOrEqual(cache.count, 3)
        XCTAssertNil(cache.state(of: keys[0]))
        XCTAssertEqual(cache.state(of: keys[4]), .pending)
    }

    func testChallengeSeedsAreKeptApartBoundedAndExpire() throws {
        var cache = TransactionCache(lifetimeSeconds: 32, capacity: 100, challengeCapacity: 3)
        func key(_ index: Int) throws -> TransactionCache.Key {
            TransactionCache.Key(request: try RegisterBuilder.request(via: "SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKc\(index)"), source: RegisterBuilder.source)
        }
        let pending = try key(100)
        cache.begin(pending, now: .t0)
        let seed = TransactionCache.ChallengeSeed(salt: 42, time: .t0)
        cache.challenged(try key(0), seed: seed)
        XCTAssertEqual(cache.challengeSeed(of: try key(0), now: .t0.adding(seconds: 1)), seed)
        cache.challenged(try key(0), seed: TransactionCache.ChallengeSeed(salt: 7, time: .t0.adding(seconds: 1)))
        XCTAssertEqual(cache.challengeSeed(of: try key(0), now: .t0.adding(seconds: 1)), seed, "the first seed stays")
        XCTAssertNil(cache.challengeSeed(of: try key(0), now: .t0.adding(seconds: 32)), "a seed lives the transaction lifetime")
        XCTAssertNil(cache.state(of: try key(0)), "a challenge is not a transaction state")

        for index in 1...5 { cache.challenged(try key(index), seed: TransactionCache.ChallengeSeed(salt: UInt64(index), time: .t0)) }
        XCTAssertLessThanOrEqual(cache.challengeCount, 3)
        XCTAssertNil(cache.challengeSeed(of: try key(0), now: .t0), "oldest first")
        XCTAssertEqual(cache.challengeSeed(of: try key(5), now: .t0)?.salt, 5)
        XCTAssertEqual(cache.state(of: pending), .pending, "a flood of challenges never evicts a transaction")
    }

    func testADatagramFingerprintReplaysItsTransactionUntilItIsForgottenOrEvicted() throws {
        var cache = TransactionCache(lifetimeSeconds: 32, capacity: 100, fingerprintCapacity: 2)
        let key = TransactionCache.Key(request: try RegisterBuilder.request(), source: RegisterBuilder.source)
        let destination = SourceAddress(ip: "192.0.2.10", port: 5062)!
        XCTAssertNil(cache.replay(of: 77), "an unknown datagram")
        cache.begin(key, now: .t0)
        cache.remember(fingerprint: 77, of: key, destination: destination, now: .t0)
        XCTAssertEqual(cache.replay(of: 77)?.state, .pending, "a copy while the commit is running is absorbed")
        XCTAssertEqual(cache.replay(of: 77)?.destination, destination)
        cache.complete(key, response: [9, 9])
        XCTAssertEqual(cache.replay(of: 77)?.state, .completed([9, 9]), "a copy afterwards gets the same answer")
        cache.forget(key)
        XCTAssertNil(cache.replay(of: 77), "a transaction forgotten (its commit failed) is processed anew")

        // Bounded apart: remembering more datagrams evicts the oldest fingerprint, not transactions.
        cache.begin(key, now: .t0)
        cache.remember(fingerprint: 1, of: key, destination: destination, now: .t0)
        cache.remember(fingerprint: 2, of: key, destination: destination, now: .t0)
        cache.remember(fingerprint: 3, of: key, destination: destination, now: .t0)
        XCTAssertLessThanOrEqual(cache.fingerprintCount, 2)
        XCTAssertNil(cache.replay(of: 1), "oldest first")
        XCTAssertEqual(cache.replay(of: 3)?.state, .pending)
        XCTAssertEqual(cache.state(of: key), .pending, "fingerprints never evict a transaction")
    }
}
