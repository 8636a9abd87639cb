@testable import SIPService
import Registrar
import Store
import XCTest

/// The SIP service's issue-5 pieces without a network: the per-phone range table and the
/// stats counters.
final class OperatorPiecesTests: XCTestCase {
    private let phone = Subscriber(username: "1001", realm: "r", ha1MD5: "m", ha1SHA256: "s")

    func testAllowedRangeTableAnswersWhatTheRulesSay() {
        let t = Timestamp(milliseconds: 0)
        var table = AllowedRangeTable([
            StoredAllowedRange(username: "1001", domain: nil, cidr: "192.0.2.0/24", port: nil, createdAt: t),
            StoredAllowedRange(username: "1001", domain: nil, cidr: "198.51.100.7", port: 5070, createdAt: t),
            StoredAllowedRange(username: "1001", domain: "example.com", cidr: "203.0.113.0/24", port: nil, createdAt: t),
        ])
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "192.0.2.9", port: 1)!), .inside(portMatched: false))
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.7", port: 5070)!), .inside(portMatched: true))
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.7", port: 5071)!), .wrongPort,
                       "the right address on another port than its rule names")
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "198.51.100.8", port: 5070)!), .outside)
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "203.0.113.1", port: 1)!), .outside, "another subscriber's rule")
        var other = phone
        other.username = "1002"
        XCTAssertEqual(table.access(of: other, from: SourceAddress(ip: "192.0.2.9", port: 1)!), .noRules)
        XCTAssertEqual(table.access(of: Subscriber(username: "1001", domain: "example.com", realm: "r", ha1MD5: "m", ha1SHA256: "s"),
                                    from: SourceAddress(ip: "203.0.113.1", port: 1)!), .inside(portMatched: false))
        table.set([], username: "1001", domain: nil)
        XCTAssertEqual(table.access(of: phone, from: SourceAddress(ip: "192.0.2.9", port: 1)!), .noRules)
    }

    func testMinuteWindowCountsTheLastSixtySecondsOnly() {
        let counter = MinuteWindowCounter()
        for second in [1000, 1000, 1001, 1030, 1059] { counter.add(nowSeconds: Int64(second)) }
        XCTAssertEqual(counter.count(nowSeconds: 1059), 5)
        XCTAssertEqual(counter.count(nowSeconds: 1060), 3, "second 1000 left the window")
        counter.add(nowSeconds: 1060)  // reuses second 1000's slot
        XCTAssertEqual(counter.count(nowSeconds: 1060), 4)
        XCTAssertEqual(counter.count(nowSeconds: 1200), 0)
    }

    func testLatencyHistogramMeanAndP99Bucket() {
        let histogram = LatencyHistogram()
        XCTAssertNil(histogram.quantileMilliseconds(0.99))
        for _ in 0..<99 { histogram.record(microseconds: 100) }  // bucket < 128 µs
        histogram.record(microseconds: 5_000)  // bucket < 8192 µs
        XCTAssertEqual(histogram.count, 100)
        XCTAssertEqual(histogram.quantileMilliseconds(0.99), 0.128)
        XCTAssertEqual(histogram.quantileMilliseconds(1.0), 8.192)
        XCTAssertEqual(histogram.meanMilliseconds ?? 0, (99 * 100 + 5000) / 100 / 1000, accuracy: 0.000_001)
    }
}
