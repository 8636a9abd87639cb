/// What a User-Agent says a device is: its vendor, model and firmware, as the devices file's
/// rules read them (`Yealink SIP-T46S 66.86.0.15` is Yealink / T46S / 66.86.0.15).
public struct DeviceIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The vendor ("Yealink", "Polycom"), `other` for a User-Agent no rule names, or `none`
    /// when the device sent no User-Agent.
    public var vendor: String
    /// The model ("T46S"); empty when the rule found none.
    public var model: String
    /// The firmware or software version ("66.86.0.15"); empty when the rule found none.
    public var firmware: String

    /// The identity of a device that sent no User-Agent.
    public static let none = DeviceIdentity(vendor: "none", model: "", firmware: "")
    /// The identity of a User-Agent no rule matched.
    public static let other = DeviceIdentity(vendor: "other", model: "", firmware: "")

    /// Creates an identity.
    public init(vendor: String, model: String, firmware: String) {
        self.vendor = vendor
        self.model = model
        self.firmware = firmware
    }

    /// `vendor / model / firmware`, empty parts left out.
    public var description: String {
        [vendor, model, firmware].filter { !$0.isEmpty }.joined(separator: " / ")
    }
}
