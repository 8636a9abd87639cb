import CMaxMindDB
import Foundation
import SIPWardenPolicy

/// A MaxMind-format country database (GeoLite2-Country, DB-IP's country database), opened
/// with libmaxminddb (memory-mapped; lookups are safe from any thread once it is open).
///
/// A lookup asks the database first (so a database may place any range it holds), then
/// classifies what it does not place as loopback, private or unknown.
public final class GeoIPDatabase: @unchecked Sendable {
    /// The file opened.
    public let path: String
    /// The database's type from its metadata, e.g. "GeoLite2-Country".
    public let databaseType: String
    private let handle: UnsafeMutablePointer<MMDB_s>

    /// Opens the database at `path`.
    ///
    /// - Throws: ``GeoIPError`` naming the file when it is missing, unreadable or not a
    ///   MaxMind-format database.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw GeoIPError(path: path, message: "no such file; download a MaxMind-format country database "
                + "(DB-IP's dbip-country-lite or MaxMind's GeoLite2-Country, .mmdb) and set geoip.database to its path")
        }
        handle = UnsafeMutablePointer<MMDB_s>.allocate(capacity: 1)
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), handle)
        guard status == MMDB_SUCCESS else {
            handle.deallocate()
            let reason = String(cString: MMDB_strerror(status))
            let hint = status == MMDB_IO_ERROR ? "check that the daemon may read it" : "it is not a MaxMind-format (.mmdb) database or it is damaged; download it again"
            throw GeoIPError(path: path, message: "cannot open it (\(reason)): \(hint)")
        }
        databaseType = handle.pointee.metadata.database_type.map { String(cString: $0) } ?? ""
    }

    deinit {
        MMDB_close(handle)
        handle.deallocate()
    }

    /// Where `address` is: its country when the database places it, else loopback, private or unknown.
    public func lookup(_ address: IPAddress) -> GeoPlace {
        country(of: address) ?? AddressClassification.classify(address) ?? .unknown
    }

    /// The country the database gives `address` (its `country`, else its `registered_country`), or nil.
    func country(of address: IPAddress) -> GeoPlace? {
        var error: Int32 = 0
        var result = withSocketAddress(address) { MMDB_lookup_sockaddr(handle, $0, &error) }
        guard error == MMDB_SUCCESS, result.found_entry else { return nil }
        for top in ["country", "registered_country"] {
            guard let code = string(&result.entry, [top, "iso_code"]), !code.isEmpty else { continue }
            return .country(code: code, name: string(&result.entry, [top, "names", "en"]) ?? code)
        }
        return nil
    }

    /// The UTF-8 string at `path` in `entry`, or nil.
    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) -> String? {
        var data = MMDB_entry_data_s()
        let cStrings = path.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { $0.map { UnsafePointer($0) } } + [nil]
        let status = pointers.withUnsafeMutableBufferPointer { buffer in
            MMDB_aget_value(&entry, &data, buffer.baseAddress)
        }
        guard status == MMDB_SUCCESS, data.has_data, data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING),
              let bytes = data.utf8_string else { return nil }
        return bytes.withMemoryRebound(to: UInt8.self, capacity: Int(data.data_size)) {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(data.data_size)), as: UTF8.self)
        }
    }

    /// Calls `body` with `address` as a `sockaddr_in` or `sockaddr_in6`.
    private func withSocketAddress<Result>(_ address: IPAddress, _ body: (UnsafePointer<sockaddr>) -> Result) -> Result {
        let bytes = address.bytes
        if bytes.count == 4 {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            withUnsafeMutableBytes(of: &socketAddress.sin_addr) { $0.copyBytes(from: bytes) }
            return withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
        }
        var socketAddress = sockaddr_in6()
        socketAddress.sin6_family = sa_family_t(AF_INET6)
        withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { $0.copyBytes(from: bytes) }
        return withUnsafePointer(to: &socketAddress) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1, body) }
    }
}
