import Foundation

/// A column `registrations list --sort` orders by: every JSON key of `RegistrationInfo`, and
/// `number` (the AOR's user part, numerically when both are numbers).
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
    public func compare(_ a: RegistrationInfo, _ b: RegistrationInfo) -> ComparisonResult {
        func order<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult { x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame }
        func optional<T: Comparable>(_ x: T?, _ y: T?) -> ComparisonResult {
            switch (x, y) {
            case (nil, nil): return .orderedSame
            case (nil, _): return .orderedAscending
            case (_, nil): return .orderedDescending
            case (let x?, let y?): return order(x, y)
            }
        }
        switch self {
        case .number:
            let x = RegistrationQuery.userPart(of: a.aor), y = RegistrationQuery.userPart(of: b.aor)
            if let nx = Int(x), let ny = Int(y), nx != ny { return order(nx, ny) }
            return order(x, y)
        case .aor: return order(a.aor, b.aor)
        case .contact: return order(a.contact, b.contact)
        case .source: return Self.compareAddresses(a.source, b.source)
        case .received: return Self.compareAddresses(a.received, b.received)
        case .transport: return order(a.transport, b.transport)
        case .expiresIn: return order(a.expiresIn, b.expiresIn)
        case .nat: return order(a.nat ? 1 : 0, b.nat ? 1 : 0)
        case .userAgent: return optional(a.userAgent, b.userAgent)
        case .registeredAt: return order(a.registeredAt, b.registeredAt)
        case .updatedAt: return order(a.updatedAt, b.updatedAt)
        case .callID: return order(a.callID, b.callID)
        case .cseq: return order(a.cseq, b.cseq)
        case .q: return optional(a.q, b.q)
        case .status: return order(a.status.rawValue, b.status.rawValue)
        case .account: return optional(a.account, b.account)
        }
    }

    /// "ip:port" texts by address bytes (IPv4 before IPv6), then port.
    private static func compareAddresses(_ a: String, _ b: String) -> ComparisonResult {
        func key(_ text: String) -> ([UInt8], Int) {
            let host = IPNetwork.host(of: text)
            let port = text.split(separator: ":").last.flatMap { Int($0) } ?? 0
            return (IPNetwork(host)?.bytes ?? [], port)
        }
        let (x, px) = key(a), (y, py) = key(b)
        if x != y {
            if x.count != y.count { return x.count < y.count ? .orderedAscending : .orderedDescending }
            return x.lexicographicallyPrecedes(y) ? .orderedAscending : .orderedDescending
        }
        return px < py ? .orderedAscending : px > py ? .orderedDescending : .orderedSame
    }
}
