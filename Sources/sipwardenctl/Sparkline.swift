/// Small terminal charts for `analysis trend`: a sparkline of eight block heights and
/// horizontal bars.
enum Sparkline {
    private static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One block per value, scaled from the smallest to the largest; " " for an unknown value.
    static func line(_ values: [Int?]) -> String {
        let known = values.compactMap { $0 }
        guard let low = known.min(), let high = known.max() else { return "" }
        return String(values.map { value -> Character in
            guard let value else { return " " }
            guard high > low else { return blocks[blocks.count / 2] }
            return blocks[(value - low) * (blocks.count - 1) / (high - low)]
        })
    }

    /// A bar of `value` out of `maximum`, at most `width` characters ("" for 0).
    static func bar(_ value: Int, maximum: Int, width: Int = 30) -> String {
        guard maximum > 0, value > 0 else { return "" }
        return String(repeating: "█", count: max(1, value * width / maximum))
    }
}
