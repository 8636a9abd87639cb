import SIPWardenPolicy

/// The addresses no database places, recognised without one: loopback, and the private,
/// shared and link-local ranges.
public enum AddressClassification {
    /// Private ranges: RFC 1918, RFC 6598 (carrier-grade NAT), IPv4 link-local, IPv6 unique
    /// local (fc00::/7) and link-local (fe80::/10).
    public static let privateRanges: [IPRange] = [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10",
    ].compactMap { IPRange($0) }
    /// Loopback ranges.
    public static let loopbackRanges: [IPRange] = ["127.0.0.0/8", "::1/128"].compactMap { IPRange($0) }

    /// `loopback`, `private`, or nil for an address a database may place.
    public static func classify(_ address: IPAddress) -> GeoPlace? {
        if loopbackRanges.contains(where: { $0.contains(address) }) { return .loopback }
        if privateRanges.contains(where: { $0.contains(address) }) { return .privateNetwork }
        return nil
    }
}
