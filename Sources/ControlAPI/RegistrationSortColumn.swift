import Foundation

/// A column `registrations list --sort` orders by: every JSON key of `RegistrationInfo`, and
/// `number` (the AOR's user part: numeric ones in numeric order, before the rest in text order).
public enum RegistrationSortColumn: String, CaseIterable, Hashable, Sendable {
    /// The AOR's user part.
    case number
    /// `aor`
    case aor
    /// `contact`
    case contact
    /// `source` (by address, then port)
    case source
    /// `received` (by address, then port)
    case received
    /// `transport`
    case transport
    /// `expires_in`
    case expiresIn = "expires_in"
    /// `nat`
    case nat
    /// `user_agent`
    case userAgent = "user_agent"
    /// `registered_at`
    case registeredAt = "registered_at"
    /// `updated_at`
    case updatedAt = "updated_at"
    /// `call_id`
    case callID = "call_id"
    /// `cseq`
    case cseq
    /// `q`
    case q
    /// `status`
    case status
    /// `account`
    case account

    /// A column by its JSON key, its table header (`EXPIRES`, `USER-AGENT`) or a short alias
    /// (`ua`, `expires`, `ip`), case-insensitive.
    public init?(named name: String) {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "_")
        switch key {
        case "ua", "agent": self = .userAgent
        case "expires", "expiry": self = .expiresIn
        case "ip", "address": self = .source
        case "user", "username", "extension": self = .number
        case "registered": self = .registeredAt
        case "updated", "refreshed", "last_refresh": self = .updatedAt
        default:
            guard let column = RegistrationSortColumn(rawValue: key) else { return nil }
            self = column
        }
    }

    /// How `a` compares with `b` on this column (absent values first).
    public func compare(_ a: some RegistrationRowFields, _ b: some RegistrationRowFields) -> ComparisonResult {
        let x = key(of: a), y = key(of: b)
        return x < y ? .orderedAscending : y < x ? .orderedDescending : .orderedSame
    }

    /// What `row` sorts by on this column, computed once per row (`RegistrationQuery.select`
    /// compares keys, never re-reading or re-parsing a row).
    public func key(of row: some RegistrationRowFields) -> RegistrationSortKey {
        func optional<T>(_ value: T?, _ make: (T) -> RegistrationSortKey) -> RegistrationSortKey { value.map(make) ?? .absent }
        switch self {
        case .number:
            // Numeric user parts in numeric order, before the others in text order.
            let user = RegistrationQuery.userPart(of: row.aor)
            return Int(user).map { .integer($0) } ?? .text(user)
        case .aor: return .text(row.aor)
        case .contact: return .text(row.contact)
        case .source: return .address(RegistrationSortKey.Address(ip: row.sourceIP, port: row.sourcePort))
        case .received: return .address(RegistrationSortKey.Address(ip: row.receivedIP, port: row.receivedPort))
        case .transport: return .text(row.transport)
        case .expiresIn: return .integer(row.expiresIn)
        case .nat: return .integer(row.nat ? 1 : 0)
        case .userAgent: return optional(row.userAgent) { .text($0) }
        case .registeredAt: return .real(row.registeredAt.timeIntervalSinceReferenceDate)
        case .updatedAt: return .real(row.updatedAt.timeIntervalSinceReferenceDate)
        case .callID: return .text(row.callID)
        case .cseq: return .integer(row.cseq)
        case .q: return optional(row.q) { .real($0) }
        case .status: return .text(row.status.rawValue)
        case .account: return optional(row.account) { .text($0) }
        }
    }
}

/// A row's value on one sort column, ordered as the column sorts: `absent` (no User-Agent,
/// no q, no account) first; within a column every present value has the same case, except
/// `number`, whose numeric user parts (`integer`) come before the rest (`text`).
public enum RegistrationSortKey: Comparable, Sendable {
    /// No value.
    case absent
    /// A count, a number, a flag.
    case integer(Int)
    /// A time or a q-value.
    case real(Double)
    /// Text, in Swift's String order.
    case text(String)
    /// An address and port.
    case address(Address)

    /// An "ip:port" by address bytes (IPv4 before IPv6; an unparsable address before both),
    /// then port.
    public struct Address: Comparable, Sendable {
        /// The address bytes (4 or 16), empty when the text was not an address.
        public var bytes: [UInt8]
        /// The port.
        public var port: Int

        /// Parses the bare address `ip` once.
        public init(ip: String, port: Int) {
            self.bytes = IPNetwork(ip)?.bytes ?? []
            self.port = port
        }

        public static func < (a: Address, b: Address) -> Bool {
            if a.bytes != b.bytes {
                if a.bytes.count != b.bytes.count { return a.bytes.count < b.bytes.count }
                return a.bytes.lexicographicallyPrecedes(b.bytes)
            }
            return a.port < b.port
        }
    }
}
