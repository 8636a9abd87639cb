import Foundation
import XCTest

/// A network namespace of the test's own (`ip netns add`), with helpers to run `nft` inside it.
/// Needs root: outside CI the test skips, in CI (CI=true) it fails.
final class NetworkNamespaceFixture {
    /// The namespace's name.
    let name: String

    /// Creates a fresh namespace, or skips/fails the test when that is not possible here.
    init(prefix: String = "swfw") throws {
        guard getuid() == 0 else { try Self.unavailable("needs root to create network namespaces (ip netns add)") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft") else { try Self.unavailable("needs nft (Debian package nftables)") }
        name = "\(prefix)\(getpid() % 100_000)\(UInt16.random(in: 0...UInt16.max))"
        let result = Self.run(["ip", "netns", "add", name])
        guard result.status == 0 else { try Self.unavailable("ip netns add failed: \(result.output)") }
    }

    deinit { _ = Self.run(["ip", "netns", "delete", name]) }

    /// Runs `nft` with `arguments` in the namespace; fails the test on a non-zero exit.
    @discardableResult
    func nft(_ arguments: String..., input: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> String {
        let result = Self.run(["ip", "netns", "exec", name, "nft"] + arguments, input: input)
        XCTAssertEqual(result.status, 0, "nft \(arguments.joined(separator: " ")): \(result.output)", file: file, line: line)
        return result.output
    }

    /// Runs `nft` and returns its status and output without judging.
    func nftStatus(_ arguments: String...) -> (status: Int32, output: String) {
        Self.run(["ip", "netns", "exec", name, "nft"] + arguments)
    }

    /// The elements of one set of table inet sipwarden, from `nft -j list set`: each element as
    /// nft prints it (an address, "a.b.c.d/n", or "first-last") with its timeout in seconds.
    func elements(of set: String, table: String = "sipwarden", file: StaticString = #filePath, line: UInt = #line) throws -> [String: Int?] {
        let output = nft("-j", "list", "set", "inet", table, set, file: file, line: line)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let items = try XCTUnwrap(json["nftables"] as? [[String: Any]])
        var result: [String: Int?] = [:]
        for item in items {
            guard let setObject = item["set"] as? [String: Any] else { continue }
            for element in setObject["elem"] as? [Any] ?? [] {
                var value: Any = element
                var timeout: Int?
                if let wrapped = (element as? [String: Any])?["elem"] as? [String: Any] {
                    value = wrapped["val"] as Any
                    timeout = wrapped["timeout"] as? Int
                }
                result[Self.describe(value)] = timeout
            }
        }
        return result
    }

    private static func describe(_ value: Any) -> String {
        if let text = value as? String { return text }
        if let number = value as? Int { return String(number) }
        if let object = value as? [String: Any] {
            if let prefix = object["prefix"] as? [String: Any] { return "\(describe(prefix["addr"] as Any))/\(prefix["len"] as? Int ?? -1)" }
            if let range = object["range"] as? [Any], range.count == 2 { return "\(describe(range[0]))-\(describe(range[1]))" }
        }
        return "\(value)"
    }

    /// Runs a command, returning its exit status and combined output.
    static func run(_ arguments: [String], input: String? = nil) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        do { try process.run() } catch { return (-1, "\(error)") }
        if let input {
            inputPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inputPipe.fileHandleForWriting.close()
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private static func unavailable(_ why: String) throws -> Never {
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            XCTFail("nftables test cannot run in CI: \(why)")
            throw XCTSkip("failed: \(why)")
        }
        throw XCTSkip("skipped: \(why)")
    }
}
