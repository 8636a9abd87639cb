import Foundation
import GeoIP
import SIPWardenPolicy
import XCTest

/// The GeoIP wrapper against a real MaxMind-format database written for the test by
/// Tests/Fixtures/geoip/write-test-mmdb.pl (Debian's libmaxmind-db-writer-perl).
final class GeoIPDatabaseTests: XCTestCase {
    static let writer = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/geoip/write-test-mmdb.pl").path

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-geoip-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes a database with `networks` (`CIDR=CODE:Name`), or skips (fails in CI) without the writer.
    func database(_ networks: [String]) throws -> String {
        let path = directory.appendingPathComponent("test.mmdb").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        process.arguments = [Self.writer, path] + networks
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if process.terminationStatus != 0 {
            let reason = "cannot write a test GeoIP database (install Debian's libmaxmind-db-writer-perl; `make test` does): \(message)"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(reason) }
            throw XCTSkip(reason)
        }
        return path
    }

    func address(_ text: String) throws -> IPAddress { try XCTUnwrap(IPAddress(text), text) }

    func testCountriesFromTheDatabaseAndTheRestClassified() throws {
        let path = try database(["81.2.69.0/24=GB:United Kingdom", "89.160.20.112/28=SE:Sweden", "2a02:8100::/24=DE:Germany",
                                 "127.0.0.64/27=BR:Brazil"])
        let geo = try GeoIPDatabase(path: path)
        XCTAssertEqual(geo.databaseType, "SIPWarden-Test-Country")
        XCTAssertEqual(geo.lookup(try address("81.2.69.160")), .country(code: "GB", name: "United Kingdom"))
        XCTAssertEqual(geo.lookup(try address("89.160.20.120")), .country(code: "SE", name: "Sweden"))
        XCTAssertEqual(geo.lookup(try address("89.160.20.100")), .unknown, "just outside the /28")
        XCTAssertEqual(geo.lookup(try address("2a02:8100:1234::1")), .country(code: "DE", name: "Germany"))
        XCTAssertEqual(geo.lookup(try address("::ffff:81.2.69.1")), .country(code: "GB", name: "United Kingdom"), "IPv4-mapped")
        // What the database places wins, even in a reserved range (how the daemon tests give loopback phones a country).
        XCTAssertEqual(geo.lookup(try address("127.0.0.70")), .country(code: "BR", name: "Brazil"))
        // What it does not place is classified.
        XCTAssertEqual(geo.lookup(try address("127.0.0.1")), .loopback)
        XCTAssertEqual(geo.lookup(try address("::1")), .loopback)
        for text in ["10.1.2.3", "172.16.5.5", "172.31.255.255", "192.168.1.20", "100.64.0.1", "169.254.10.10", "fd12:3456::1", "fe80::1"] {
            XCTAssertEqual(geo.lookup(try address(text)), .privateNetwork, text)
        }
        for text in ["8.8.8.8", "172.32.0.1", "2001:4860::8888"] {
            XCTAssertEqual(geo.lookup(try address(text)), .unknown, text)
        }
        XCTAssertEqual(GeoPlace.country(code: "GB", name: "United Kingdom").description, "GB United Kingdom")
        XCTAssertEqual(GeoPlace.privateNetwork.description, "private")
    }

    func testLookupsFromManyThreadsAgree() throws {
        let geo = try GeoIPDatabase(path: try database(["81.2.69.0/24=GB:United Kingdom"]))
        let inside = try address("81.2.69.5")
        let outside = try address("8.8.4.4")
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<500 {
                XCTAssertEqual(geo.lookup(inside).code, "GB")
                XCTAssertEqual(geo.lookup(outside), .unknown)
            }
        }
    }

    func testAMissingOrCorruptDatabaseIsAnErrorNamingTheFile() throws {
        let missing = directory.appendingPathComponent("nope.mmdb").path
        XCTAssertThrowsError(try GeoIPDatabase(path: missing)) { error in
            XCTAssertEqual((error as? GeoIPError)?.path, missing)
            XCTAssertTrue("\(error)".contains(missing) && "\(error)".contains("geoip.database"), "\(error)")
        }
        let corrupt = directory.appendingPathComponent("corrupt.mmdb")
        try Data("this is not a MaxMind database\n".utf8).write(to: corrupt)
        XCTAssertThrowsError(try GeoIPDatabase(path: corrupt.path)) { error in
            XCTAssertEqual((error as? GeoIPError)?.path, corrupt.path)
            XCTAssertTrue("\(error)".contains("not a MaxMind-format"), "\(error)")
        }
        // A real database cut short.
        let whole = try Data(contentsOf: URL(fileURLWithPath: try database(["81.2.69.0/24=GB:United Kingdom"])))
        let truncated = directory.appendingPathComponent("truncated.mmdb")
        try whole.prefix(whole.count / 3).write(to: truncated)
        XCTAssertThrowsError(try GeoIPDatabase(path: truncated.path)) { error in
            XCTAssertTrue("\(error)".contains(truncated.path), "\(error)")
        }
    }
}
