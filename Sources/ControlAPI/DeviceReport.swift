import Foundation

/// What `GET /v1/analysis/devices?since=` answers (`sipwardenctl analysis devices --json`).
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `since` | string | RFC 3339 UTC, the window's start (default 30 days back) |
/// | `devices_file` | string or null | the devices file whose rules were used; null when none was found |
/// | `note` | string or null | why the breakdown is coarse (no devices file, a file that did not load, samples it gets wrong) |
/// | `devices` | array | `DeviceRow`s, most live bindings first, then most AORs |
public struct DeviceReport: Codable, Hashable, Sendable {
    /// The window's start.
    public var since: Date
    /// The devices file in force.
    public var devicesFile: String?
    /// A problem worth telling the operator.
    public var note: String?
    /// The rows.
    public var devices: [DeviceRow]

    /// Creates a report.
    public init(since: Date, devicesFile: String?, note: String?, devices: [DeviceRow]) {
        self.since = since
        self.devicesFile = devicesFile
        self.note = note
        self.devices = devices
    }

    enum CodingKeys: String, CodingKey {
        case since, note, devices
        case devicesFile = "devices_file"
    }

    /// Decodes a report.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        since = try c.decodeRFC3339(.since)
        devicesFile = try c.decodeIfPresent(String.self, forKey: .devicesFile)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        devices = try c.decode([DeviceRow].self, forKey: .devices)
    }

    /// Encodes every key, absent values as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RFC3339.format(since), forKey: .since)
        try c.encode(devicesFile, forKey: .devicesFile)
        try c.encode(note, forKey: .note)
        try c.encode(devices, forKey: .devices)
    }
}
