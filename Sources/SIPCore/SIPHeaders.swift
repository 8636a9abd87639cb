/// The header lines of a SIP message in wire order.
///
/// Names are canonicalized on the way in (compact forms expanded, known names spelled
/// conventionally), and every lookup is case-insensitive and accepts compact forms, so
/// `first("i")`, `first("CALL-ID")` and `first("Call-ID")` agree.
public struct SIPHeaders: Hashable, Sendable, Sequence {
    /// The fields in order.
    public private(set) var fields: [SIPHeaderField]

    /// No headers.
    public init() { fields = [] }

    /// Headers from `(name, value)` pairs, in order.
    public init(_ pairs: [(String, String)]) {
        fields = []
        fields.reserveCapacity(pairs.count)
        for (name, value) in pairs { add(name, value) }
    }

    /// How many header lines there are.
    public var count: Int { fields.count }

    /// Whether there are none.
    public var isEmpty: Bool { fields.isEmpty }

    /// Iterates `(name, value)` in wire order.
    public struct Iterator: IteratorProtocol, Sendable {
        private var base: IndexingIterator<[SIPHeaderField]>

        init(_ fields: [SIPHeaderField]) { base = fields.makeIterator() }

        /// The next `(name, value)`.
        public mutating func next() -> (name: String, value: String)? {
            guard let field = base.next() else { return nil }
            return (field.name, field.value)
        }
    }

    /// Iterates `(name, value)` in wire order.
    public func makeIterator() -> Iterator { Iterator(fields) }

    /// The name to store for `name`: canonical when known, else the spelling already present.
    private func storedName(_ name: String) -> String {
        if let canonical = HeaderNameTable.canonical(name) { return canonical }
        for field in fields where SIPGrammar.equalsIgnoringCase(field.name, name) { return field.name }
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
    private static func matches(_ field: SIPHeaderField, _ key: Key) -> Bool {
        // Known names are stored in their canonical ASCII spelling: equal lengths first, which
        // settles most mismatches without a String comparison.
        if key.isKnown { return field.name.utf8.count == key.name.utf8.count && field.name == key.name }
        return SIPGrammar.equalsIgnoringCase(field.name, key.name)
    }

    /// Appends a header line.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(SIPHeaderField(name: storedName(name), value: value))
    }

    /// Appends a field whose name is already canonical (the parser's fast path).
    mutating func appendCanonical(_ name: String, _ value: String) {
        fields.append(SIPHeaderField(name: name, value: value))
    }

    /// Reserves room for `n` fields.
    mutating func reserveCapacity(_ n: Int) { fields.reserveCapacity(n) }

    /// Replaces the first `name` line's value in place and removes the others; appends when absent.
    public mutating func set(_ name: String, _ value: String) {
        let canonical = Self.lookupName(name)
        guard let index = fields.firstIndex(where: { Self.matches($0, canonical) }) else {
            add(name, value)
            return
        }
        fields[index].value = value
        var i = fields.count - 1
        while i > index {
            if Self.matches(fields[i], canonical) { fields.remove(at: i) }
            i -= 1
        }
    }

    /// Removes every `name` line.
    public mutating func remove(_ name: String) {
        let canonical = Self.lookupName(name)
        fields.removeAll { Self.matches($0, canonical) }
    }

    /// Whether a `name` line exists.
    public func contains(_ name: String) -> Bool { first(name) != nil }

    /// The value of the first `name` line.
    public func first(_ name: String) -> String? {
        let canonical = Self.lookupName(name)
        for field in fields where Self.matches(field, canonical) { return field.value }
        return nil
    }

    /// Every `name` line's value, in order, without splitting.
    public func lines(_ name: String) -> [String] {
        let canonical = Self.lookupName(name)
        return fields.compactMap { Self.matches($0, canonical) ? $0.value : nil }
    }

    /// Every value of `name`: for list-valued headers (Via, Contact, Route, Allow, Supported,
    /// Require, ...) each line is split at top-level commas (quotes and <> respected) and the
    /// elements trimmed, empty ones dropped; other headers (Authorization, WWW-Authenticate,
    /// Date, User-Agent, ...) give one value per line.
    public func values(_ name: String) -> [String] {
        let canonical = Self.lookupName(name)
        let lines = fields.compactMap { Self.matches($0, canonical) ? $0.value : nil }
        guard canonical.isKnown, HeaderNameTable.listValued.contains(canonical.name) else { return lines }
        var out: [String] = []
        for line in lines {
            var line = line
            line.withUTF8 { buf in
                for part in SIPGrammar.splitList(buf, 0..<buf.count) where !part.isEmpty {
                    out.append(SIPGrammar.string(buf, part))
                }
            }
        }
        return out
    }

    /// The list elements of `name` with empty ones kept, so validators can reject "a,,b".
    func listElements(_ name: String) -> [String] {
        let key = Self.lookupName(name)
        var out: [String] = []
        for field in fields where Self.matches(field, key) {
            var line = field.value
            line.withUTF8 { buf in
                for part in SIPGrammar.splitList(buf, 0..<buf.count) {
                    out.append(SIPGrammar.string(buf, part))
                }
            }
        }
        return out
    }
}
