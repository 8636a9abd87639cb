/// A change to the location service that must be made durable before the REGISTER that caused
/// it is answered.
public enum BindingChange: Hashable, Codable, Sendable {
    /// Insert the binding, or replace the one with the same AOR and contact key.
    case upsert(Binding)
    /// Remove the binding with this AOR and contact key, if present.
    case remove(aor: String, contactKey: String)
}
