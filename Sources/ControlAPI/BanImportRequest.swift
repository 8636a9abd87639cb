/// The body of `POST /v1/bans/import`: ban many addresses and ranges at once, as a blocklist
/// (a CrowdSec or fail2ban export, a provider's list) arrives.
///
/// JSON keys: `targets` (addresses or CIDR ranges), `seconds` (how long every ban lasts: as
/// for `BanAddRequest`, bans always expire), `reason`, and optionally `source` (who asks;
/// "operator" when absent). The whole list is checked before anything is banned: one bad
/// target refuses the import, naming the first bad ones by index.
public struct BanImportRequest: Codable, Hashable, Sendable {
    /// The most targets one request may carry. A million addresses or IPv6 ranges is at most
    /// about 50 MB of JSON, inside the control server's 64 MiB body limit.
    public static let maximumTargets = 1_000_000
    /// How many bad targets a refusal names at most.
    public static let namedProblems = 10

    /// The addresses and CIDR ranges to ban, e.g. "192.0.2.7", "198.51.100.0/24".
    public var targets: [String]
    /// How long each ban lasts, in seconds (1 ... `BanAddRequest.maximumSeconds`).
    public var seconds: Int
    /// Why, for the ban list and the security log.
    public var reason: String
    /// Who asks ("operator", "crowdsec"); nil means "operator".
    public var source: String?

    /// Creates an import request.
    public init(targets: [String], seconds: Int, reason: String, source: String? = nil) {
        self.targets = targets
        self.seconds = seconds
        self.reason = reason
        self.source = source
    }

    /// The source to record: `source`, or "operator".
    public var effectiveSource: String { source ?? BanAddRequest.defaultSource }

    /// The targets that are not addresses or acceptable ranges: index (from 0) and why, the
    /// first `limit` of them, and how many there are in all.
    public func targetProblems(limit: Int = namedProblems) -> (first: [(index: Int, problem: String)], count: Int) {
        var first: [(index: Int, problem: String)] = []
        var count = 0
        for (index, target) in targets.enumerated() {
            guard let problem = BanTarget.problem(target) else { continue }
            count += 1
            if first.count < limit { first.append((index, problem)) }
        }
        return (first, count)
    }

    /// What is wrong with this request, or nil when every field and every target is acceptable.
    public func validationProblem() -> String? {
        guard !targets.isEmpty else { return "the import names no targets; give at least one address or CIDR range" }
        guard targets.count <= Self.maximumTargets else {
            return "the import names \(targets.count) targets; at most \(Self.maximumTargets) go in one request, split the list"
        }
        // The other fields as `ban add` checks them, with the first target standing in.
        if let problem = BanAddRequest(target: "192.0.2.1", seconds: seconds, reason: reason, source: source).validationProblem() {
            return problem
        }
        let (first, count) = targetProblems()
        guard count > 0 else { return nil }
        return Self.refusal(first, count: count, of: targets.count, why: "not acceptable")
    }

    /// The message refusing an import for its bad targets: how many, and the first ones by
    /// index (from 0) with why.
    public static func refusal(_ first: [(index: Int, problem: String)], count: Int, of total: Int, why: String) -> String {
        let named = first.map { "targets[\($0.index)]: \($0.problem)" }.joined(separator: "; ")
        let more = count > first.count ? "; and \(count - first.count) more" : ""
        return "\(count) of \(total) targets \(count == 1 ? "is" : "are") \(why), nothing was banned: \(named)\(more)"
    }

    private enum CodingKeys: String, CodingKey {
        case targets, seconds, reason, source
    }
}
