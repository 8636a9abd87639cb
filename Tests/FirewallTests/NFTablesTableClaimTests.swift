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

    func testTableNamesFollowTheRulesOfNft() {
        XCTAssertNil(NFTablesOptions.tableNameProblem("sipwarden"))
        XCTAssertNil(NFTablesOptions.tableNameProblem("sw-2_b"))
        XCTAssertNil(NFTablesOptions.tableNameProblem(String(repeating: "a", count: NFTablesOptions.maximumTableNameLength)))
        for bad in ["", "2nd", "_x", "a b", "a.b", "a/b", "ä", String(repeating: "a", count: NFTablesOptions.maximumTableNameLength + 1)] {
            XCTAssertNotNil(NFTablesOptions.tableNameProblem(bad), bad)
        }
    }
}
