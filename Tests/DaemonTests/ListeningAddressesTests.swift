@testable import Configuration
import Foundation
import Logging
import NIOCore
import XCTest

@testable import Daemon

/// A UDP listen address is held by one socket per event loop; the daemon still reports it
/// once, with the port the kernel chose for port 0, and every socket answers on that port.
final class ListeningAddressesTests: XCTestCase {
    func testAnEphemeralUDPPortIsReportedOnceAndAnswered() async throws {
        let directory = NSTemporaryDirectory() + "ListeningAddressesTests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
        let configuration = try ConfigurationLoader.parse(yaml: """
            listen: [udp:127.0.0.1:0]
            data_dir: \(directory)
            firewall: memory
            policies_dir: \(directory)/policies
            transport:
              udp_sockets: 3
            """, file: "test")
        let running = try await SIPWardenDaemon(configuration: configuration, logger: Logger(label: "test")).start()
        let addresses = running.listeningAddresses
        XCTAssertEqual(addresses.count, 1, "\(addresses)")
        let port = try XCTUnwrap(addresses.first?.port)
        XCTAssertNotEqual(port, 0)

        // OPTIONS from several source ports (the kernel keeps each on one of the three
        // sockets): every one is answered from the reported port.
        for index in 0..<6 {
            let client = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(client) }
            var timeout = timeval(tv_sec: 3, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let request = Array("""
                OPTIONS sip:probe@127.0.0.1:\(port) SIP/2.0\r
                Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-ports-\(index);rport\r
                Max-Forwards: 70\r
                From: <sip:t@127.0.0.1>;tag=\(index)\r
                To: <sip:probe@127.0.0.1>\r
                Call-ID: ports-\(index)\r
                CSeq: 1 OPTIONS\r
                Content-Length: 0\r
                \r

                """.utf8)
            let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
            _ = target.withSockAddr { address, length in sendto(client, request, request.count, 0, address, socklen_t(length)) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var from = sockaddr_in()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let received = withUnsafeMutablePointer(to: &from) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(client, &buffer, buffer.count, 0, $0, &fromLength) }
            }
            XCTAssertGreaterThan(received, 0, "OPTIONS \(index) answered")
            guard received > 0 else { continue }
            XCTAssertTrue(String(decoding: buffer[..<received], as: UTF8.self).hasPrefix("SIP/2.0 200 "))
            XCTAssertEqual(Int(UInt16(bigEndian: from.sin_port)), port, "answered from the listening port")
        }
        await running.stop()
    }
}
