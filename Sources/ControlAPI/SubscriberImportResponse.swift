/// The answer to `POST /v1/subscribers/import`: how many subscribers were added or updated.
///
/// JSON: `{"imported": 100000}`.
public struct SubscriberImportResponse: Codable, Hashable, Sendable {
    /// The number of subscribers added or updated.
    public var imported: Int

    /// Creates an import answer.
    public init(imported: Int) {
        self.imported = imported
    }
}
