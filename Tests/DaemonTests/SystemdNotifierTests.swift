@testable import Daemon
import Logging
import XCTest

final class SystemdNotifierTests: XCTestCase {
    func testSocketNamesArePathsOrAbstractNames() {
        XCTAssertEqual(SystemdNotifier.socketPath("/run/systemd/notify"), Array("/run/systemd/notify".utf8))
        XCTAssertEqual(SystemdNotifier.socketPath("@abstract"), [0] + Array("abstract".utf8), "@ becomes the leading NUL")
        XCTAssertNil(SystemdNotifier.socketPath(""), "empty")
        XCTAssertNil(SystemdNotifier.socketPath("relative/notify"), "systemd only hands out absolute and abstract names")
        XCTAssertNil(SystemdNotifier.socketPath("vsock:2:1234"), "not a Unix socket")
        XCTAssertNil(SystemdNotifier.socketPath("/" + String(repeating: "x", count: 200)), "longer than sun_path")
    }

    func testWatchdogIntervalIsHalfTheTimeoutForThisProcessOnly() {
        XCTAssertEqual(SystemdNotifier.watchdogInterval(microseconds: "30000000", pid: nil, ownPID: 42), .seconds(15))
        XCTAssertEqual(SystemdNotifier.watchdogInterval(microseconds: "400000", pid: "42", ownPID: 42), .milliseconds(200))
        XCTAssertNil(SystemdNotifier.watchdogInterval(microseconds: "400000", pid: "1", ownPID: 42), "meant for another process")
        XCTAssertNil(SystemdNotifier.watchdogInterval(microseconds: nil, pid: nil, ownPID: 42), "no watchdog")
        XCTAssertNil(SystemdNotifier.watchdogInterval(microseconds: "0", pid: nil, ownPID: 42))
        XCTAssertNil(SystemdNotifier.watchdogInterval(microseconds: "soon", pid: nil, ownPID: 42))
    }

    func testNoNotifierOutsideSystemd() {
        XCTAssertNil(SystemdNotifier(environment: [:], logger: Logger(label: "test")))
        XCTAssertNil(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""], logger: Logger(label: "test")))
    }
}
