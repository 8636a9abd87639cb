import Foundation

/// The times `history` and `analysis` take (`--since`, `--until`, `since=`, `until=`): an RFC
/// 3339 date-time ("2026-12-01T10:00:00Z") or a span before now: a whole number with `s`, `m`,
/// `h`, `d` or `w` ("30m", "2h", "7d"). Relative times are resolved by the daemon, on its clock.
public enum HistoryTime {
    /// The instant `text` names, relative ones counted back from `now`; nil when it is neither form.
    public static func resolve(_ text: String, now: Date) -> Date? {
        if let seconds = relativeSeconds(text) { return now.addingTimeInterval(-Double(seconds)) }
        return RFC3339.parse(text)
    }

    /// What is wrong with `text` as a time, and what to type; nil when it is fine.
    public static func problem(_ text: String) -> String? {
        if relativeSeconds(text) != nil || RFC3339.parse(text) != nil { return nil }
        return "'\(text)' is not a time: give an RFC 3339 time such as 2026-12-01T10:00:00Z or a span before now such as 30m, 2h, 7d"
    }

    /// The seconds of a span such as "2h" or "7d"; nil when `text` is not one.
    public static func relativeSeconds(_ text: String) -> Int64? {
        guard let unit = text.last, let count = Int64(text.dropLast()), count >= 0 else { return nil }
        let multiplier: Int64
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        case "w": multiplier = 604_800
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow || product > 100 * 366 * 86_400 ? nil : product
    }
}
