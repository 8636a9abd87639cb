import Foundation
@testable import SIPService
import SIPWardenPolicy
import XCTest

/// The trunk client's endpoint is the binary address: the socket address is built from it and
/// read back into it without inet_pton or inet_ntop.
final class TrunkEndpointTests: XCTestCase {
    func testSocketAddressRoundTripsThroughTheBytes() throws {
        for (text, port) in [("192.0.2.7", UInt16(5060)), ("0.0.0.0", 0), ("255.255.255.255", 65535), ("2001:db8::1", 5080),
                             ("::", 1), ("::1", 5061), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 9)] {
            let endpoint = try XCTUnwrap(TrunkEndpoint(ip: text, port: port))
            XCTAssertEqual(endpoint.ip, text)
            let back = endpoint.withSocketAddress { pointer, length -> TrunkEndpoint? in
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: Int(length))) }
                XCTAssertEqual(Int(length), endpoint.isIPv6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
                return withUnsafePointer(to: &storage) { TrunkEndpoint.from($0) }
            }
            XCTAssertEqual(back, endpoint, text)
        }
    }

    func testTheBoundSocketIsReadBack() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        let endpoint = TrunkEndpoint(ip: "127.0.0.1", port: 0)!
        XCTAssertEqual(endpoint.withSocketAddress { bind(fd, $0, $1) }, 0)
        let local = try XCTUnwrap(TrunkEndpoint.local(of: fd))
        XCTAssertEqual(local.ip, "127.0.0.1")
        XCTAssertNotEqual(local.port, 0, "the kernel's port")
        XCTAssertFalse(local.isWildcard)
    }

    func testTextAndWildcards() {
        XCTAssertNil(TrunkEndpoint(ip: "sip.example.com", port: 5060))
        XCTAssertNil(TrunkEndpoint(ip: "[2001:db8::1]", port: 5060), "no brackets")
        XCTAssertEqual(TrunkEndpoint(ip: "2001:DB8::1", port: 5060)?.description, "[2001:db8::1]:5060")
        XCTAssertEqual(TrunkEndpoint(ip: "::ffff:192.0.2.1", port: 5060)?.description, "192.0.2.1:5060")
        XCTAssertTrue(TrunkEndpoint(ip: "0.0.0.0", port: 0)!.isWildcard)
        XCTAssertTrue(TrunkEndpoint(ip: "::", port: 0)!.isWildcard)
        XCTAssertFalse(TrunkEndpoint(ip: "::1", port: 0)!.isWildcard)
    }
}
