/// Short human durations for tables: "45s", "59m59s", "2h05m", "3d04h".
enum DurationText {
    /// Formats a count of seconds (negative counts as 0).
    static func format(seconds: Int) -> String {
        let seconds = max(0, seconds)
        switch seconds {
        case ..<60:
            return "\(seconds)s"
        case ..<3600:
            return "\(seconds / 60)m\(twoDigits(seconds % 60))s"
        case ..<86_400:
            return "\(seconds / 3600)h\(twoDigits(seconds % 3600 / 60))m"
        default:
            return "\(seconds / 86_400)d\(twoDigits(seconds % 86_400 / 3600))h"
        }
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
