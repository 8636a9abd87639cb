extension StoredBan {
    /// What is stored when `incoming` arrives for a target that holds `existing` (nil: none):
    /// the rules of `SIPWardenStore.upsertBan`, shared by every `StoreBackend`.
    ///
    /// A re-ban while `existing` is in force (at `incoming.createdAt`) keeps the first creation
    /// time and the later expiry; the reason and source are those of whichever ban lasts longer;
    /// evidence from both is kept (duplicates dropped, the `maximumEvidence` most recent). A
    /// stored ban that lapsed is replaced and returned as `lapsed`, to be recorded as expired.
    ///
    /// - Throws: `StoreError.invalidRow` when `incoming.evidenceJSON` is not a JSON array of objects.
    public static func merging(_ incoming: StoredBan, into existing: StoredBan?) throws -> (ban: StoredBan, lapsed: StoredBan?) {
        let evidence = try BanTable.evidenceObjects(incoming.evidenceJSON, target: incoming.target)
        var merged = incoming
        guard let existing else {
            merged.evidenceJSON = try BanTable.encodeEvidence(evidence)
            return (merged, nil)
        }
        guard existing.isActive(at: incoming.createdAt) else {
            merged.evidenceJSON = try BanTable.encodeEvidence(evidence)
            return (merged, existing)
        }
        merged.createdAt = min(existing.createdAt, incoming.createdAt)
        if existing.expiresAt > incoming.expiresAt {
            merged.expiresAt = existing.expiresAt
            merged.source = existing.source
            merged.reason = existing.reason
        }
        // Stored evidence that no longer parses (a hand edit) is dropped, not fatal.
        let stored = (try? BanTable.evidenceObjects(existing.evidenceJSON, target: existing.target)) ?? []
        merged.evidenceJSON = try BanTable.encodeEvidence(stored + evidence)
        return (merged, nil)
    }
}
