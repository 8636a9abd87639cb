import CNFTables
import SIPWardenPolicy

/// One kernel set element: a key (an address or a port, in network byte order), whether it
/// closes an interval, and its timeout.
struct NFTablesSetElement: Sendable {
    /// The key, as a 128-bit number of which the last `length` bytes are used.
    var key: UInt128
    /// Key length in bytes (4, 16 or 2).
    var length: Int
    /// Whether the element ends the interval opened by the previous one (`NFT_SET_ELEM_INTERVAL_END`).
    var intervalEnd = false
    /// Its timeout in milliseconds; 0 for none.
    var timeoutMilliseconds: UInt64 = 0
    /// A comment stored with the element (nft shows it).
    var comment: String?
    /// A name for errors given by the caller (sentinels, probes); otherwise one is made from
    /// the key, only when an error needs it.
    var name: String?

    /// How errors name the element ("192.0.2.7", "port 5060", "10.0.0.1 (interval end)").
    var label: String {
        if let name { return name }
        let text: String
        switch length {
        case 2: text = "port \(key)"
        case 4: text = IPAddress.numeric(key, family: 4).description
        default: text = IPAddress.numeric(key, family: 6).description
        }
        return intervalEnd ? text + " (interval end)" : text
    }

    /// A libnftnl element carrying this one's attributes; an error names the element.
    func makeKernelElement() throws(NFTablesError) -> OpaquePointer {
        let element = try allocated(nftnl_set_elem_alloc(), "set element \(label)")
        var bigEndian = key.bigEndian
        withUnsafeBytes(of: &bigEndian) { bytes in
            // The last `length` bytes of the 16 (a UInt128 always has a base address).
            _ = nftnl_set_elem_set(element, attribute(NFTNL_SET_ELEM_KEY), bytes.baseAddress.map { $0 + (bytes.count - length) }, UInt32(length))
        }
        if intervalEnd { nftnl_set_elem_set_u32(element, attribute(NFTNL_SET_ELEM_FLAGS), UInt32(NFT_SET_ELEM_INTERVAL_END.rawValue)) }
        if timeoutMilliseconds > 0 { nftnl_set_elem_set_u64(element, attribute(NFTNL_SET_ELEM_TIMEOUT), timeoutMilliseconds) }
        if let comment {
            // nft's user-data layout: one TLV, type 0 (comment), the text with its NUL.
            var data: [UInt8] = [0, UInt8(min(comment.utf8.count + 1, 255))]
            data += comment.utf8.prefix(254)
            data.append(0)
            _ = nftnl_set_elem_set(element, attribute(NFTNL_SET_ELEM_USERDATA), data, UInt32(data.count))
        }
        return element
    }

    /// The element for one address.
    static func address(_ value: UInt128, family: Int, timeoutMilliseconds: UInt64 = 0, name: String? = nil) -> NFTablesSetElement {
        NFTablesSetElement(key: value, length: family == 4 ? 4 : 16, timeoutMilliseconds: timeoutMilliseconds, name: name)
    }

    /// The one or two elements of an address interval [first, last]: the start, and the first
    /// address after the range flagged as interval end (none when the range runs to the top).
    /// Only the start carries the timeout: the kernel refuses one on an interval end (EINVAL),
    /// and collects the end together with its expired start.
    static func interval(
        first: UInt128, last: UInt128, family: Int, timeoutMilliseconds: UInt64 = 0, comment: String? = nil, name: String? = nil
    ) -> [NFTablesSetElement] {
        let length = family == 4 ? 4 : 16
        let top: UInt128 = family == 4 ? UInt128(UInt32.max) : UInt128.max
        var elements = [NFTablesSetElement(key: first, length: length, timeoutMilliseconds: timeoutMilliseconds, comment: comment, name: name)]
        if last < top {
            elements.append(NFTablesSetElement(
                key: last + 1, length: length, intervalEnd: true, name: name.map { $0 + " (end)" }
            ))
        }
        return elements
    }
}
