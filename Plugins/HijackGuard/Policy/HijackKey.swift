import SIPWardenPolicy

/// An AOR and the new network it registered from: reports are de-duplicated on this.
struct HijackKey: Hashable, Sendable {
    /// The AOR.
    var aor: String
    /// The new network.
    var network: IPRange
}
