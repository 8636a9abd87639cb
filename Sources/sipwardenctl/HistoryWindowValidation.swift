import ArgumentParser
import ControlAPI

/// The checks every history and analysis command makes of its common options: one output
/// format, `--since`/`--until` times the daemon will take, and a `--limit` in range.
enum HistoryWindowValidation {
    /// Throws the `ValidationError` for the first of `json`+`csv`, a bad time or a bad limit.
    static func check(json: Bool, csv: Bool, since: String?, until: String?, limit: Int? = nil) throws {
        if json && csv { throw ValidationError("give --json or --csv, not both") }
        for time in [since, until].compactMap({ $0 }) {
            if let problem = HistoryTime.problem(time) { throw ValidationError(problem) }
        }
        if let limit, !(1...HistoryQuery.maxLimit).contains(limit) {
            throw ValidationError("--limit \(limit): give a whole number from 1 to \(HistoryQuery.maxLimit)")
        }
    }
}
