import Foundation
import XCTest

/// Two network namespaces joined by a veth pair: the daemon's ("server") and the peers'
/// ("client"), with the addresses each side gets. Needs root: skips outside CI, fails in CI.
final class VethNamespaces {
    /// The daemon's namespace.
    let server: String
    /// The senders' namespace.
    let client: String

    /// Creates both namespaces and the link; `serverAddresses` and `clientAddresses` are CIDRs
    /// ("10.231.0.1/24").
    init(serverAddresses: [String], clientAddresses: [String]) throws {
        guard getuid() == 0 else { try TestEnvironment.unavailable("needs root to create network namespaces") ; fatalError() }
        _ = try TestEnvironment.tool("nft", package: "nftables")
        _ = try TestEnvironment.tool("python3", package: "python3")
        let tag = "\(getpid() % 10_000)\(UInt8.random(in: 0...255))"
        server = "swsrv\(tag)"
        client = "swcli\(tag)"
        let serverLink = "vs\(tag)", clientLink = "vc\(tag)"
        var commands: [[String]] = [
            ["ip", "netns", "add", server], ["ip", "netns", "add", client],
            ["ip", "link", "add", serverLink, "netns", server, "type", "veth", "peer", "name", clientLink, "netns", client],
        ]
        for address in serverAddresses { commands.append(["ip", "-n", server, "addr", "add", address, "dev", serverLink]) }
        for address in clientAddresses { commands.append(["ip", "-n", client, "addr", "add", address, "dev", clientLink]) }
        commands += [
            ["ip", "-n", server, "link", "set", serverLink, "up"], ["ip", "-n", server, "link", "set", "lo", "up"],
            ["ip", "-n", client, "link", "set", clientLink, "up"], ["ip", "-n", client, "link", "set", "lo", "up"],
        ]
        for command in commands {
            let result = try ProcessRunner.run("/usr/bin/env", command, timeout: 20)
            guard result.status == 0 else {
                throw SIPTestClientError("\(command.joined(separator: " ")) failed: \(result.stderr)")
            }
        }
    }

    deinit {
        _ = try? ProcessRunner.run("/usr/bin/env", ["ip", "netns", "delete", server], timeout: 20)
        _ = try? ProcessRunner.run("/usr/bin/env", ["ip", "netns", "delete", client], timeout: 20)
    }

    /// Runs the SIP probe (Tests/Fixtures/sip_probe.py) in the client namespace.
    func probe(_ arguments: [String], timeout: TimeInterval = 120) throws -> String {
        let script = TestEnvironment.packageRoot.appendingPathComponent("Tests/Fixtures/sip_probe.py").path
        let result = try ProcessRunner.run("/usr/bin/env", ["ip", "netns", "exec", client, "python3", script] + arguments, timeout: timeout)
        guard result.status == 0 else { throw SIPTestClientError("sip_probe \(arguments) failed: \(result.stderr)") }
        return result.stdout
    }

    /// Runs `nft` in the server namespace and returns its output.
    func nft(_ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/env", ["ip", "netns", "exec", server, "nft"] + arguments, timeout: 20)
        guard result.status == 0 else { throw SIPTestClientError("nft \(arguments) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The packet counter of the rule in `chain` of table inet sipwarden whose text contains `match`.
    func counter(chain: String, rule match: String) throws -> Int {
        for line in try nft(["list", "chain", "inet", "sipwarden", chain]).split(separator: "\n") where line.contains(match) {
            let words = line.split(separator: " ")
            if let index = words.firstIndex(of: "packets"), index + 1 < words.count, let value = Int(words[index + 1]) { return value }
        }
        throw SIPTestClientError("no counter on a rule matching \(match) in chain \(chain)")
    }
}
