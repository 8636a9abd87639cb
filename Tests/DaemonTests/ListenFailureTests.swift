@testable import Configuration
import Foundation
import Logging
import XCTest

@testable import Daemon

#if canImport(Glibc)
import Glibc
#endif

/// A listen address in use fails the start with a `ListenError`, and the listeners already
/// opened are closed again (in this process, so a half-started daemon would still hold them).
final class ListenFailureTests: XCTestCase {
    /// A socket of `type` bound to 127.0.0.1:`port` (0: any), with the SOL_SOCKET `option`
    /// (SO_REUSEADDR, SO_REUSEPORT) set to 1 when given; -1 when refused.
    private func bound(_ type: Int32, port: Int, listening: Bool = false, option: Int32? = nil) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, type, 0)
        if let option {
            var one: Int32 = 1
            XCTAssertEqual(setsockopt(fd, SOL_SOCKET, option, &one, socklen_t(MemoryLayout<Int32>.size)), 0)
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
        guard ok, !listening || listen(fd, 8) == 0 else {
            close(fd)
            return (-1, port)
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: bound.sin_port)))
    }

    /// Starts a daemon (memory firewall, a scratch data directory) listening on `listen` and
    /// returns the ListenError its start failed with; a start that succeeds is a failure.
    private func failedStart(listen: String, file: StaticString = #filePath, line: UInt = #line) async throws -> ListenError? {
        let directory = NSTemporaryDirectory() + "ListenFailureTests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/policies", withIntermediateDirectories: true)
        let configuration = try ConfigurationLoader.parse(yaml: """
            listen: [\(listen)]
            data_dir: \(directory)
            firewall: memory
            policies_dir: \(directory)/policies
            """, file: "test")
        do {
            let running = try await SIPWardenDaemon(configuration: configuration, logger: Logger(label: "test")).start()
            await running.stop()
            XCTFail("the start must fail: \(listen) holds a taken address", file: file, line: line)
            return nil
        } catch let error as ListenError {
            return error
        }
    }

    func testATakenTCPPortFailsTheStartAndTheUDPListenerAlreadyOpenIsClosedAgain() async throws {
        let taken = bound(Int32(SOCK_STREAM.rawValue), port: 0, listening: true)
        XCTAssertGreaterThanOrEqual(taken.fd, 0)
        defer { close(taken.fd) }
        let probe = bound(Int32(SOCK_DGRAM.rawValue), port: 0)
        XCTAssertGreaterThanOrEqual(probe.fd, 0)
        let udpPort = probe.port
        close(probe.fd)

        let error = try await failedStart(listen: "udp:127.0.0.1:\(udpPort), tcp:127.0.0.1:\(taken.port)")
        XCTAssertTrue(error?.isAddressInUse == true)
        XCTAssertEqual(error?.description,
                       "tcp:127.0.0.1:\(taken.port): address already in use — another sipwarden or SIP server is running there?")
        let again = bound(Int32(SOCK_DGRAM.rawValue), port: udpPort)
        XCTAssertGreaterThanOrEqual(again.fd, 0, "udp:127.0.0.1:\(udpPort) was closed by the failed start")
        if again.fd >= 0 { close(again.fd) }
    }

    /// A start on the UDP port of a holder that set `option` fails with "address already in use".
    private func assertTakenUDPPortFailsTheStart(holderOption option: Int32, file: StaticString = #filePath, line: UInt = #line) async throws {
        let holder = bound(Int32(SOCK_DGRAM.rawValue), port: 0, option: option)
        XCTAssertGreaterThanOrEqual(holder.fd, 0, file: file, line: line)
        defer { close(holder.fd) }
        let port = holder.port

        let error = try await failedStart(listen: "udp:127.0.0.1:\(port)", file: file, line: line)
        XCTAssertEqual(error?.description,
                       "udp:127.0.0.1:\(port): address already in use — another sipwarden or SIP server is running there?",
                       file: file, line: line)
    }

    func testATakenUDPPortFailsTheStartEvenWhereTheOtherSocketAllowsReuse() async throws {
        // The holder sets SO_REUSEADDR, as the old daemon did: the bind must still fail.
        try await assertTakenUDPPortFailsTheStart(holderOption: SO_REUSEADDR)
    }

    func testAUDPPortHeldWithReusePortFailsTheStart() async throws {
        // The daemon's own UDP sockets set SO_REUSEPORT (one per event loop); a second daemon
        // of the same user would join such a group and take part of the traffic. Its start
        // must fail as against any other holder.
        try await assertTakenUDPPortFailsTheStart(holderOption: SO_REUSEPORT)
    }
}
