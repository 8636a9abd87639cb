import Foundation
import TrunkClient

/// Finds where a trunk's REGISTER goes (RFC 3263 §4): an IP literal as it is; a name with a
/// port through A/AAAA (glibc's `getaddrinfo`). Blocking: runs only on the trunk thread.
enum TrunkResolver {
    /// The targets for `host` and `port` (5060 when nil), in the resolver's order, each once.
    static func resolve(host: String, port: UInt16?, transport: TrunkTransport) -> Result<[TrunkEndpoint], TrunkResolutionError> {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let literal = TrunkEndpoint(ip: bare, port: port ?? 5060)
        if literal.withSocketAddress({ _, _ in true }) == true { return .success([literal]) }
        return addresses(of: bare, port: port ?? 5060, transport: transport)
    }

    /// A and AAAA records of `host` through getaddrinfo.
    static func addresses(of host: String, port: UInt16, transport: TrunkTransport) -> Result<[TrunkEndpoint], TrunkResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = transport == .tcp ? Int32(SOCK_STREAM.rawValue) : Int32(SOCK_DGRAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else { return .failure(TrunkResolutionError(host: host, reason: String(cString: gai_strerror(status)))) }
        defer { freeaddrinfo(list) }
        var found: [TrunkEndpoint] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(current.pointee.ai_addrlen)))
                }
                if let endpoint = withUnsafePointer(to: &storage, { TrunkEndpoint.from($0) }), !found.contains(endpoint) {
                    found.append(endpoint)
                }
            }
            entry = current.pointee.ai_next
        }
        guard !found.isEmpty else { return .failure(TrunkResolutionError(host: host, reason: "no A or AAAA record")) }
        return .success(found)
    }
}
