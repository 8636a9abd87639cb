import Foundation
import XCTest

/// What the programs print about themselves matches what they are (issue "What the CLI says
/// is what the system does", item 19): help prose flows to the width instead of breaking
/// mid-sentence, and the README's synopsis names every flag the daemon takes.
final class HelpAndDocsEndToEndTests: XCTestCase {
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        let result = try ProcessRunner.run(try TestEnvironment.program(program), arguments, timeout: 30)
        return result.stdout + result.stderr
    }

    /// Every command path of sipwardenctl, from its own help.
    private func commandPaths() throws -> [[String]] {
        var paths: [[String]] = []
        var pending: [[String]] = [[]]
        while let path = pending.popLast() {
            let help = try run("sipwardenctl", ["help"] + path)
            guard let start = help.range(of: "SUBCOMMANDS:\n") else { continue }
            for line in help[start.upperBound...].split(separator: "\n") {
                // "  list                    List every ban ..." (a continuation is indented further)
                guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                      name != "See", name != "help" else { continue }
                let child = path + [String(name)]
                paths.append(child)
                pending.append(child)
            }
        }
        return paths
    }

    func testHelpParagraphsFlowInsteadOfBreakingMidSentence() throws {
        let paths = try commandPaths()
        XCTAssertGreaterThan(paths.count, 30, "found the commands: \(paths)")
        for path in paths {
            let help = try run("sipwardenctl", ["help"] + path)
            guard let usage = help.range(of: "\nUSAGE:") else { continue }
            let prose = help[..<usage.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (index, line) in prose.enumerated() where index + 1 < prose.count {
                let next = prose[index + 1]
                // A short line followed at once by more prose is a paragraph broken by hand.
                let broken = !line.isEmpty && !line.hasPrefix(" ") && line.count < 50 && !line.hasSuffix(":") && !line.hasSuffix(".")
                    && !next.isEmpty && !next.hasPrefix(" ") && !line.hasPrefix("OVERVIEW:")
                XCTAssertFalse(broken, "sipwardenctl \(path.joined(separator: " ")): the paragraph breaks after '\(line)'")
            }
        }
    }

    func testTheReadmeSynopsisNamesEveryDaemonFlag() throws {
        let help = try run("sipwarden", ["--help"])
        let flags = Set(help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }).filter { $0.hasPrefix("--") }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ":.;)")) })
        XCTAssertTrue(flags.contains("--check-config"), help)
        let readme = try String(contentsOf: TestEnvironment.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let synopsis = try XCTUnwrap(readme.split(separator: "\n").first { $0.hasPrefix("`sipwarden [") }, "README has the sipwarden synopsis")
        for flag in flags where flag != "--help" {
            XCTAssertTrue(synopsis.contains(flag), "the README's synopsis lacks \(flag): \(synopsis)")
        }
    }
}
