/// What the admission hook knows about a packet: it is asked before the packet is parsed.
public struct PacketInfo: Sendable {
    /// The packet's source address.
    public var source: IPAddress
    /// The packet's source port.
    public var sourcePort: Int
    /// "UDP" or "TCP".
    public var transport: String
    /// The datagram's (or TCP read's) size in bytes.
    public var size: Int

    /// Creates a packet description.
    public init(source: IPAddress, sourcePort: Int, transport: String, size: Int) {
        self.source = source
        self.sourcePort = sourcePort
        self.transport = transport
        self.size = size
    }
}
