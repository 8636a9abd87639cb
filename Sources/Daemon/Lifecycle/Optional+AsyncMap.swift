/// `map` for async work (starting an optional listener).
extension Optional {
    /// `map` with an async throwing transform.
    func asyncMap<Mapped>(_ transform: (Wrapped) async throws -> Mapped) async rethrows -> Mapped? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
