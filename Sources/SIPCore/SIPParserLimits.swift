/// Bounds on what the parser accepts, so hostile input costs bounded memory and time.
public struct SIPParserLimits: Sendable, Hashable {
    /// The largest message (datagram, or framed stream message) in bytes.
    public var maxMessageSize: Int = 65536
    /// The most header lines a message may have.
    public var maxHeaders: Int = 256
    /// The longest single header field, after unfolding, in bytes.
    public var maxHeaderLength: Int = 16384

    /// Limits with the default values.
    public init() {}

    /// Limits with explicit values.
    public init(maxMessageSize: Int, maxHeaders: Int = 256, maxHeaderLength: Int = 16384) {
        self.maxMessageSize = maxMessageSize
        self.maxHeaders = maxHeaders
        self.maxHeaderLength = maxHeaderLength
    }

    /// 64 KiB messages, 256 headers, 16 KiB per header.
    public static let `default` = SIPParserLimits()
}
