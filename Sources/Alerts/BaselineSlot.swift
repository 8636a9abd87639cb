/// An exponentially weighted mean and mean absolute deviation of one figure in one hour slot.
/// The first minutes are averaged evenly (weight 1/n), then each new minute weighs `rate`.
/// An anomalous minute moves only the mean (`anomalous`), so an outage does not widen the band.
struct BaselineSlot: Hashable, Sendable, Codable {
    var mean = 0.0
    var deviation = 0.0
    var samples = 0

    mutating func learn(_ value: Double, rate: Double, anomalous: Bool = false) {
        samples += 1
        if samples == 1 {
            mean = value
            return
        }
        let weight = max(rate, 1 / Double(samples))
        let difference = value - mean
        mean += weight * difference
        if !anomalous { deviation += weight * (abs(difference) - deviation) }
    }
}
