import SIPCore

/// What the daemon does with one parsed message, minus the I/O: the lazy header parsers, the
/// reply context of a refused message and the serializer.
public enum SIPParserExercise {
    /// Parses `bytes` (a datagram, or a framed stream message when `isStream`) and uses the result.
    public static func run(_ bytes: UnsafeRawBufferPointer, isStream: Bool) {
        let message: SIPMessage
        do {
            message = try SIPParser.parse(bytes, isStream: isStream)
        } catch {
            // A refused message is answered from its reply context (400, 505, 416).
            if let context = error.responseContext {
                _ = context.response(statusCode: error.suggestedStatus, reasonPhrase: nil, toTag: "fuzz")
            }
            return
        }
        switch message {
        case .request(let request):
            _ = try? request.contacts()
            _ = try? request.expires()
            _ = try? request.digestCredentials()
            _ = request.requireTags()
            _ = request.proxyRequireTags()
            _ = request.uri.addressOfRecord
            _ = request.to.uri.addressOfRecord
            _ = request.to.uri.comparisonKey
            _ = request.via.first?.rport
            _ = request.via.first?.received
            _ = request.serialize()
            _ = SIPResponse.reply(to: request, statusCode: 200, toTag: "fuzz").serialize()
        case .response(let response):
            _ = response.cseq
            _ = response.serialize()
        }
    }
}
