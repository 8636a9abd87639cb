import Foundation

/// One annotated line of `rules/fail2ban/tests/sipwarden`, in the format of Fail2Ban's own
/// test logs: `# failJSON: { "time": "...", "match": true , "host": "..." }` above the line.
struct Fail2BanSample {
    /// The log line.
    var line: String
    /// Whether the filter must match it.
    var match: Bool
    /// The address it must report (when `match`).
    var host: String?
    /// The time it must report, `yyyy-MM-ddTHH:mm:ss` in UTC (when `match`).
    var time: String?

    /// Every annotated line of the file at `path`; throws on an annotation without a line.
    static func load(path: String) throws -> [Fail2BanSample] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).components(separatedBy: "\n")
        var samples: [Fail2BanSample] = []
        var index = 0
        while index < lines.count {
            let text = lines[index]
            index += 1
            guard text.hasPrefix("# failJSON:") else { continue }
            let json = Data(text.dropFirst("# failJSON:".count).utf8)
            guard let annotation = try JSONSerialization.jsonObject(with: json) as? [String: Any],
                  let match = annotation["match"] as? Bool, index < lines.count, !lines[index].hasPrefix("#") else {
                throw SIPTestClientError("\(path): bad annotation or no line after it: \(text)")
            }
            samples.append(Fail2BanSample(line: lines[index], match: match, host: annotation["host"] as? String,
                                          time: annotation["time"] as? String))
            index += 1
        }
        return samples
    }
}
