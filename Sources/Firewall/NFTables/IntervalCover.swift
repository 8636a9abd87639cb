/// Turns possibly overlapping address ranges, each with an expiry, into disjoint intervals —
/// what an nftables interval set accepts (it refuses overlapping elements) — where each
/// address keeps the latest expiry of the ranges that cover it.
enum IntervalCover {
    /// One input range or output interval: [first, last], lapsing at `expiry` (ms since the
    /// epoch; `Int64.max` for never).
    struct Interval: Equatable {
        var first: UInt128
        var last: UInt128
        var expiry: Int64
    }

    /// The disjoint cover of `ranges`, sorted, with touching intervals of equal expiry merged.
    static func cover(_ ranges: [Interval]) -> [Interval] {
        guard !ranges.isEmpty else { return [] }
        let sorted = ranges.sorted { $0.first < $1.first }
        // Segment boundaries: every start, and every address after an end.
        var boundaries = Set<UInt128>()
        var openEnded = false
        for range in sorted {
            boundaries.insert(range.first)
            if range.last == UInt128.max { openEnded = true } else { boundaries.insert(range.last + 1) }
        }
        let points = boundaries.sorted()
        var heap = MaxHeap()
        var next = 0
        var result: [Interval] = []
        for (index, start) in points.enumerated() {
            while next < sorted.count, sorted[next].first <= start {
                heap.push(sorted[next])
                next += 1
            }
            while let top = heap.top, top.last < start { heap.popTop() }
            guard let top = heap.top else { continue }
            let last: UInt128 = index + 1 < points.count ? points[index + 1] - 1 : (openEnded ? UInt128.max : start)
            if var previous = result.last, previous.expiry == top.expiry, previous.last &+ 1 == start, previous.last != UInt128.max {
                previous.last = last
                result[result.count - 1] = previous
            } else {
                result.append(Interval(first: start, last: last, expiry: top.expiry))
            }
        }
        return result
    }

    /// A binary max-heap on expiry; ranges that ended are dropped lazily when they reach the top.
    private struct MaxHeap {
        private var items: [Interval] = []

        var top: Interval? { items.first }

        mutating func push(_ item: Interval) {
            items.append(item)
            var child = items.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard items[child].expiry > items[parent].expiry else { break }
                items.swapAt(child, parent)
                child = parent
            }
        }

        mutating func popTop() {
            items.swapAt(0, items.count - 1)
            items.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var largest = parent
                if left < items.count, items[left].expiry > items[largest].expiry { largest = left }
                if right < items.count, items[right].expiry > items[largest].expiry { largest = right }
                guard largest != parent else { return }
                items.swapAt(parent, largest)
                parent = largest
            }
        }
    }
}
