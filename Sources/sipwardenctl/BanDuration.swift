/// Ban durations as operators type them: "90s", "15m", "2h", "7d", or plain seconds ("90").
enum BanDuration {
    /// What to type, for messages and help.
    static let examples = "a number with s, m, h or d, such as 90s, 15m, 2h or 7d"

    /// The number of seconds `text` stands for, or a sentence saying what is wrong.
    static func seconds(_ text: String) -> Result<Int, BanDurationError> {
        var digits = Substring(text)
        var unit = 1
        if let last = digits.last, !last.isNumber {
            switch last {
            case "s", "S": unit = 1
            case "m", "M": unit = 60
            case "h", "H": unit = 3600
            case "d", "D": unit = 86_400
            default: return .failure(BanDurationError(text: text))
            }
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let count = Int(digits)
        else { return .failure(BanDurationError(text: text)) }
        let (total, overflow) = count.multipliedReportingOverflow(by: unit)
        guard !overflow, total > 0, total <= 10 * 365 * 86_400 else {
            return .failure(BanDurationError(text: text, outOfRange: true))
        }
        return .success(total)
    }
}
