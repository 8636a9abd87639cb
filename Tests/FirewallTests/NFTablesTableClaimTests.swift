@testable import Firewall
import Foundation
import SIPWardenPolicy
import XCTest

/// One backend per table per network namespace, against the real kernel in namespaces of the
/// test's own: the claim is refused while held (naming the holder), per table and per
/// namespace, and free again once its holder is gone.
final class NFTablesTableClaimTests: XCTestCase {
    func testASecondBackendForTheSameTableIsRefusedBeforeTouchingIt() throws {
        let namespace = try NetworkNamespaceFixture()
        var first: NFTablesFirewall? = try NFTablesFirewall(options: NFTablesOptions(networkNamespace: namespace.name))
        try first?.ban([FirewallBan(target: try XCTUnwrap(IPRange("192.0.2.1")), expiresAtMilliseconds: NFTablesFirewall.realtimeMilliseconds() + 600_000)])
        let before = namespace.nft("-a", "list", "table", "inet", "sipwarden")
        XCTAssertThrowsError(try NFTablesFirewall(options: NFTablesOptions(ports: [5080], networkNamespace: namespace.name))) { error in
            guard case .tableOwned(let table, let owner)? = error as? NFTablesError else { return XCTFail("\(error)") }
            XCTAssertEqual(table, "sipwarden")
            XCTAssertEqual(owner.pid, getpid())
            XCTAssertTrue("\(error)".contains("table inet sipwarden is already owned by this process (pid \(getpid()))"), "\(error)")
            XCTAssertTrue("\(error)".contains("nftables.table: NAME"), "\(error)")
        }
        XCTAssertEqual(namespace.nft("-a", "list", "table", "inet", "sipwarden").replacingOccurrences(of: #"expires \S+"#, with: "", options: .regularExpression),
                       before.replacingOccurrences(of: #"expires \S+"#, with: "", options: .regularExpression),
                       "the refused backend changed nothing (its ports, its empty view of the bans)")

        // The holder accepts and closes each question: more of them than its listen backlog
        // (16) still get an answer naming it.
        for attempt in 0..<24 {
            XCTAssertThrowsError(try NFTablesFirewall(options: NFTablesOptions(networkNamespace: namespace.name)), "attempt \(attempt)") { error in
                guard case .tableOwned(_, let owner)? = error as? NFTablesError else { return XCTFail("\(error)") }
                XCTAssertEqual(owner.pid, getpid(), "attempt \(attempt)")
            }
        }

        // Another table in the same namespace, and the same table in another namespace, are free.
        let other = try NFTablesFirewall(options: NFTablesOptions(table: "sw_other", networkNamespace: namespace.name))
        XCTAssertEqual(other.options.table, "sw_other")
        let elsewhere = try NetworkNamespaceFixture()
        _ = try NFTablesFirewall(options: NFTablesOptions(networkNamespace: elsewhere.name))

        // Gone with its holder.
        XCTAssertEqual(first?.banCount, 1)
        first = nil
        let next = try NFTablesFirewall(options: NFTablesOptions(networkNamespace: namespace.name))
        XCTAssertEqual(try next.verifyAndRepair(), [])
    }

    /// Another program holding the name (listening, or only bound) is named, or said not to
    /// answer; nothing of the table is created meanwhile.
    func testAnotherProgramHoldingTheNameIsNamedAndTheTableIsLeftAlone() throws {
        let namespace = try NetworkNamespaceFixture()
        guard NetworkNamespaceFixture.run(["python3", "-c", "pass"]).status == 0 else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail("needs python3 (Debian package python3)") }
            throw XCTSkip("needs python3 (Debian package python3)")
        }
        for listens in [true, false] {
            let ready = FileManager.default.temporaryDirectory.appendingPathComponent("claim-squatter-\(UUID().uuidString)")
            let squatter = Process()
            squatter.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            squatter.arguments = ["ip", "netns", "exec", namespace.name, "python3", "-c", """
                import socket, sys, time
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.bind("\\0" + "\(NFTablesTableClaim.socketName(table: "sipwarden"))")
                if sys.argv[1] == "1": s.listen(4)
                open(sys.argv[2], "w").close()
                time.sleep(60)
                """, listens ? "1" : "0", ready.path]
            try squatter.run()
            defer {
                squatter.terminate()
                squatter.waitUntilExit()
                try? FileManager.default.removeItem(at: ready)
            }
            var waited = 0
            while !FileManager.default.fileExists(atPath: ready.path), waited < 200 {
                usleep(50_000)
                waited += 1
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: ready.path), "the squatter is ready")
            XCTAssertThrowsError(try NFTablesFirewall(options: NFTablesOptions(networkNamespace: namespace.name))) { error in
                guard case .tableOwned(_, let owner)? = error as? NFTablesError else { return XCTFail("\(error)") }
                if listens {
                    XCTAssertEqual(owner.pid, squatter.processIdentifier, "ip netns exec execs python3: the same process")
                    XCTAssertTrue("\(error)".contains("already owned by another process, python3 (pid \(squatter.processIdentifier))"), "\(error)")
                } else {
                    XCTAssertEqual(owner.pid, 0)
                    XCTAssertTrue("\(error)".contains("pid unknown: it does not answer on its claim socket"), "\(error)")
                }
            }
            XCTAssertNotEqual(namespace.nftStatus("list", "table", "inet", "sipwarden").status, 0, "no table was created")
        }
    }

    func testTableNamesFollowTheRulesOfNft() {
        XCTAssertNil(NFTablesOptions.tableNameProblem("sipwarden"))
        XCTAssertNil(NFTablesOptions.tableNameProblem("sw-2_b"))
        XCTAssertNil(NFTablesOptions.tableNameProblem(String(repeating: "a", count: NFTablesOptions.maximumTableNameLength)))
        for bad in ["", "2nd", "_x", "a b", "a.b", "a/b", "ä", String(repeating: "a", count: NFTablesOptions.maximumTableNameLength + 1)] {
            XCTAssertNotNil(NFTablesOptions.tableNameProblem(bad), bad)
        }
    }
}
