import Foundation
import GRDB
import Registrar
import XCTest

@testable import Store

/// Base class: a fresh temporary directory per test, and model fixtures.
class StoreTestCase: XCTestCase {
    /// The test's own directory, removed after the test.
    var directory: URL!
    /// The default database path inside `directory`.
    var path: String { directory.appendingPathComponent("sipwarden.sqlite").path }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("StoreTests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A plain GRDB connection to the same file, as a second process would open it.
    func rawConnection(readonly: Bool = false) throws -> DatabaseQueue {
        try Self.rawConnection(at: path, readonly: readonly)
    }

    /// A plain GRDB connection to `path`; usable from `@Sendable` completions.
    static func rawConnection(at path: String, readonly: Bool = false) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(10)
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Makes inserting a binding with this AOR fail, from another connection (like a disk error
    /// in the middle of a transaction would).
    func poisonBindings(aor: String) throws {
        try rawConnection().write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON bindings WHEN NEW.aor = '\(aor)'
                BEGIN SELECT RAISE(ABORT, 'poisoned for the test'); END
                """)
        }
    }

    /// A binding with every field set to something distinctive.
    func makeBinding(_ i: Int, aor: String? = nil, expiresAt: Int64 = 1_700_000_600_000) -> Binding {
        Binding(
            aor: aor ?? "sip:\(1000 + i)@example.com",
            contact: "sip:\(1000 + i)@192.0.2.\(i % 250 + 1):5062;transport=udp;ob",
            contactKey: "sip:\(1000 + i)@192.0.2.\(i % 250 + 1):5062;transport=udp",
            contactParameters: ";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-\(String(format: "%012d", i))>\";reg-id=1",
            qThousandths: 500 + i % 500,
            expiresAt: Timestamp(milliseconds: expiresAt),
            registeredAt: Timestamp(milliseconds: 1_700_000_000_000 + Int64(i)),
            updatedAt: Timestamp(milliseconds: 1_700_000_000_500 + Int64(i)),
            callID: "call-\(i)@phone",
            cseq: UInt32(i + 1),
            source: SourceAddress(ip: "198.51.100.\(i % 250 + 1)", port: 40000 + i % 20000)!,
            transport: i.isMultiple(of: 2) ? .udp : .tcp,
            userAgent: "Yealink SIP-T46S 66.86.0.15",
            nat: i.isMultiple(of: 3),
            viaPath: "SIP/2.0/UDP 192.0.2.\(i % 250 + 1):5062;branch=z9hG4bK\(i);rport=40000;received=198.51.100.1"
        )
    }

    /// A subscriber with distinctive digests.
    func makeSubscriber(_ username: String, domain: String? = "example.com", account: String? = "acme") -> Subscriber {
        Subscriber(
            username: username, domain: domain, displayName: "Desk \(username)", account: account,
            realm: domain ?? "sipwarden", ha1MD5: String(repeating: "a", count: 32),
            ha1SHA256: String(repeating: "b", count: 64))
    }
}
