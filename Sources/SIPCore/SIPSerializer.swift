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

    /// Appends the headers with Content-Length set to the body size (in place of the first
    /// Content-Length line, later ones dropped; appended last when there was none), then the
    /// blank line and the body.
    static func appendHeadersAndBody(_ headers: SIPHeaders, body: [UInt8], to out: inout [UInt8]) {
        let length = String(body.count)
        var wroteLength = false
        for field in headers.fields {
            if field.name.utf8.count == 14, field.name == "Content-Length" {
                if !wroteLength { appendHeader("Content-Length", length, to: &out) }
                wroteLength = true
            } else {
                appendHeader(field.name, field.value, to: &out)
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
        for field in headers.fields { size += field.name.utf8.count + field.value.utf8.count + 4 }
        return size
    }
}
