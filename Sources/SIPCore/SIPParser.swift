/// Parses one SIP message from bytes (RFC 3261 §7; RFC 4475 torture cases).
///
/// Datagram semantics (`isStream == false`): without Content-Length the body is the rest of
/// the datagram; octets past Content-Length are ignored (RFC 3261 §18.3, RFC 4475 dblreq);
/// a Content-Length larger than what arrived is `.truncatedBody`; a datagram whose header
/// block simply ends without the blank line is taken as having no body. Stream semantics
/// (`isStream == true`, bytes from `SIPStreamFramer`): Content-Length is required.
///
/// Liberal where RFC 3261 asks for it: leading CRLFs skipped, header folding undone,
/// whitespace around ":" in header lines, compact forms, case-insensitive names, bare-LF line
/// ends. Strict where a registrar gains nothing from guessing: exactly one SP between the
/// request-line elements and none after (RFC 4475 lwsstart/trws: 400), no `<>`, LWS or
/// headers in the Request-URI, single-valued headers appear once, CSeq method matches.
public enum SIPParser {
    /// Parses the message in `bytes`.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, limits: SIPParserLimits = .default, isStream: Bool = false
    ) throws(SIPParseError) -> SIPMessage {
        try parse(bytes.assumingMemoryBound(to: UInt8.self), limits: limits, isStream: isStream)
    }

    /// Parses the message in `bytes`.
    public static func parse(
        _ bytes: [UInt8], limits: SIPParserLimits = .default, isStream: Bool = false
    ) throws(SIPParseError) -> SIPMessage {
        let result: Result<SIPMessage, SIPParseError> = bytes.withUnsafeBufferPointer { buf in
            Result { () throws(SIPParseError) -> SIPMessage in try parse(buf, limits: limits, isStream: isStream) }
        }
        return try result.get()
    }

    /// Parses the message in `buf`.
    static func parse(
        _ buf: UnsafeBufferPointer<UInt8>, limits: SIPParserLimits, isStream: Bool
    ) throws(SIPParseError) -> SIPMessage {
        let end = buf.count
        guard end <= limits.maxMessageSize else {
            throw SIPParseError(.messageTooLarge, detail: "message of \(end) bytes exceeds \(limits.maxMessageSize)")
        }
        var i = 0
        while i < end, buf[i] == SIPGrammar.cr || buf[i] == SIPGrammar.lf { i += 1 }
        guard i < end else { throw SIPParseError(.malformedStartLine, detail: "message is empty") }

        // Start line.
        let lineStart = i
        i = SIPGrammar.lineEnd(buf, i, end).lf
        guard i < end else { throw SIPParseError(.malformedStartLine, detail: "start line is not terminated") }
        var lineEnd = i
        if lineEnd > lineStart, buf[lineEnd - 1] == SIPGrammar.cr { lineEnd -= 1 }
        let startLine = lineStart..<lineEnd
        i += 1
        let isResponse = startLine.count >= 4
            && SIPGrammar.upper(buf[lineStart]) == UInt8(ascii: "S")
            && SIPGrammar.upper(buf[lineStart + 1]) == UInt8(ascii: "I")
            && SIPGrammar.upper(buf[lineStart + 2]) == UInt8(ascii: "P")
            && buf[lineStart + 3] == UInt8(ascii: "/")

        // Header block.
        var headers = SIPHeaders()
        headers.reserveCapacity(16)
        // The header block (and whatever follows: its end is not known yet) copied once; each
        // value is a range of the copy.
        let offset = headers.copyBlock(buf, i..<end)
        var headerError: SIPParseError?
        // Once the header count is exceeded the rest are only skipped; a flag of its own, as
        // reading `headerError?.kind` copied the optional error on every line.
        var tooManyHeaders = false
        var contentLength: Int?
        var contentLengthCount = 0
        var bodyStart = end
        var terminated = false
        var folds: [Range<Int>] = []
        var pieces: [Range<Int>] = []

        while i < end {
            let ls = i
            var (le, bareCR) = SIPGrammar.lineEnd(buf, ls, end)
            var ce = le
            if ce > ls, buf[ce - 1] == SIPGrammar.cr { ce -= 1 }
            var next = le < end ? le + 1 : end
            if ce == ls {
                terminated = true
                bodyStart = next
                break
            }
            // Continuation lines (folding): any following line that starts with SP/HTAB.
            folds.removeAll(keepingCapacity: true)
            while next < end, SIPGrammar.isWhitespace(buf[next]) {
                let (fe, foldCR) = SIPGrammar.lineEnd(buf, next, end)
                bareCR = bareCR || foldCR
                var fce = fe
                if fce > next, buf[fce - 1] == SIPGrammar.cr { fce -= 1 }
                folds.append(next..<fce)
                next = fe < end ? fe + 1 : end
            }
            i = next
            if tooManyHeaders { continue }
            if bareCR {
                if headerError == nil {
                    headerError = SIPParseError(.malformedHeader, detail: "bare CR inside a header line")
                }
                continue
            }
            if SIPGrammar.isWhitespace(buf[ls]) {
                if headerError == nil {
                    headerError = SIPParseError(.malformedHeader, detail: "first header line starts with whitespace")
                }
                continue
            }
            let nameEnd = SIPGrammar.scanToken(buf, ls, ce)
            let colon = SIPGrammar.skipWhitespace(buf, nameEnd, ce)
            guard nameEnd > ls, colon < ce, buf[colon] == UInt8(ascii: ":") else {
                if headerError == nil {
                    let text = SIPGrammar.string(buf, ls..<min(ce, ls + 40))
                    headerError = SIPParseError(.malformedHeader, detail: "not a header line: \(text)")
                }
                continue
            }
            guard headers.count < limits.maxHeaders else {
                headerError = SIPParseError(.tooManyHeaders, detail: "more than \(limits.maxHeaders) header lines")
                tooManyHeaders = true
                continue
            }
            // The value stays bytes (a range of the header buffer): no String per line.
            let first = SIPGrammar.trim(buf, (colon + 1)..<ce)
            var valueLength = first.count
            if !folds.isEmpty {
                pieces.removeAll(keepingCapacity: true)
                pieces.append(first)
                for fold in folds {
                    let piece = SIPGrammar.trim(buf, fold)
                    if piece.isEmpty { continue }
                    if valueLength > 0 { valueLength += 1 }
                    valueLength += piece.count
                    pieces.append(piece)
                }
            }
            let canonical = HeaderNameTable.canonical(buf, ls..<nameEnd)
            guard valueLength <= limits.maxHeaderLength else {
                if headerError == nil {
                    headerError = SIPParseError(
                        .headerTooLong, header: canonical ?? SIPGrammar.string(buf, ls..<nameEnd),
                        detail: "header of \(valueLength) bytes exceeds \(limits.maxHeaderLength)"
                    )
                }
                continue
            }
            let name = canonical ?? headers.storedName(forUnknown: SIPGrammar.string(buf, ls..<nameEnd))
            if folds.isEmpty {
                headers.appendCopied(name, first, offset: offset)
            } else {
                headers.appendFolded(name, buf, pieces)
            }
            if let canonical, canonical.utf8.count == 14, canonical == "Content-Length" {
                contentLengthCount += 1
                contentLength = folds.isEmpty ? parseContentLength(buf, first, limit: limits.maxMessageSize)
                    : parseContentLength(headers.first("Content-Length") ?? "", limit: limits.maxMessageSize)
            }
        }

        // Which error wins: the start line, then the header block, then framing, then semantics.
        // A request's error carries what is needed to answer it (not captured in a closure:
        // that would box `headers` on every parse).
        func fail(_ error: SIPParseError, _ headers: SIPHeaders) -> SIPParseError {
            withContext(error, headers, isResponse: isResponse)
        }
        let start: StartLine
        do {
            start = try parseStartLine(buf, startLine, isResponse: isResponse)
        } catch {
            throw fail(error, headers)
        }
        if let headerError { throw fail(headerError, headers) }
        if contentLengthCount > 1 {
            throw fail(SIPParseError(.duplicateHeader, header: "Content-Length", detail: "Content-Length appears \(contentLengthCount) times"), headers)
        }
        if contentLengthCount == 1, contentLength == nil {
            let raw = headers.first("Content-Length") ?? ""
            throw fail(SIPParseError(.invalidContentLength, header: "Content-Length", detail: "Content-Length '\(raw.prefix(40))' is not a valid length"), headers)
        }
        if !terminated, isStream {
            throw fail(SIPParseError(.truncatedBody, detail: "header block is not terminated by an empty line"), headers)
        }
        let available = end - bodyStart
        let body: [UInt8]
        if let contentLength {
            guard contentLength <= available else {
                throw fail(SIPParseError(
                    .truncatedBody, header: "Content-Length",
                    detail: "Content-Length \(contentLength) exceeds the \(available) body bytes present"
                ), headers)
            }
            body = Array(UnsafeBufferPointer(rebasing: buf[bodyStart..<(bodyStart + contentLength)]))
        } else if isStream {
            throw fail(SIPParseError(.missingHeader, header: "Content-Length", detail: "Content-Length is required on a stream transport"), headers)
        } else {
            body = available > 0 ? Array(UnsafeBufferPointer(rebasing: buf[bodyStart..<end])) : []
        }

        switch start {
        case .request(let method, let uri):
            let core: SIPRequest.Core
            do {
                core = try SIPRequest.validate(method: method, headers: headers)
            } catch {
                throw fail(error, headers)
            }
            return .request(SIPRequest(method: method, uri: uri, headers: headers, body: body, core: core))
        case .response(let code, let reason):
            _ = try SIPRequest.validate(method: nil, headers: headers)
            return .response(SIPResponse(statusCode: code, reasonPhrase: reason, headers: headers, body: body))
        }
    }

    /// A parsed start line.
    private enum StartLine {
        case request(SIPMethod, SIPURI)
        case response(Int, String)
    }

    private static func parseStartLine(
        _ buf: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, isResponse: Bool
    ) throws(SIPParseError) -> StartLine {
        var sp1 = line.lowerBound
        while sp1 < line.upperBound, buf[sp1] != SIPGrammar.space { sp1 += 1 }
        guard sp1 < line.upperBound else {
            throw SIPParseError(.malformedStartLine, detail: "start line has no SP")
        }
        var sp2 = sp1 + 1
        while sp2 < line.upperBound, buf[sp2] != SIPGrammar.space { sp2 += 1 }
        if isResponse {
            try checkVersion(buf, line.lowerBound..<sp1)
            let codeRange = (sp1 + 1)..<sp2
            guard codeRange.count == 3, let code = SIPGrammar.parseDecimal(buf, codeRange, limit: 699), code >= 100 else {
                let text = SIPGrammar.string(buf, codeRange.lowerBound..<min(codeRange.upperBound, codeRange.lowerBound + 20))
                throw SIPParseError(.malformedStartLine, detail: "status code '\(text)' is not 100-699")
            }
            let reason = sp2 < line.upperBound ? SIPGrammar.string(buf, (sp2 + 1)..<line.upperBound) : ""
            return .response(Int(code), reason)
        }
        let methodRange = line.lowerBound..<sp1
        guard SIPGrammar.isToken(buf, methodRange) else {
            throw SIPParseError(.malformedStartLine, detail: "method is not a token")
        }
        guard sp2 < line.upperBound else {
            throw SIPParseError(.malformedStartLine, detail: "request line needs Method SP Request-URI SP SIP-Version")
        }
        let uriRange = (sp1 + 1)..<sp2
        guard !uriRange.isEmpty else {
            throw SIPParseError(.malformedStartLine, detail: "more than one SP between method and Request-URI")
        }
        let versionRange = (sp2 + 1)..<line.upperBound
        for j in versionRange where SIPGrammar.isWhitespace(buf[j]) {
            throw SIPParseError(.malformedStartLine, detail: "extra whitespace in the request line")
        }
        try checkVersion(buf, versionRange)
        let uri: SIPURI
        do {
            uri = try SIPURI.parse(buf, uriRange)
        } catch {
            throw SIPParseError(.invalidURI, detail: "Request-URI: \(error.detail)")
        }
        guard uri.headers.isEmpty else {
            throw SIPParseError(.invalidURI, detail: "Request-URI must not contain headers (RFC 3261 §19.1.5)")
        }
        let method = SIPMethod(SIPGrammar.string(buf, methodRange))
        return .request(method, uri)
    }

    /// Accepts "SIP/2.0" ("SIP" case-insensitive); another well-formed version is
    /// `.unsupportedVersion` (505), anything else `.malformedStartLine`.
    private static func checkVersion(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(SIPParseError) {
        let lo = range.lowerBound
        guard range.count >= 7,
              SIPGrammar.upper(buf[lo]) == UInt8(ascii: "S"), SIPGrammar.upper(buf[lo + 1]) == UInt8(ascii: "I"),
              SIPGrammar.upper(buf[lo + 2]) == UInt8(ascii: "P"), buf[lo + 3] == UInt8(ascii: "/")
        else { throw SIPParseError(.malformedStartLine, detail: "missing or malformed SIP-Version") }
        var dot = lo + 4
        while dot < range.upperBound, buf[dot] != UInt8(ascii: ".") { dot += 1 }
        guard SIPGrammar.isDigits(buf, (lo + 4)..<dot), dot < range.upperBound,
              SIPGrammar.isDigits(buf, (dot + 1)..<range.upperBound)
        else { throw SIPParseError(.malformedStartLine, detail: "malformed SIP-Version") }
        guard range.count == 7, buf[lo + 4] == UInt8(ascii: "2"), buf[lo + 6] == UInt8(ascii: "0") else {
            throw SIPParseError(.unsupportedVersion, detail: "SIP version \(SIPGrammar.string(buf, range)) is not supported")
        }
    }

    /// A Content-Length value, or nil when it is not 1*DIGIT within `limit`.
    static func parseContentLength(_ value: String, limit: Int) -> Int? {
        var value = value
        return value.withUTF8 { buf -> Int? in parseContentLength(buf, 0..<buf.count, limit: limit) }
    }

    /// The Content-Length value in `buf[range]`, or nil when it is not 1*DIGIT within `limit`.
    static func parseContentLength(_ buf: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int) -> Int? {
        guard SIPGrammar.isDigits(buf, range),
              let n = SIPGrammar.parseDecimal(buf, range, limit: UInt64(max(0, limit)))
        else { return nil }
        return Int(n)
    }

    /// `error` with the reply context of `headers` attached, for requests.
    private static func withContext(_ error: SIPParseError, _ headers: SIPHeaders, isResponse: Bool) -> SIPParseError {
        var error = error
        if !isResponse { error.responseContext = makeContext(headers) }
        return error
    }

    /// The reply-addressing values of a (possibly broken) request, when all are present.
    static func makeContext(_ headers: SIPHeaders) -> ResponseContext? {
        var via: [String] = []
        var from: String?
        var to: String?
        var callID: String?
        var cseq: String?
        for entry in headers.entries {
            switch entry.name {
            case "Via": via.append(headers.value(of: entry))
            case "From": if from == nil { from = headers.value(of: entry) }
            case "To": if to == nil { to = headers.value(of: entry) }
            case "Call-ID": if callID == nil { callID = headers.value(of: entry) }
            case "CSeq": if cseq == nil { cseq = headers.value(of: entry) }
            default: continue
            }
        }
        guard !via.isEmpty, let from, let to, let callID, let cseq else { return nil }
        return ResponseContext(via: via, from: from, to: to, callID: callID, cseq: cseq)
    }
}
