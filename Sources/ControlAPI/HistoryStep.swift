/// The width of one step of `analysis trend`: a minute, an hour or a day (UTC days). Minute
/// steps come from the per-minute rollups, hour and day steps from the per-hour ones, so a
/// long window stays cheap and outlives the raw events (`history.rollup_retention`).
public enum HistoryStep: String, CaseIterable, Codable, Hashable, Sendable {
    /// One minute.
    case minute = "1m"
    /// One hour.
    case hour = "1h"
    /// One UTC day.
    case day = "1d"

    /// The step's length in seconds.
    public var seconds: Int64 {
        switch self {
        case .minute: return 60
        case .hour: return 3600
        case .day: return 86_400
        }
    }
}
