@testable import SIPService
import SIPWardenPolicy
import XCTest


/// The per-address TCP connection count behind `transport.tcp_max_connections_per_source`.
final class TCPSourceLimiterTests: XCTestCase {
    func testAnAddressGetsAtMostTheMaximumAndClosingFreesASlot() {
        let limiter = TCPSourceLimiter(maximum: 3)
        let phone = IPAddress("192.0.2.7")!
        XCTAssertEqual((0..<5).map { _ in limiter.open(phone) }, [true, true, true, false, false])
        XCTAssertTrue(limiter.open(IPAddress("192.0.2.8")!), "another address has its own count")
        XCTAssertEqual(limiter.count(phone), 3, "refused connections are not counted")
        XCTAssertEqual(limiter.count(IPAddress("::ffff:192.0.2.7")!), 3, "an IPv4-mapped view of the peer is the same address")
        limiter.close(phone)
        XCTAssertTrue(limiter.open(phone))
        XCTAssertFalse(limiter.open(phone))
    }

    func testTheTableHoldsOnlyAddressesWithOpenConnections() {
        let limiter = TCPSourceLimiter(maximum: 2)
        for index in 0..<1_000 {
            let ip = IPAddress(ipv4: 0x0A00_0000 | UInt32(index))
            XCTAssertTrue(limiter.open(ip))
            limiter.close(ip)
        }
        XCTAssertEqual(limiter.trackedAddresses, 0, "rotating addresses leave nothing behind")
        limiter.close(IPAddress("10.9.9.9")!)  // never opened: no effect
        XCTAssertEqual(limiter.trackedAddresses, 0)
    }

    func testZeroMeansNoLimit() {
        let limiter = TCPSourceLimiter(maximum: 0)
        XCTAssertTrue((0..<10_000).allSatisfy { _ in limiter.open(IPAddress("192.0.2.7")!) })
    }

    func testKeepaliveDatagramsAreOnlyLineEnds() {
        func check(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { SIPService.isKeepalive($0) } }
        XCTAssertTrue(check([]))
        XCTAssertTrue(check([13, 10]))
        XCTAssertTrue(check([13, 10, 13, 10]))
        XCTAssertFalse(check(Array("OPTIONS sip:x SIP/2.0\r\n\r\n".utf8)))
        XCTAssertFalse(check([13, 10, 0x20]))
    }
}
