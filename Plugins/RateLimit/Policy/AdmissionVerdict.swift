/// What one shard can say about a packet without asking the host.
enum AdmissionVerdict: Sendable, Equatable {
    /// Within budget (or trusted).
    case accept
    /// Over budget.
    case refuse
    /// The bucket ran dry and the source's binding count and trust should be asked first.
    case needsFacts
}
