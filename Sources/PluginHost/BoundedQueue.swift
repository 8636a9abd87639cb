/// A first-in first-out ring of at most `capacity` elements that refuses, rather than grows,
/// when full: the registrar must never wait for a slow plugin, so overflow is dropped and counted.
struct BoundedQueue<Element> {
    private var storage: [Element?]
    private var head = 0
    private(set) var count = 0
    /// Elements refused because the queue was full, since creation.
    private(set) var dropped: UInt64 = 0

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
    }

    var capacity: Int { storage.count }
    var isEmpty: Bool { count == 0 }

    /// Appends `element`; false (and counted) when the queue is full.
    @discardableResult
    mutating func append(_ element: Element) -> Bool {
        guard count < storage.count else {
            dropped &+= 1
            return false
        }
        storage[(head + count) % storage.count] = element
        count += 1
        return true
    }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    /// Removes and returns up to `limit` of the oldest elements.
    mutating func popFirst(upTo limit: Int) -> [Element] {
        var batch: [Element] = []
        batch.reserveCapacity(min(limit, count))
        while batch.count < limit, let element = popFirst() { batch.append(element) }
        return batch
    }
}

extension BoundedQueue: Sendable where Element: Sendable {}
