@testable import SIPService
import NIOCore
import SIPWardenPolicy
import XCTest

final class IPAddressSocketAddressTests: XCTestCase {
    func testPeerAddressFromBytesEqualsTheParsedText() throws {
        for text in ["192.0.2.7", "127.0.0.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::1", "fe80::1:2:3:4"] {
            let socket = try SocketAddress(ipAddress: text, port: 5060)
            XCTAssertEqual(IPAddress(socket), IPAddress(text), text)
        }
        XCTAssertNil(IPAddress(try SocketAddress(unixDomainSocketPath: "/tmp/x.sock")))
    }
}
