import Foundation
import XCTest

/// Where the end-to-end tests find the built programs, the peers and the shared corpus.
enum TestEnvironment {
    /// The package root (two levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Whether this run is CI, where a test that cannot run must fail rather than skip.
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The folder holding the built `sipwarden` and `sipwardenctl`.
    static var binDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["SIPWARDEN_BIN_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return packageRoot.appendingPathComponent(".build/debug")
    }

    /// The path of a built program, or a skip (a failure in CI) when it is missing.
    static func program(_ name: String) throws -> String {
        let path = binDirectory.appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            try unavailable("\(name) is not built at \(path); run `swift build` (or `make test`) first")
            return path
        }
        return path
    }

    /// The path of a peer program on PATH (sipp, sipsak), or a skip (a failure in CI).
    static func tool(_ name: String, package: String) throws -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        try unavailable("\(name) not found; install Debian's \(package) (`make test` does)")
        return name
    }

    /// The shared RFC 4475 corpus, when this machine has it.
    static var rfc4475Directory: URL? {
        if let dir = ProcessInfo.processInfo.environment["SIPWARDEN_RFC4475_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        let candidate = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/testdata/rfc4475")
        return FileManager.default.fileExists(atPath: candidate.appendingPathComponent("index.tsv").path) ? candidate : nil
    }

    /// Skips the test, or fails it in CI where everything must be present.
    static func unavailable(_ reason: String) throws {
        if isCI { XCTFail("cannot run in CI: \(reason)") ; throw XCTSkip("failed: \(reason)") }
        throw XCTSkip(reason)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sipwarden-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Polls every 0.1 s until `condition` holds or `timeout` passes; whether it held.
    static func eventually(_ timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try condition() { return true }
            usleep(100_000)
        } while Date() < deadline
        return false
    }
}
