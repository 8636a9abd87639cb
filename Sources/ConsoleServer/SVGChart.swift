import Foundation

/// The analysis page's charts, drawn on the server as inline SVG (no script, no library).
/// Every text that reaches the SVG (titles, labels, tooltips) is escaped; colours are
/// presentation attributes, which the console's Content-Security-Policy allows.
enum SVGChart {
    /// One line of a line chart: its name, colour and points (x in any unit, y nil for a gap).
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double?)]
    }

    /// One bar of a bar chart.
    struct Bar {
        var label: String
        var value: Int
    }

    static let width = 760.0
    private static let left = 56.0, right = 12.0, top = 26.0, bottom = 34.0

    /// A line chart over `xRange`, the x axis labelled by `xLabel` at its ends and middle.
    static func lines(id: String, title: String, series: [Series], xRange: ClosedRange<Double>, xLabel: (Double) -> String, height: Double = 220) -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maxY = max(1, series.flatMap { $0.points.compactMap(\.y) }.max() ?? 1)
        let span = max(xRange.upperBound - xRange.lowerBound, 1)
        func x(_ value: Double) -> Double { left + (value - xRange.lowerBound) / span * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - value / maxY * plotHeight }
        var svg = "<svg class=\"chart\" id=\"\(HTML.escape(id))\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" aria-labelledby=\"\(HTML.escape(id))-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"\(HTML.escape(id))-title\">\(HTML.escape(title))</title>"
        for fraction in [0.0, 0.5, 1.0] {
            let value = maxY * fraction, row = y(value)
            svg += "<line x1=\"\(number(left))\" y1=\"\(number(row))\" x2=\"\(number(width - right))\" y2=\"\(number(row))\" stroke=\"#d0d7de\"/>"
            svg += "<text x=\"\(number(left - 6))\" y=\"\(number(row + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#57606a\">\(HTML.escape(amount(value)))</text>"
        }
        for (fraction, anchor) in [(0.0, "start"), (0.5, "middle"), (1.0, "end")] {
            let value = xRange.lowerBound + span * fraction
            svg += "<text x=\"\(number(x(value)))\" y=\"\(number(height - bottom + 16))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"#57606a\">\(HTML.escape(xLabel(value)))</text>"
        }
        var legendX = left
        for line in series {
            svg += "<rect x=\"\(number(legendX))\" y=\"8\" width=\"12\" height=\"12\" fill=\"\(HTML.escape(line.color))\"/>"
            svg += "<text x=\"\(number(legendX + 16))\" y=\"18\" font-size=\"12\" fill=\"#1b1f23\">\(HTML.escape(line.name))</text>"
            legendX += 40 + Double(line.name.count) * 7
        }
        for line in series {
            // A gap (nil) ends a segment, so unknown values are not drawn as zeros.
            var segments: [[(Double, Double)]] = [[]]
            for point in line.points.sorted(by: { $0.x < $1.x }) {
                if let value = point.y { segments[segments.count - 1].append((x(point.x), y(value))) } else if !(segments.last?.isEmpty ?? true) { segments.append([]) }
            }
            for segment in segments where !segment.isEmpty {
                if segment.count == 1 {
                    svg += "<circle cx=\"\(number(segment[0].0))\" cy=\"\(number(segment[0].1))\" r=\"2.5\" fill=\"\(HTML.escape(line.color))\"/>"
                } else {
                    let path = segment.map { "\(number($0.0)),\(number($0.1))" }.joined(separator: " ")
                    svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(HTML.escape(line.color))\" stroke-width=\"2\"/>"
                }
            }
        }
        return svg + "</svg>"
    }

    /// A horizontal bar chart, one bar per row with its label and value.
    static func bars(id: String, title: String, bars: [Bar], color: String = "#0550ae") -> String {
        let rowHeight = 22.0, labelWidth = 220.0, valueWidth = 70.0
        let height = top + Double(max(bars.count, 1)) * rowHeight + 8
        let maxValue = Double(max(1, bars.map(\.value).max() ?? 1))
        let plotWidth = width - labelWidth - valueWidth - right
        var svg = "<svg class=\"chart\" id=\"\(HTML.escape(id))\" viewBox=\"0 0 \(number(width)) \(number(height))\" role=\"img\" aria-labelledby=\"\(HTML.escape(id))-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"\(HTML.escape(id))-title\">\(HTML.escape(title))</title>"
        svg += "<text x=\"0\" y=\"16\" font-size=\"12\" fill=\"#57606a\">\(HTML.escape(title))</text>"
        if bars.isEmpty {
            svg += "<text x=\"0\" y=\"\(number(top + 14))\" font-size=\"12\" fill=\"#57606a\">nothing to draw</text>"
        }
        for (index, bar) in bars.enumerated() {
            let row = top + Double(index) * rowHeight
            let length = max(1, Double(bar.value) / maxValue * plotWidth)
            let label = bar.label.count > 32 ? String(bar.label.prefix(31)) + "…" : bar.label
            svg += "<text x=\"\(number(labelWidth - 6))\" y=\"\(number(row + 14))\" text-anchor=\"end\" font-size=\"12\" fill=\"#1b1f23\">\(HTML.escape(label))</text>"
            svg += "<rect x=\"\(number(labelWidth))\" y=\"\(number(row + 3))\" width=\"\(number(length))\" height=\"\(number(rowHeight - 6))\" fill=\"\(HTML.escape(color))\">"
            svg += "<title>\(HTML.escape(bar.label)): \(bar.value)</title></rect>"
            svg += "<text x=\"\(number(labelWidth + length + 6))\" y=\"\(number(row + 14))\" font-size=\"12\" fill=\"#1b1f23\">\(bar.value)</text>"
        }
        return svg + "</svg>"
    }

    /// A coordinate with at most one decimal, "." as separator whatever the locale.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// An axis value: whole numbers as such, small fractions with one decimal.
    static func amount(_ value: Double) -> String {
        value >= 10 || value == value.rounded() ? String(Int(value.rounded())) : String((value * 10).rounded() / 10)
    }
}
