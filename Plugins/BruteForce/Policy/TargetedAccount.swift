import SIPWardenPolicy

/// An account (AOR or username) that failed authentication recently, for spray detection.
struct TargetedAccount: Sendable {
    /// When each address last failed against it within the spray window. Fewer entries than
    /// `spray_addresses` outside a spray: reaching that number starts one and clears them.
    var failures: [IPAddress: Int64] = [:]
    /// While a spray is under way (until this time), any new address failing is banned at once.
    var sprayUntil = Int64.min
    /// The latest failure against the account.
    var lastFailureAt = Int64.min
}
