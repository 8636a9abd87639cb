import SIPCore
import SIPWardenPolicy

/// Builds responses the way RFC 3261 §8.2.6 and RFC 3581 want them addressed and stamped.
public enum ResponseFactory {
    /// A response to `request` with the top Via stamped with `received` (when the sent-by host
    /// is not the source address) and `rport` (when the client asked for it or `forceRport`),
    /// the other Vias, From, To (plus `toTag` when it has none), Call-ID and CSeq as received.
    public static func response(
        to request: SIPRequest, statusCode: Int, reasonPhrase: String? = nil, source: SourceAddress,
        toTag: String?, serverHeader: String?, forceRport: Bool
    ) -> SIPResponse {
        var headers = SIPHeaders()
        headers.reserveCapacity(request.via.count + 8)
        headers.reserveByteCapacity(384)
        if var top = request.via.first {
            // The sent-by host compared as an address (RFC 3261 §18.2.1: "differs from the
            // packet source address"), so `2001:DB8::1` is the source 2001:db8::1. With rport
            // the text goes out anyway: a host spelled as that text needs no parsing.
            if top.hasRport || forceRport {
                let text = source.ip
                let host = top.host.trimmingBrackets()
                if host != text, IPAddress(host) != source.address { top.received = text }  // `received` before `rport`, as it always was
                top.hasRport = true
                top.rport = UInt16(clamping: source.port)
                top.received = text
            } else if IPAddress(top.host.trimmingBrackets()) != source.address {
                top.received = source.ip
            }
            headers.add("Via") { top.appendDescription(to: &$0) }
            // The other Vias exactly as they arrived (split only when there are any).
            if request.via.count > 1 {
                for value in request.headers.values("Via").dropFirst() { headers.add("Via", value) }
            }
        }
        // From, To (plus our tag), Call-ID and CSeq echoed as they arrived (RFC 3261 §8.2.6.2),
        // not re-serialized from their parsed form. A To whose `tag` is a flag is rewritten
        // from its parsed form, which replaces the flag by the tag.
        // Copied as bytes: no String is made for any of them.
        if !headers.add("From", copyingFirst: "From", of: request.headers) { headers.add("From", request.from.description) }
        if let toTag, request.to.tag == nil {
            if request.to.parameters.contains("tag") || !headers.add("To", copyingFirst: "To", of: request.headers, appending: ";tag=" + toTag) {
                var to = request.to
                to.parameters.set("tag", toTag)
                headers.add("To", to.description)
            }
        } else if !headers.add("To", copyingFirst: "To", of: request.headers) {
            headers.add("To", request.to.description)
        }
        headers.add("Call-ID", request.callID)
        if !headers.add("CSeq", copyingFirst: "CSeq", of: request.headers) {
            headers.add("CSeq", "\(request.cseq.number) \(request.cseq.method.rawValue)")
        }
        if let serverHeader { headers.add("Server", serverHeader) }
        return SIPResponse(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: headers)
    }

    /// Where a response to `request` goes: the source itself for streams, for `rport` and when
    /// forced; otherwise the source address at the Via's sent-by port (RFC 3261 §18.2.2).
    public static func destination(for request: SIPRequest, source: SourceAddress, transport: Transport, forceRport: Bool) -> SourceAddress {
        guard transport == .udp, let top = request.via.first, !top.hasRport, !forceRport else { return source }
        return SourceAddress(source.address, port: Int(top.port ?? 5060))
    }
}

extension String {
    /// The string without one pair of enclosing IPv6 reference brackets.
    func trimmingBrackets() -> String {
        guard hasPrefix("["), hasSuffix("]"), count >= 2 else { return self }
        return String(dropFirst().dropLast())
    }
}
