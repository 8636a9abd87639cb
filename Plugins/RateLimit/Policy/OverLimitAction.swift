/// What admission answers for a packet over its source's budget.
enum OverLimitAction: String, Sendable, CaseIterable {
    /// Discard silently: costs nothing and tells a flooder nothing.
    case drop
    /// Answer 503 with Retry-After, which well-behaved phones honour by backing off.
    case reject
}
