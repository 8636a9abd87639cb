import Foundation
import SIPWardenPolicy
import XCTest

/// docs/events.md is the schema operators and plugin authors read: every kind the API knows
/// has its row there (issue "What the CLI says is what the system does", item 19).
final class EventKindsDocumentedTests: XCTestCase {
    func testEveryEventKindHasARowInDocsEvents() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/events.md"), encoding: .utf8)
        let rows = Set(text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        })
        for kind in SecurityEventKind.all {
            XCTAssertTrue(rows.contains(kind), "docs/events.md has no row for \(kind)")
        }
        for type in ["event", "decision", "dropped", "summary"] {
            XCTAssertTrue(rows.contains(type), "docs/events.md does not describe the line type \(type)")
        }
    }
}
