import CNFTables

/// A growing buffer of netlink messages laid end to end, as one batch is sent.
///
/// libnftnl's builders write without checking bounds, so room for each message (an upper
/// bound from what it carries) is reserved before it is built. The buffer starts small, so a
/// one-element batch costs one small allocation, not an mmap.
struct NFTablesMessageBuffer: ~Copyable {
    /// Room reserved for a message that carries no set elements (a table, set, chain or rule).
    static let objectMessageRoom = 4096

    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    init(capacity: Int = 8192) {
        self.capacity = max(capacity, 1024)
        storage = .allocate(byteCount: self.capacity, alignment: 8)
    }

    deinit { storage.deallocate() }

    /// Builds one message of at most `room` bytes at the end: `build` gets where to write and
    /// returns the header it wrote. Returns the message's offset in the buffer and its length.
    @discardableResult
    mutating func append(room: Int = objectMessageRoom, _ build: (UnsafeMutablePointer<CChar>) -> UnsafeMutablePointer<nlmsghdr>?) -> (offset: Int, length: Int) {
        reserve(room)
        let start = count
        guard let header = build((storage + start).assumingMemoryBound(to: CChar.self)) else { return (start, 0) }
        let length = Int(header.pointee.nlmsg_len)
        precondition(length <= room, "netlink message of \(length) bytes overran its reserved \(room) bytes")
        count += (length + 3) & ~3
        return (start, length)
    }

    /// The bytes written, for sending.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws(NFTablesError) -> T) throws(NFTablesError) -> T {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// A pointer to the message at `offset`.
    func header(at offset: Int) -> UnsafeMutablePointer<nlmsghdr> {
        (storage + offset).assumingMemoryBound(to: nlmsghdr.self)
    }

    private mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        var newCapacity = capacity * 2
        while count + extra > newCapacity { newCapacity *= 2 }
        let grown = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        grown.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = grown
        capacity = newCapacity
    }
}
