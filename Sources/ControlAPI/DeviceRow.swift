/// One row of `GET /v1/analysis/devices` (`sipwardenctl analysis devices --json`): the devices
/// of one vendor, model and firmware, as the devices file normalises their User-Agents.
///
/// | key | JSON type | meaning |
/// |---|---|---|
/// | `vendor`, `model`, `firmware` | string | the normalised identity (`other` for a User-Agent no rule names, `none` without one; model and firmware may be "") |
/// | `live_bindings` | number | live bindings whose User-Agent normalises to it |
/// | `live_aors` | number | distinct AORs among those bindings |
/// | `aors` | number | distinct AORs that registered (accepted or refreshed) with it in the window, from the history, live ones included |
/// | `example` | string or null | one User-Agent as sent (the most recent), for writing a rule |
public struct DeviceRow: Codable, Hashable, Sendable {
    /// The vendor.
    public var vendor: String
    /// The model; "" when the rule found none.
    public var model: String
    /// The firmware; "" when the rule found none.
    public var firmware: String
    /// Live bindings.
    public var liveBindings: Int
    /// Distinct AORs of the live bindings.
    public var liveAORs: Int
    /// Distinct AORs seen in the window (history and live).
    public var aors: Int
    /// One User-Agent as sent.
    public var example: String?

    /// Creates a row.
    public init(vendor: String, model: String, firmware: String, liveBindings: Int, liveAORs: Int, aors: Int, example: String?) {
        self.vendor = vendor
        self.model = model
        self.firmware = firmware
        self.liveBindings = liveBindings
        self.liveAORs = liveAORs
        self.aors = aors
        self.example = example
    }

    enum CodingKeys: String, CodingKey {
        case vendor, model, firmware, aors, example
        case liveBindings = "live_bindings", liveAORs = "live_aors"
    }

    /// Encodes every key, a missing example as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(vendor, forKey: .vendor)
        try c.encode(model, forKey: .model)
        try c.encode(firmware, forKey: .firmware)
        try c.encode(liveBindings, forKey: .liveBindings)
        try c.encode(liveAORs, forKey: .liveAORs)
        try c.encode(aors, forKey: .aors)
        try c.encode(example, forKey: .example)
    }
}
