import Foundation

/// What `GET /v1/analysis/geo?since=` answers (`sipwardenctl analysis geo --json`).
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `since` | string | RFC 3339 UTC, the window of the failures (default 30 days back) |
/// | `database` | string or null | the `geoip.database` file in use; null without one |
/// | `database_type` | string or null | its type from its metadata, e.g. `GeoLite2-Country` |
/// | `note` | string or null | without a usable database: why, and how to configure one |
/// | `bindings` | array | `GeoRow`s of the live bindings' source addresses, most first |
/// | `failures` | array | `GeoRow`s of the failed attempts' source addresses in the window, most first |
public struct GeoReport: Codable, Hashable, Sendable {
    /// The window's start.
    public var since: Date
    /// The database file in use.
    public var database: String?
    /// The database's type.
    public var databaseType: String?
    /// Why countries are missing, and what to do.
    public var note: String?
    /// Where the live bindings register from.
    public var bindings: [GeoRow]
    /// Where the failed attempts came from.
    public var failures: [GeoRow]

    /// Creates a report.
    public init(since: Date, database: String?, databaseType: String?, note: String?, bindings: [GeoRow], failures: [GeoRow]) {
        self.since = since
        self.database = database
        self.databaseType = databaseType
        self.note = note
        self.bindings = bindings
        self.failures = failures
    }

    enum CodingKeys: String, CodingKey {
        case since, database, note, bindings, failures
        case databaseType = "database_type"
    }

    /// Decodes a report.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        since = try c.decodeRFC3339(.since)
        database = try c.decodeIfPresent(String.self, forKey: .database)
        databaseType = try c.decodeIfPresent(String.self, forKey: .databaseType)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        bindings = try c.decode([GeoRow].self, forKey: .bindings)
        failures = try c.decode([GeoRow].self, forKey: .failures)
    }

    /// Encodes every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RFC3339.format(since), forKey: .since)
        try c.encode(database, forKey: .database)
        try c.encode(databaseType, forKey: .databaseType)
        try c.encode(note, forKey: .note)
        try c.encode(bindings, forKey: .bindings)
        try c.encode(failures, forKey: .failures)
    }
}
