import Foundation

/// What a registration filter and sort read of a row (`RegistrationQuery.select`): a
/// `RegistrationInfo`, or a daemon's own view of a binding, so that the daemon can pick one
/// page out of 100,000 bindings without first building a `RegistrationInfo` for each.
///
/// Every property means what the `RegistrationInfo` property of the same name means;
/// `sourceIP` / `receivedIP` are the bare addresses of `source` / `received` (no port, no
/// brackets). A conforming type may compute a property when asked: `select` reads each
/// property a filter or the sort needs at most once per row.
public protocol RegistrationRowFields {
    var aor: String { get }
    var contact: String { get }
    var sourceIP: String { get }
    var sourcePort: Int { get }
    var receivedIP: String { get }
    var receivedPort: Int { get }
    var transport: String { get }
    var expiresIn: Int { get }
    var nat: Bool { get }
    var userAgent: String? { get }
    var registeredAt: Date { get }
    var updatedAt: Date { get }
    var callID: String { get }
    var cseq: Int { get }
    var q: Double? { get }
    var status: RegistrationStatus { get }
    var account: String? { get }
}

extension RegistrationInfo: RegistrationRowFields {
    /// The address of `source`.
    public var sourceIP: String { IPNetwork.host(of: source) }
    /// The port of `source` (0 when it has none).
    public var sourcePort: Int { Self.port(of: source) }
    /// The address of `received`.
    public var receivedIP: String { IPNetwork.host(of: received) }
    /// The port of `received` (0 when it has none).
    public var receivedPort: Int { Self.port(of: received) }

    /// The digits after the last ":" of "ip:port" / "[v6]:port"; 0 when there are none.
    static func port(of address: String) -> Int {
        guard let colon = address.utf8.lastIndex(of: UInt8(ascii: ":")) else { return 0 }
        return Int(address[address.index(after: colon)...]) ?? 0
    }
}
