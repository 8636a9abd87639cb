import Foundation
import Synchronization
import XCTest

/// Builds the test fixtures once per test run: the external plugin package (a separate SwiftPM
/// package depending only on PolicyAPI) and the two C shared objects.
enum Fixtures {
    /// The repository root, from this file's path.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory holding the test executable (the build's bin directory).
    static var binDirectory: URL {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
    }

    private static let built = Mutex<[String: Result<String, FixtureError>]>([:])

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
    }

    /// `libsipwarden-external.so`, built from Tests/Fixtures/ExternalPlugin into its own
    /// scratch directory beside the test build. Returns the directory holding it.
    static func externalPluginDirectory() throws -> String {
        try once("external") {
            let package = repository.appendingPathComponent("Tests/Fixtures/ExternalPlugin").path
            let scratch = binDirectory.appendingPathComponent("fixture-external-plugin").path
            let swift = ProcessInfo.processInfo.environment["SWIFT_EXEC_FOR_FIXTURES"] ?? "swift"
            let result = try run("/usr/bin/env", [swift, "build", "--package-path", package, "--scratch-path", scratch, "--product", "sipwarden-external"])
            guard result.status == 0 else {
                throw FixtureError(description: "building the external plugin fixture failed (\(result.status)):\n\(result.output)")
            }
            let bin = try run("/usr/bin/env", [swift, "build", "--package-path", package, "--scratch-path", scratch, "--show-bin-path"])
            let directory = bin.output.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n").last ?? ""
            guard FileManager.default.fileExists(atPath: directory + "/libsipwarden-external.so") else {
                throw FixtureError(description: "no libsipwarden-external.so in \(directory)")
            }
            return directory
        }
    }

    /// A directory with `libsipwarden-future.so` (API version 2) and `libsipwarden-stranger.so`
    /// (no entry points), compiled with cc.
    static func foreignLibrariesDirectory() throws -> String {
        try once("foreign") {
            let sources = repository.appendingPathComponent("Tests/Fixtures/ForeignLibraries")
            let output = binDirectory.appendingPathComponent("fixture-foreign-libraries")
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            for (source, library) in [("future_plugin.c", "libsipwarden-future.so"), ("stranger.c", "libsipwarden-stranger.so")] {
                var lastOutput = ""
                var compiled = false
                for compiler in ["cc", "clang", "gcc"] {
                    let result = try run("/usr/bin/env", [compiler, "-shared", "-fPIC", "-o", output.appendingPathComponent(library).path,
                                                          sources.appendingPathComponent(source).path])
                    if result.status == 0 { compiled = true; break }
                    lastOutput = result.output
                }
                guard compiled else { throw FixtureError(description: "cannot compile \(source) with cc, clang or gcc: \(lastOutput)") }
            }
            return output.path
        }
    }

    private static func once(_ key: String, _ build: () throws -> String) throws -> String {
        // Serialised on purpose: two test classes asking at once must not run two builds.
        try built.withLock { cache in
            if let result = cache[key] { return try result.get() }
            do {
                let value = try build()
                cache[key] = .success(value)
                return value
            } catch {
                let failure = error as? FixtureError ?? FixtureError(description: "\(error)")
                cache[key] = .failure(failure)
                throw failure
            }
        }
    }

    /// Runs a program, returning its status and combined output.
    static func run(_ path: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the test case's teardown.
    static func temporaryDirectory(_ testCase: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-host-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
