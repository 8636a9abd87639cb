/// An ordered `;name=value` list whose names compare case-insensitively (RFC 3261 §7.3.1).
///
/// What a value holds depends on where the list came from: for URI parameters
/// (`SIPURI.parameters`) values are %-decoded once and re-encoded on output; for header
/// parameters (`NameAddress.parameters`, `Via.parameters`) values are kept verbatim, so a
/// quoted-string keeps its quotes (`+sip.instance` => `"<urn:uuid:...>"`; see `unquoted(_:)`).
public struct SIPParameters: Hashable, Sendable, CustomStringConvertible, Sequence {
    private var storage: [SIPParameter]

    /// An empty list.
    public init() { storage = [] }

    /// A list with these parameters, in this order.
    public init(_ items: [(name: String, value: String?)]) {
        storage = items.map { SIPParameter(name: $0.name, value: $0.value) }
    }

    /// Parses header parameters written as `SIPParameters.description` writes them
    /// (`;name=value;flag`, values verbatim, quoted-strings kept with their quotes): what a
    /// Contact carries after its `<URI>`. An empty text is an empty list.
    public static func parse(header text: String) throws(SIPParseError) -> SIPParameters {
        try SIPGrammar.withBytes(text) { (buf) throws(SIPParseError) -> SIPParameters in
            try SIPGrammar.parseHeaderParameters(buf, 0, buf.count, header: "")
        }
    }

    /// The parameters in order.
    public var items: [(name: String, value: String?)] { storage.map { ($0.name, $0.value) } }

    /// The parameters in order, as values.
    public var elements: [SIPParameter] { storage }

    /// How many parameters there are.
    public var count: Int { storage.count }

    /// Whether there are none.
    public var isEmpty: Bool { storage.isEmpty }

    /// The value of the first parameter called `name`: nil when absent, `.some(nil)` for a flag.
    public subscript(_ name: String) -> String?? {
        guard let index = firstIndex(name) else { return nil }
        return .some(storage[index].value)
    }

    /// Whether a parameter called `name` is present.
    public func contains(_ name: String) -> Bool { firstIndex(name) != nil }

    /// The value of `name` with the quotes of a quoted-string removed and quoted-pairs undone;
    /// nil when absent or a flag.
    public func unquoted(_ name: String) -> String? {
        guard let value = self[name] ?? nil else { return nil }
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes[0] == SIPGrammar.quote, bytes[bytes.count - 1] == SIPGrammar.quote else {
            return value
        }
        return bytes.withUnsafeBufferPointer { SIPGrammar.unquote($0, 0..<$0.count) }
    }

    /// Sets `name` to `value` (nil for a flag): replaces the first parameter of that name in
    /// place and drops any others, or appends when absent.
    public mutating func set(_ name: String, _ value: String?) {
        guard let index = firstIndex(name) else {
            storage.append(SIPParameter(name: name, value: value))
            return
        }
        storage[index].value = value
        var i = storage.count - 1
        while i > index {
            if SIPGrammar.equalsIgnoringCase(storage[i].name, name) { storage.remove(at: i) }
            i -= 1
        }
    }

    /// Removes every parameter called `name`.
    public mutating func remove(_ name: String) {
        storage.removeAll { SIPGrammar.equalsIgnoringCase($0.name, name) }
    }

    /// Makes room for `count` parameters at once (a parser that found a first `;`).
    mutating func reserveCapacity(_ count: Int) { storage.reserveCapacity(count) }

    /// Appends a parameter without looking for an existing one (keeps duplicates as received).
    public mutating func append(_ name: String, _ value: String?) {
        storage.append(SIPParameter(name: name, value: value))
    }

    /// Iterates the parameters in order.
    public func makeIterator() -> IndexingIterator<[SIPParameter]> { storage.makeIterator() }

    /// `;a=b;c` (empty when there are none); values written verbatim.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(estimatedLength)
        append(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The length of `description` in bytes.
    var estimatedLength: Int {
        var n = 0
        for p in storage { n += 2 + p.name.utf8.count + (p.value?.utf8.count ?? 0) }
        return n
    }

    /// Appends the bytes of `description` to `out` (bytes: appending to a `String` piece by
    /// piece costs several times more).
    func append(to out: inout [UInt8]) {
        for p in storage {
            out.append(UInt8(ascii: ";"))
            out.append(contentsOf: p.name.utf8)
            if let value = p.value {
                out.append(UInt8(ascii: "="))
                out.append(contentsOf: value.utf8)
            }
        }
    }

    private func firstIndex(_ name: String) -> Int? {
        storage.firstIndex { SIPGrammar.equalsIgnoringCase($0.name, name) }
    }
}
