/// The packet budget of a source as a function of its live binding count: the base budget
/// every address gets plus a share per authenticated binding, so an office NAT or a PBX that
/// holds hundreds of registrations has room for all of them at once.
struct AdmissionBudget: Sendable {
    /// Base refill rate, tokens per millisecond.
    var baseRate: Double
    /// Base capacity.
    var baseCapacity: Double
    /// Extra rate per live binding, tokens per millisecond.
    var ratePerBinding: Double
    /// Extra capacity per live binding.
    var capacityPerBinding: Double

    /// The budget of the settings.
    init(_ settings: RateLimitSettings) {
        baseRate = settings.packetsPerSecond / 1000
        baseCapacity = settings.burst
        ratePerBinding = settings.perBindingPacketsPerSecond / 1000
        capacityPerBinding = settings.perBindingBurst
    }

    /// Refill rate for a source with `bindings` live bindings.
    func rate(bindings: Int) -> Double { baseRate + ratePerBinding * Double(bindings) }

    /// Capacity for a source with `bindings` live bindings.
    func capacity(bindings: Int) -> Double { baseCapacity + capacityPerBinding * Double(bindings) }
}
