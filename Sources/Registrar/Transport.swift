/// The transport a SIP message arrived on.
public enum Transport: String, Hashable, Codable, Sendable, CaseIterable {
    /// UDP datagrams.
    case udp = "UDP"
    /// A TCP stream.
    case tcp = "TCP"
}
