/// Writing messages: header lines with values that can never break the framing.
enum SIPSerializer {
    static let crlf: [UInt8] = [13, 10]

    /// Appends `text`, writing every control character (CR, LF, NUL, ...) except HTAB as a space.
    /// Values reach us from peers and from operators; none of them may inject a header line.
    @inline(__always)
    static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        // Native strings: one scan, then one bulk copy when nothing needs replacing (the
        // common case), instead of appending byte by byte.
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            for b in buf where b < 0x20 && b != 0x09 || b == 0x7F { return false }
            out.append(contentsOf: buf)
            return true
        }
        if copied == true { return }
        for b in text.utf8 {
            if b < 0x20 && b != 0x09 || b == 0x7F {
                out.append(0x20)
            } else {
                out.append(b)
            }
        }
    }

    /// Appends `Name: value\r\n`, sanitized.
    static func appendHeader(_ name: String, _ value: String, to out: inout [UInt8]) {
        appendSanitized(name, to: &out)
        out.append(UInt8(ascii: ":"))
        out.append(UInt8(ascii: " "))
        appendSanitized(value, to: &out)
        out.append(contentsOf: crlf)
    }

    /// Appends `buf[range]`, sanitized as `appendSanitized(_:to:)` does. Bytes that are not
    /// plain ASCII go the `String` way, so invalid UTF-8 is repaired exactly as before values
    /// were kept as bytes.
    @inline(__always)
    static func appendSanitized(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to out: inout [UInt8]) {
        if isPrintableASCII(buf, range) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[range]))
        } else {
            appendSanitized(SIPGrammar.string(buf, range), to: &out)
        }
    }

    /// Whether every byte of `buf[range]` is in 0x20...0x7E, eight bytes at a time.
    static func isPrintableASCII(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        let end = range.upperBound
        if let base = buf.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= end {
                let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                // A byte >= 0x80; then (all below 0x80, so no carry leaves a byte) one == 0x7F;
                // then one below 0x20 (exact for "any": a borrow only follows a real hit).
                if word & highs != 0 || (word &+ ones) & highs != 0 || (word &- ones &* 0x20) & ~word & highs != 0 {
                    return false
                }
                i += 8
            }
        }
        while i < end {
            let b = buf[i]
            if b < 0x20 || b >= 0x7F { return false }
            i += 1
        }
        return true
    }

    /// Appends the headers with Content-Length set to the body size (in place of the first
    /// Content-Length line, later ones dropped; appended last when there was none), then the
    /// blank line and the body.
    static func appendHeadersAndBody(_ headers: SIPHeaders, body: [UInt8], to out: inout [UInt8]) {
        let length = String(body.count)
        var wroteLength = false
        headers.bytes.withUnsafeBufferPointer { buf in
            for entry in headers.entries {
                if entry.name.utf8.count == 14, entry.name == "Content-Length" {
                    if !wroteLength { appendHeader("Content-Length", length, to: &out) }
                    wroteLength = true
                } else {
                    appendSanitized(entry.name, to: &out)
                    out.append(UInt8(ascii: ":"))
                    out.append(UInt8(ascii: " "))
                    appendSanitized(buf, entry.range, to: &out)
                    out.append(contentsOf: crlf)
                }
            }
        }
        if !wroteLength { appendHeader("Content-Length", length, to: &out) }
        out.append(contentsOf: crlf)
        out.append(contentsOf: body)
    }

    /// Whether a raw To/From value already carries a tag (unparsable values count as untagged).
    static func hasTagParameter(_ value: String) -> Bool {
        guard let address = try? NameAddress.parse(value) else { return false }
        return address.tag != nil
    }

    /// A rough size for the serialized form, to reserve once.
    static func estimatedSize(_ headers: SIPHeaders, body: [UInt8]) -> Int {
        var size = 64 + body.count
        for entry in headers.entries { size += entry.name.utf8.count + (entry.end - entry.start) + 4 }
        return size
    }
}
