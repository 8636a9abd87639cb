/// What a bulk ban import did, target by target.
struct BanImportCounts: Hashable, Sendable {
    /// Not banned before (or only by a lapsed ban), banned now.
    var added = 0
    /// Banned already; the ban now lasts longer.
    var extended = 0
    /// Banned already for at least as long; unchanged.
    var alreadyBanned = 0
    /// Repeats of an earlier target, and addresses trusted by the time their batch was applied.
    var skipped = 0
}
