import CResolv
import Foundation
import TrunkClient

/// Finds where a trunk's REGISTER goes (RFC 3263 §4): an IP literal as it is; a name with a
/// port through A/AAAA; a name without a port through SRV (`_sip._udp.NAME`, `_sip._tcp.NAME`),
/// its targets by priority and weight (RFC 2782), then A/AAAA at 5060 when there is no SRV.
/// Uses glibc's resolver (getaddrinfo; res_nquery for SRV). Blocking: runs only on the trunk
/// thread. `nameserver` replaces resolv.conf's (for tests against dnsmasq).
enum TrunkResolver {
    /// The targets in the order to try them, each once.
    static func resolve(
        host: String, port: UInt16?, transport: TrunkTransport, nameserver: TrunkEndpoint? = nil
    ) -> Result<[TrunkEndpoint], TrunkResolutionError> {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let literal = TrunkEndpoint(ip: bare, port: port ?? 5060) { return .success([literal]) }
        if let port { return addresses(of: bare, port: port, transport: transport, nameserver: nameserver) }
        let service = "_sip._" + transport.rawValue + "." + bare
        let records: [sipwarden_dns_record]
        switch query(service, type: Int32(SIPWARDEN_DNS_SRV), nameserver: nameserver) {
        case .failure(let error): return .failure(error)
        case .success(let found): records = found
        }
        guard !records.isEmpty else { return addresses(of: bare, port: 5060, transport: transport, nameserver: nameserver) }
        var found: [TrunkEndpoint] = []
        var problems: [String] = []
        var random = SystemRandomNumberGenerator()
        for record in ordered(records, random: &random) {
            let target = text(record)
            guard target != "." else { continue }  // "service not available here" (RFC 2782)
            switch addresses(of: target, port: record.port, transport: transport, nameserver: nameserver) {
            case .success(let endpoints): found += endpoints.filter { !found.contains($0) }
            case .failure(let error): problems.append(error.description)
            }
        }
        guard !found.isEmpty else {
            return .failure(TrunkResolutionError(host: service, reason: "no SRV target resolved (\(problems.joined(separator: "; ")))"))
        }
        return .success(found)
    }

    /// SRV records by priority (lowest first) and, within one, weighted at random (RFC 2782).
    static func ordered(_ records: [sipwarden_dns_record], random: inout some RandomNumberGenerator) -> [sipwarden_dns_record] {
        var result: [sipwarden_dns_record] = []
        for priority in Set(records.map(\.priority)).sorted() {
            var group = records.filter { $0.priority == priority }
            while !group.isEmpty {
                let total = group.reduce(0) { $0 + Int($1.weight) }
                var pick = total > 0 ? Int.random(in: 0...total, using: &random) : 0
                var index = 0
                if total > 0 {
                    // Zero weights first with a small chance, as RFC 2782 orders them.
                    let zeroFirst = group.sorted { $0.weight < $1.weight }
                    group = zeroFirst
                    for (position, record) in group.enumerated() {
                        pick -= Int(record.weight)
                        if pick <= 0 { index = position; break }
                    }
                }
                result.append(group.remove(at: index))
            }
        }
        return result
    }

    /// A and AAAA records of `host`: getaddrinfo, or the given nameserver.
    static func addresses(
        of host: String, port: UInt16, transport: TrunkTransport, nameserver: TrunkEndpoint?
    ) -> Result<[TrunkEndpoint], TrunkResolutionError> {
        if let literal = TrunkEndpoint(ip: host, port: port) { return .success([literal]) }
        guard nameserver != nil else { return systemAddresses(of: host, port: port, transport: transport) }
        // A name may have only A or only AAAA records; a server that fails the other query
        // (SERVFAIL instead of NODATA) does not hide the ones it has.
        var found: [TrunkEndpoint] = []
        var problems: [String] = []
        for type in [Int32(SIPWARDEN_DNS_A), Int32(SIPWARDEN_DNS_AAAA)] {
            switch query(host, type: type, nameserver: nameserver) {
            case .failure(let error): problems.append(error.reason)
            case .success(let records): found += records.compactMap { TrunkEndpoint(ip: text($0), port: port) }
            }
        }
        guard !found.isEmpty else {
            return .failure(TrunkResolutionError(host: host, reason: problems.isEmpty ? "no A or AAAA record" : problems.joined(separator: "; ")))
        }
        return .success(found)
    }

    /// A and AAAA records of `host` through getaddrinfo.
    static func systemAddresses(of host: String, port: UInt16, transport: TrunkTransport) -> Result<[TrunkEndpoint], TrunkResolutionError> {
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

    /// One res_nquery through the C shim.
    private static func query(_ name: String, type: Int32, nameserver: TrunkEndpoint?) -> Result<[sipwarden_dns_record], TrunkResolutionError> {
        var records = [sipwarden_dns_record](repeating: sipwarden_dns_record(), count: 16)
        var error = [CChar](repeating: 0, count: 256)
        let count = records.withUnsafeMutableBufferPointer { buffer in
            sipwarden_dns_query(name, type, nameserver?.ip, nameserver?.port ?? 53, buffer.baseAddress, Int32(buffer.count), &error, Int32(error.count))
        }
        guard count >= 0 else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return .failure(TrunkResolutionError(host: name, reason: message))
        }
        return .success(Array(records.prefix(Int(count))))
    }

    /// The target text of a record.
    private static func text(_ record: sipwarden_dns_record) -> String {
        withUnsafeBytes(of: record.target) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
