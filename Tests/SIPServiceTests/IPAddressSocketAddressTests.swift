@testable import SIPService
import NIOCore
import Registrar
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

    func testSourceAddressToSocketAndBackWithoutText() throws {
        for (text, port) in [("192.0.2.7", 5060), ("0.0.0.0", 0), ("255.255.255.255", 65535), ("2001:db8::1", 40000),
                             ("::1", 1), ("fe80::1:2:3:4", 5062), ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 5060)] {
            let source = SourceAddress(ip: text, port: port)!
            let socket = SocketAddress(source)
            XCTAssertEqual(socket, try SocketAddress(ipAddress: text, port: port), "the socket address NIO would parse from \(text)")
            XCTAssertEqual(socket.ipAddress, text)
            XCTAssertEqual(socket.port, port)
            XCTAssertEqual(SourceAddress(socket), source, "and back")
        }
        XCTAssertNil(SourceAddress(try SocketAddress(unixDomainSocketPath: "/tmp/x.sock")))
    }
}
