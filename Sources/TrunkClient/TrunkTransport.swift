/// The transport a trunk registers over.
public enum TrunkTransport: String, Hashable, Codable, Sendable, CaseIterable {
    /// UDP, with RFC 3261 timer E retransmissions.
    case udp
    /// TCP, one connection to the registrar.
    case tcp

    /// The Via transport token: "UDP" or "TCP".
    public var viaToken: String { rawValue.uppercased() }
}
