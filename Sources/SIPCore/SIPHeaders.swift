/// The header lines of a SIP message in wire order.
///
/// Names are canonicalized on the way in (compact forms expanded, known names spelled
/// conventionally), and every lookup is case-insensitive and accepts compact forms, so
/// `first("i")`, `first("CALL-ID")` and `first("Call-ID")` agree.
///
/// Values are kept as bytes, back to back in one buffer (for a parsed message: the bytes as
/// they arrived, folding undone), and become `String`s only when asked for: the parser makes
/// no `String` per header line, and a response echoing a request's From, To or CSeq copies
/// their bytes (`add(_:copyingFirst:of:appending:)`).
public struct SIPHeaders: Hashable, Sendable, Sequence {
    /// One header line: its stored name and where its value lies in `bytes`.
    struct Entry: Sendable {
        var name: String
        var start: Int
        var end: Int

        @inline(__always) var range: Range<Int> { start..<end }
    }

    /// The lines in order.
    private(set) var entries: [Entry]
    /// Every value's bytes, back to back (replaced or removed values leave their bytes behind).
    private(set) var bytes: [UInt8]

    /// No headers.
    public init() {
        entries = []
        bytes = []
    }

    /// Headers from `(name, value)` pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.init()
        entries.reserveCapacity(pairs.count)
        for (name, value) in pairs { add(name, value) }
    }

    /// The fields in order (each value made a `String` on the way out).
    public var fields: [SIPHeaderField] {
        entries.map { SIPHeaderField(name: $0.name, value: value(of: $0)) }
    }

    /// How many header lines there are.
    public var count: Int { entries.count }

    /// Whether there are none.
    public var isEmpty: Bool { entries.isEmpty }

    /// Iterates `(name, value)` in wire order.
    public struct Iterator: IteratorProtocol, Sendable {
        private let headers: SIPHeaders
        private var index = 0

        init(_ headers: SIPHeaders) { self.headers = headers }

        /// The next `(name, value)`.
        public mutating func next() -> (name: String, value: String)? {
            guard index < headers.entries.count else { return nil }
            let entry = headers.entries[index]
            index += 1
            return (entry.name, headers.value(of: entry))
        }
    }

    /// Iterates `(name, value)` in wire order.
    public func makeIterator() -> Iterator { Iterator(self) }

    // MARK: - Equality

    /// Equal when the lines have the same names and the same value bytes, in the same order.
    public static func == (lhs: SIPHeaders, rhs: SIPHeaders) -> Bool {
        guard lhs.entries.count == rhs.entries.count else { return false }
        return lhs.bytes.withUnsafeBufferPointer { a in
            rhs.bytes.withUnsafeBufferPointer { b in
                for (x, y) in zip(lhs.entries, rhs.entries) {
                    guard x.name == y.name, x.end - x.start == y.end - y.start,
                          UnsafeBufferPointer(rebasing: a[x.range]).elementsEqual(UnsafeBufferPointer(rebasing: b[y.range]))
                    else { return false }
                }
                return true
            }
        }
    }

    /// Hashes names and value bytes in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        bytes.withUnsafeBufferPointer { buf in
            for entry in entries {
                hasher.combine(entry.name)
                hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buf[entry.range])))
                hasher.combine(0xFF as UInt8)  // no two splits of the same bytes hash alike by construction
            }
        }
    }

    // MARK: - Bytes

    /// The value of `entry` as a string (invalid UTF-8 repaired).
    @inline(__always)
    func value(of entry: Entry) -> String {
        guard entry.end > entry.start else { return "" }
        return bytes.withUnsafeBufferPointer { SIPGrammar.string($0, entry.range) }
    }

    /// Calls `body` with the value buffer; entries' ranges index into it.
    @inline(__always)
    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws(SIPParseError) -> R) throws(SIPParseError) -> R {
        let result: Result<R, SIPParseError> = bytes.withUnsafeBufferPointer { buf in
            Result { () throws(SIPParseError) -> R in try body(buf) }
        }
        return try result.get()
    }

    /// The index of the first `name` line (a lookup key), or nil.
    @inline(__always)
    func firstIndex(_ key: Key) -> Int? {
        entries.firstIndex { Self.matches($0, key) }
    }

    // MARK: - Names

    /// The name to store for `name`: canonical when known, else the spelling already present.
    private func storedName(_ name: String) -> String {
        if let canonical = HeaderNameTable.canonical(name) { return canonical }
        for entry in entries where SIPGrammar.equalsIgnoringCase(entry.name, name) { return entry.name }
        return name
    }

    /// The name to store for `name`, which is no known header: the spelling already present
    /// when another line has it in another case, else `name`.
    func storedName(forUnknown name: String) -> String {
        for entry in entries where SIPGrammar.equalsIgnoringCase(entry.name, name) { return entry.name }
        return name
    }

    /// What a lookup compares against: the canonical spelling for known names (stored fields
    /// of known headers always have it, so plain equality decides), else the name itself,
    /// compared case-insensitively.
    struct Key {
        let name: String
        let isKnown: Bool
    }

    /// The lookup key for `name` (compact forms expanded).
    static func lookupName(_ name: String) -> Key {
        if let canonical = HeaderNameTable.canonical(name) { return Key(name: canonical, isKnown: true) }
        return Key(name: name, isKnown: false)
    }

    @inline(__always)
    private static func matches(_ entry: Entry, _ key: Key) -> Bool {
        // Known names are stored in their canonical ASCII spelling: equal lengths first, which
        // settles most mismatches without a String comparison.
        if key.isKnown { return entry.name.utf8.count == key.name.utf8.count && entry.name == key.name }
        return SIPGrammar.equalsIgnoringCase(entry.name, key.name)
    }

    // MARK: - Adding

    /// Appends `value`'s bytes to the buffer; returns where they lie.
    private mutating func store(_ value: String) -> (start: Int, end: Int) {
        let start = bytes.count
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if copied == nil { bytes.append(contentsOf: value.utf8) }
        return (start, bytes.count)
    }

    /// Appends a header line.
    public mutating func add(_ name: String, _ value: String) {
        let (start, end) = store(value)
        entries.append(Entry(name: storedName(name), start: start, end: end))
    }

    /// Appends a header line whose value `write` appends, as bytes, to the end of the
    /// header buffer it is handed (and must only append to): a value built from several
    /// pieces (a challenge, a Contact with its expiry) is written once, with no String made
    /// for it or for its pieces.
    public mutating func add(_ name: String, writing write: (inout [UInt8]) -> Void) {
        let start = bytes.count
        write(&bytes)
        precondition(bytes.count >= start, "a header writer may only append")
        entries.append(Entry(name: storedName(name), start: start, end: bytes.count))
    }

    /// Appends `value` in decimal ASCII to `out` (a header writer's number: no String made).
    public static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        var magnitude = value.magnitude
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends a field whose name is already canonical (the parser's fast path).
    mutating func appendCanonical(_ name: String, _ value: String) {
        let (start, end) = store(value)
        entries.append(Entry(name: name, start: start, end: end))
    }

    /// Copies `buf[block]` (a message's header block) into the buffer in one go and returns
    /// the offset that maps an index of `buf` to the copy, for `appendCopied(_:_:offset:)`.
    mutating func copyBlock(_ buf: UnsafeBufferPointer<UInt8>, _ block: Range<Int>) -> Int {
        let offset = bytes.count - block.lowerBound
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[block]))
        return offset
    }

    /// Appends a line named `name` whose value is `buf[range]`, inside the block copied by
    /// `copyBlock` with `offset`.
    @inline(__always)
    mutating func appendCopied(_ name: String, _ range: Range<Int>, offset: Int) {
        entries.append(Entry(name: name, start: range.lowerBound + offset, end: range.upperBound + offset))
    }

    /// Appends a line named `name` (already canonical) whose value is `buf[range]`.
    @inline(__always)
    mutating func appendCanonical(_ name: String, _ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        let start = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[range]))
        entries.append(Entry(name: name, start: start, end: bytes.count))
    }

    /// Appends a line named `name` whose value is the trimmed pieces of `buf` joined by one
    /// space (a folded header line, its continuation lines given by `pieces`).
    mutating func appendFolded(_ name: String, _ buf: UnsafeBufferPointer<UInt8>, _ pieces: [Range<Int>]) {
        let start = bytes.count
        for piece in pieces where !piece.isEmpty {
            if bytes.count > start { bytes.append(SIPGrammar.space) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[piece]))
        }
        entries.append(Entry(name: name, start: start, end: bytes.count))
    }

    /// Appends a `name` line holding the first `sourceName` value of `source` exactly as its
    /// bytes are, with `suffix` after it (`;tag=...` on an echoed To). Returns false, adding
    /// nothing, when `source` has no such line.
    @discardableResult
    public mutating func add(_ name: String, copyingFirst sourceName: String, of source: SIPHeaders, appending suffix: String = "") -> Bool {
        let key = Self.lookupName(sourceName)
        guard let index = source.firstIndex(key) else { return false }
        let entry = source.entries[index]
        let start = bytes.count
        source.bytes.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[entry.range])) }
        if !suffix.isEmpty { _ = store(suffix) }
        entries.append(Entry(name: key.isKnown && name == sourceName ? key.name : storedName(name), start: start, end: bytes.count))
        return true
    }

    /// Reserves room for `n` fields.
    public mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    /// Reserves room for `n` value bytes.
    public mutating func reserveByteCapacity(_ n: Int) { bytes.reserveCapacity(n) }

    // MARK: - Changing

    /// Replaces the first `name` line's value in place and removes the others; appends when absent.
    public mutating func set(_ name: String, _ value: String) {
        let canonical = Self.lookupName(name)
        guard let index = entries.firstIndex(where: { Self.matches($0, canonical) }) else {
            add(name, value)
            return
        }
        let (start, end) = store(value)
        entries[index].start = start
        entries[index].end = end
        var i = entries.count - 1
        while i > index {
            if Self.matches(entries[i], canonical) { entries.remove(at: i) }
            i -= 1
        }
    }

    /// Removes every `name` line.
    public mutating func remove(_ name: String) {
        let canonical = Self.lookupName(name)
        entries.removeAll { Self.matches($0, canonical) }
    }

    // MARK: - Reading

    /// Whether a `name` line exists.
    public func contains(_ name: String) -> Bool { firstIndex(Self.lookupName(name)) != nil }

    /// The value of the first `name` line.
    public func first(_ name: String) -> String? {
        guard let index = firstIndex(Self.lookupName(name)) else { return nil }
        return value(of: entries[index])
    }

    /// Every `name` line's value, in order, without splitting.
    public func lines(_ name: String) -> [String] {
        let canonical = Self.lookupName(name)
        return entries.compactMap { Self.matches($0, canonical) ? value(of: $0) : nil }
    }

    /// Every value of `name`: for list-valued headers (Via, Contact, Route, Allow, Supported,
    /// Require, ...) each line is split at top-level commas (quotes and <> respected) and the
    /// elements trimmed, empty ones dropped; other headers (Authorization, WWW-Authenticate,
    /// Date, User-Agent, ...) give one value per line.
    public func values(_ name: String) -> [String] {
        let canonical = Self.lookupName(name)
        guard entries.contains(where: { Self.matches($0, canonical) }) else { return [] }
        guard canonical.isKnown, HeaderNameTable.listValued.contains(canonical.name) else { return lines(name) }
        var out: [String] = []
        bytes.withUnsafeBufferPointer { buf in
            for entry in entries where Self.matches(entry, canonical) {
                for part in SIPGrammar.splitList(buf, entry.range) where !part.isEmpty {
                    out.append(SIPGrammar.string(buf, part))
                }
            }
        }
        return out
    }

    /// `values(name).joined(separator: separator)`, without splitting and joining again when
    /// there is one line holding one element (a REGISTER's single Via).
    public func joinedValues(_ name: String, separator: String) -> String {
        let canonical = Self.lookupName(name)
        var found: Entry?
        for entry in entries where Self.matches(entry, canonical) {
            guard found == nil else { return values(name).joined(separator: separator) }
            found = entry
        }
        guard let entry = found else { return "" }
        let whole = bytes.withUnsafeBufferPointer { buf -> Bool in
            guard canonical.isKnown, HeaderNameTable.listValued.contains(canonical.name) else { return true }
            let parts = SIPGrammar.splitList(buf, entry.range)
            return parts.count == 1 && parts[0] == entry.range
        }
        return whole ? value(of: entry) : values(name).joined(separator: separator)
    }

    /// The list elements of `name` with empty ones kept, so validators can reject "a,,b".
    func listElements(_ name: String) -> [String] {
        let key = Self.lookupName(name)
        var out: [String] = []
        bytes.withUnsafeBufferPointer { buf in
            for entry in entries where Self.matches(entry, key) {
                for part in SIPGrammar.splitList(buf, entry.range) {
                    out.append(SIPGrammar.string(buf, part))
                }
            }
        }
        return out
    }
}
