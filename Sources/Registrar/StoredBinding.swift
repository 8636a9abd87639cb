import SIPWardenPolicy

/// A binding packed for the location service: every text field in one byte buffer and the
/// rest in fixed-width fields, so 100,000 phones cost one allocation each instead of eight.
/// The source address is kept in the same buffer as its 4 or 16 bytes in network order
/// (the length says the family), not as text: 4 bytes where "192.168.100.200" took 15.
///
/// The Via path of the last REGISTER is not kept here: it is diagnostic history, which the
/// store holds; the registrar never needs it to decide.
///
/// The fields are declared widest first so the struct packs into 56 bytes (Swift lays stored
/// properties out in declaration order): the slab holds one per binding.
struct StoredBinding: Sendable {
    var expiresAtMilliseconds: Int64
    private var registeredAtMilliseconds: Int64
    private var updatedAtMilliseconds: Int64
    /// aor, contact, contact key, contact parameters, Call-ID, User-Agent and the source
    /// address's bytes, back to back; `ends` holds where each text stops (the address is the
    /// rest: 4 or 16 bytes).
    private var text: [UInt8]
    private var ends: Ends
    private var cseq: UInt32
    private var port: UInt16
    private var qThousandths: Int16
    private var flags: UInt8
    /// The User-Agent's index in the location service's shared table, or 0 when the text is
    /// kept in `text` (phones of one model share one copy of their User-Agent).
    private var userAgentIndex: UInt16

    private struct Ends: Sendable {
        var aor: UInt16 = 0, contact: UInt16 = 0, key: UInt16 = 0, parameters: UInt16 = 0
        var callID: UInt16 = 0, userAgent: UInt16 = 0
    }

    private static let tcpFlag: UInt8 = 1
    private static let natFlag: UInt8 = 2
    private static let userAgentFlag: UInt8 = 4
    /// The contact key is the contact with ASCII letters lower-cased (a phone's usual Contact:
    /// only `transport=UDP` and the like change), so it is not stored twice.
    private static let loweredKeyFlag: UInt8 = 8

    /// ASCII lower-casing; other bytes unchanged.
    @inline(__always)
    private static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Whether `key` is `contact` with its ASCII letters lower-cased.
    private static func isLowered(_ key: String, of contact: String) -> Bool {
        guard key.utf8.count == contact.utf8.count else { return false }
        var key = key
        var contact = contact
        return key.withUTF8 { k in
            contact.withUTF8 { c in
                for i in 0..<k.count where k[i] != lower(c[i]) { return false }
                return true
            }
        }
    }

    init(_ binding: Binding, userAgentIndex: UInt16 = 0) {
        let loweredKey = Self.isLowered(binding.contactKey, of: binding.contact)
        var text: [UInt8] = []
        text.reserveCapacity(binding.aor.utf8.count + binding.contact.utf8.count + binding.contactKey.utf8.count
                             + binding.contactParameters.utf8.count - (loweredKey ? binding.contactKey.utf8.count : 0) + binding.callID.utf8.count
                             + (binding.userAgent?.utf8.count ?? 0) + (binding.source.isIPv6 ? 16 : 4))
        var ends = Ends()
        func append(_ field: String) -> UInt16 {
            let room = max(0, Int(UInt16.max) - 16 - text.count)  // the source address always fits after
            // Native strings: one bulk copy of the bytes instead of a generic element loop.
            let copied: Void? = field.utf8.withContiguousStorageIfAvailable { bytes in
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes.prefix(room)))
            }
            if copied == nil { text.append(contentsOf: field.utf8.prefix(room)) }
            return UInt16(text.count)
        }
        ends.aor = append(binding.aor)
        ends.contact = append(binding.contact)
        ends.key = append(loweredKey ? "" : binding.contactKey)
        ends.parameters = append(binding.contactParameters)
        ends.callID = append(binding.callID)
        ends.userAgent = append(userAgentIndex == 0 ? binding.userAgent ?? "" : "")
        Self.append(binding.source.address, to: &text)
        self.text = text
        self.ends = ends
        expiresAtMilliseconds = binding.expiresAt.milliseconds
        registeredAtMilliseconds = binding.registeredAt.milliseconds
        updatedAtMilliseconds = binding.updatedAt.milliseconds
        cseq = binding.cseq
        port = UInt16(clamping: binding.source.port)
        qThousandths = binding.qThousandths.map { Int16(clamping: $0) } ?? -1
        self.userAgentIndex = userAgentIndex
        flags = (binding.transport == .tcp ? Self.tcpFlag : 0) | (binding.nat ? Self.natFlag : 0)
            | (binding.userAgent != nil ? Self.userAgentFlag : 0) | (loweredKey ? Self.loweredKeyFlag : 0)
    }

    /// Whether `other` has the same AOR (compared without building a String).
    func sameAOR(as other: StoredBinding) -> Bool {
        guard ends.aor == other.ends.aor else { return false }
        return text.withUnsafeBufferPointer { mine in
            other.text.withUnsafeBufferPointer { theirs in
                UnsafeBufferPointer(rebasing: mine[0..<Int(ends.aor)]).elementsEqual(UnsafeBufferPointer(rebasing: theirs[0..<Int(ends.aor)]))
            }
        }
    }

    /// Whether this binding belongs to `aor` (compared without building a String).
    func belongs(to aor: String) -> Bool { equals(aor, start: 0, end: ends.aor) }

    /// The address the binding was registered from.
    var sourceAddress: IPAddress {
        text.withUnsafeBufferPointer { stored in
            let start = Int(ends.userAgent)
            func word(_ from: Int, _ count: Int) -> UInt64 {
                var value: UInt64 = 0
                for index in from..<(from + count) { value = value << 8 | UInt64(stored[index]) }
                return value
            }
            if stored.count - start == 16 { return IPAddress(ipv6High: word(start, 8), low: word(start + 8, 8)) }
            return IPAddress(ipv4: UInt32(truncatingIfNeeded: word(start, 4)))  // 4 bytes: the text before leaves room for 16
        }
    }

    /// Whether this binding was registered from `address`.
    func hasSource(_ address: IPAddress) -> Bool { sourceAddress == address }

    /// Appends the address's 4 or 16 bytes in network order.
    private static func append(_ address: IPAddress, to text: inout [UInt8]) {
        if let (high, low) = address.ipv6Value {
            withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { text.append(contentsOf: $0) }
        } else {
            withUnsafeBytes(of: (address.ipv4Value ?? 0).bigEndian) { text.append(contentsOf: $0) }
        }
    }

    private func equals(_ string: String, start: UInt16, end: UInt16) -> Bool {
        var string = string
        return string.withUTF8 { wanted in
            guard wanted.count == Int(end) - Int(start) else { return false }
            return text.withUnsafeBufferPointer { stored in
                UnsafeBufferPointer(rebasing: stored[Int(start)..<Int(end)]).elementsEqual(wanted)
            }
        }
    }

    /// Whether this binding's contact key is `key` (compared without building a String).
    func hasContactKey(_ key: String) -> Bool {
        guard flags & Self.loweredKeyFlag != 0 else { return equals(key, start: ends.contact, end: ends.key) }
        var key = key
        return key.withUTF8 { wanted in
            let start = Int(ends.aor), end = Int(ends.contact)
            guard wanted.count == end - start else { return false }
            return text.withUnsafeBufferPointer { stored in
                for k in 0..<wanted.count where wanted[k] != Self.lower(stored[start + k]) { return false }
                return true
            }
        }
    }

    /// The contact key: stored, or the contact lower-cased.
    private var contactKey: String {
        guard flags & Self.loweredKeyFlag != 0 else { return field(ends.contact, ends.key) }
        guard ends.contact > ends.aor else { return "" }
        return String(decoding: text[Int(ends.aor)..<Int(ends.contact)].lazy.map(Self.lower), as: UTF8.self)
    }

    /// The binding as a value; `userAgents` is the shared User-Agent table.
    func binding(userAgents: [String]) -> Binding {
        Binding(
            aor: field(0, ends.aor), contact: field(ends.aor, ends.contact), contactKey: contactKey,
            contactParameters: field(ends.key, ends.parameters), qThousandths: qThousandths >= 0 ? Int(qThousandths) : nil,
            expiresAt: Timestamp(milliseconds: expiresAtMilliseconds),
            registeredAt: Timestamp(milliseconds: registeredAtMilliseconds),
            updatedAt: Timestamp(milliseconds: updatedAtMilliseconds), callID: field(ends.parameters, ends.callID),
            cseq: cseq, source: SourceAddress(sourceAddress, port: Int(port)),
            transport: flags & Self.tcpFlag != 0 ? .tcp : .udp,
            userAgent: flags & Self.userAgentFlag == 0 ? nil
                : userAgentIndex == 0 ? field(ends.callID, ends.userAgent) : userAgents[Int(userAgentIndex)],
            nat: flags & Self.natFlag != 0
        )
    }

    private func field(_ start: UInt16, _ end: UInt16) -> String {
        guard end > start else { return "" }
        return String(decoding: text[Int(start)..<Int(end)], as: UTF8.self)
    }
}
