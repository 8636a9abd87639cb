@testable import ConsoleServer
import ControlAPI
import Foundation
import XCTest

/// The analysis charts' pure logic: steps the trend leaves out are zeros for counts and gaps
/// for bindings, a gap breaks the drawn line, and every text in the SVG is escaped.
final class SVGChartTests: XCTestCase {
    private func point(_ minute: Int64, registrations: Int, bindings: Int?) -> TrendPoint {
        TrendPoint(startMilliseconds: 1_780_000_000_000 + minute * 60_000, activeBindings: bindings, registrations: registrations, refreshes: 0,
                   removals: 0, failures: 0, failuresByKind: [:], distinctSources: 0, peakPerSecond: 0)
    }

    func testStepsLeftOutAreZerosForCountsAndGapsForBindings() {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let trend = TrendReport(step: .minute, since: start, until: start.addingTimeInterval(600), points: [
            point(0, registrations: 5, bindings: 10), point(1, registrations: 6, bindings: 11), point(5, registrations: 7, bindings: 12),
        ])
        let counts = ConsoleApp.counts(trend, \.registrations)
        XCTAssertEqual(counts.map(\.y), [5, 6, 0, 0, 7], "minutes 2 and 4 drawn as zeros around the run of empty steps")
        XCTAssertEqual(counts.map(\.x), [1_780_000_030, 1_780_000_090, 1_780_000_150, 1_780_000_270, 1_780_000_330])
        let bindings = ConsoleApp.bindings(trend)
        XCTAssertEqual(bindings.map(\.y), [10, 11, nil, 12], "an empty step breaks the bindings line")
    }

    func testAGapBreaksTheLineAndTextsAreEscaped() {
        let svg = SVGChart.lines(
            id: "c", title: "a <b> & \"c\"",
            series: [SVGChart.Series(name: "x<y", color: "#000", points: [(0, 1), (1, 2), (2, nil), (3, 4), (4, 5)])],
            xRange: 0...4, xLabel: { "t<\($0)>" })
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2, "two segments around the gap: \(svg)")
        XCTAssertTrue(svg.contains("<title id=\"c-title\">a &lt;b&gt; &amp; &quot;c&quot;</title>"), svg)
        XCTAssertTrue(svg.contains(">x&lt;y</text>") && svg.contains(">t&lt;0.0&gt;</text>"), svg)
        let bars = SVGChart.bars(id: "b", title: "t", bars: [SVGChart.Bar(label: "<script>", value: 3), SVGChart.Bar(label: "ok", value: 6)])
        XCTAssertFalse(bars.contains("<script>"))
        XCTAssertTrue(bars.contains("<title>&lt;script&gt;: 3</title>"), bars)
        XCTAssertTrue(bars.contains("width=\"229\"") && bars.contains("width=\"458\""), "bars scale to the largest (760 - 220 label - 70 value - 12 margin = 458 px): \(bars)")
    }
}
