import Registrar

extension Timestamp {
    /// This timestamp moved forward by `milliseconds`.
    func advanced(byMilliseconds milliseconds: Int64) -> Timestamp { Timestamp(milliseconds: self.milliseconds &+ milliseconds) }
}
