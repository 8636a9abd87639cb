/// What the registrar does when a REGISTER would give an AOR more bindings than allowed.
///
/// VOS3000 calls this SS_ENDPOINT_REGISTER_REPLACE (on = `replaceOldest`, off = `reject`).
public enum WhenFull: String, Hashable, Codable, Sendable, CaseIterable {
    /// The new device's binding replaces the least recently refreshed one(s).
    case replaceOldest = "replace_oldest"
    /// The new binding is refused with 403 while the others are alive.
    case reject
}
