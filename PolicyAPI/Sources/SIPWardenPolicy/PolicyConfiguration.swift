/// A plugin's configuration: the `settings` of its policy file, with typed readers that
/// apply defaults and name the file, key and value when something is wrong.
///
/// A missing key or an empty value (`null`) yields the default.
public struct PolicyConfiguration: Sendable {
    /// The policy file the values came from (for error messages).
    public var file: String
    /// The section: the plugin's name for the top level, `name.key` for nested sections.
    public var section: String
    /// The raw values.
    public var values: [String: PolicyValue]
    /// What error messages put before a key: empty at the top level, `key.` in a nested section.
    private var keyPrefix = ""

    /// Creates a configuration.
    public init(file: String, section: String, values: [String: PolicyValue]) {
        self.file = file
        self.section = section
        self.values = values
    }

    /// A boolean (`true` / `false`).
    public func bool(_ key: String, default fallback: Bool) throws(PolicyConfigurationError) -> Bool {
        switch present(key) {
        case nil: return fallback
        case .bool(let value): return value
        case let value?: throw error(key, value, "expected true or false")
        }
    }

    /// A whole number within `range`.
    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws(PolicyConfigurationError) -> Int {
        let expectation = "expected a whole number from \(range.lowerBound) to \(range.upperBound)"
        switch present(key) {
        case nil:
            return fallback
        case .int(let value)?:
            guard let number = Int(exactly: value), range.contains(number) else { throw error(key, .int(value), expectation) }
            return number
        case .double(let value)?:
            guard let number = Int(exactly: value), range.contains(number) else { throw error(key, .double(value), expectation) }
            return number
        case let value?:
            throw error(key, value, expectation)
        }
    }

    /// A number within `range` (whole numbers are accepted).
    public func double(
        _ key: String, default fallback: Double, range: ClosedRange<Double>
    ) throws(PolicyConfigurationError) -> Double {
        let number: Double
        switch present(key) {
        case nil: return fallback
        case .int(let value)?: number = Double(value)
        case .double(let value)?: number = value
        case let value?: throw error(key, value, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        guard number.isFinite, range.contains(number) else {
            throw error(key, present(key) ?? .null, "expected a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A duration in whole seconds: `90` (seconds), `"90s"`, `"15m"`, `"2h"`, `"7d"`. Never negative.
    public func duration(_ key: String, default fallback: Int) throws(PolicyConfigurationError) -> Int {
        let expectation = "expected a duration such as 90, 90s, 15m, 2h or 7d"
        switch present(key) {
        case nil:
            return fallback
        case .int(let value)?:
            guard value >= 0, let seconds = Int(exactly: value) else { throw error(key, .int(value), expectation) }
            return seconds
        case .string(let text)?:
            guard let seconds = Self.parseDuration(text) else { throw error(key, .string(text), expectation) }
            return seconds
        case let value?:
            throw error(key, value, expectation)
        }
    }

    /// Text. A number is accepted as its text (YAML reads `5060` as a number).
    public func string(_ key: String, default fallback: String) throws(PolicyConfigurationError) -> String {
        switch present(key) {
        case nil: return fallback
        case .string(let value)?: return value
        case .int(let value)?: return String(value)
        case let value?: throw error(key, value, "expected text")
        }
    }

    /// A list of texts; one text alone counts as a list of one.
    public func strings(_ key: String, default fallback: [String]) throws(PolicyConfigurationError) -> [String] {
        switch present(key) {
        case nil:
            return fallback
        case .string(let value)?:
            return [value]
        case .list(let items)?:
            var result: [String] = []
            for item in items {
                switch item {
                case .string(let value): result.append(value)
                case .int(let value): result.append(String(value))
                default: throw error(key, item, "expected a list of texts")
                }
            }
            return result
        case let value?:
            throw error(key, value, "expected a list of texts")
        }
    }

    /// One of `allowed` (an enumerated setting such as `match: word`); anything else throws,
    /// listing the allowed values. A number is accepted as its text.
    public func choice(_ key: String, default fallback: String, allowed: [String]) throws(PolicyConfigurationError) -> String {
        let value = try string(key, default: fallback)
        guard present(key) == nil || allowed.contains(value) else {
            throw PolicyConfigurationError(
                file: file, key: keyPrefix + key, value: value, message: Self.unknown(value, noun: "value", allowed: allowed))
        }
        return value
    }

    /// A list whose every item is one of `allowed`; one text alone counts as a list of one. An
    /// unknown item throws, naming it by index (`failure_kinds[0]`) and listing the allowed
    /// values: a typo in a list must not silently leave a rule that never matches.
    public func choices(
        _ key: String, default fallback: [String], allowed: [String]
    ) throws(PolicyConfigurationError) -> [String] {
        try checkedList(key, default: fallback, allowed: allowed, noun: "value")
    }

    /// A list of event kinds, each one of ``SecurityEventKind/all``; one alone counts as a list
    /// of one. An unknown kind throws, naming it by index (`failure_kinds[0]`) and listing the
    /// known kinds.
    public func eventKinds(_ key: String, default fallback: [String]) throws(PolicyConfigurationError) -> [String] {
        try checkedList(key, default: fallback, allowed: SecurityEventKind.all, noun: "event kind")
    }

    /// A list of addresses or CIDR ranges; one alone counts as a list of one.
    public func ranges(_ key: String, default fallback: [IPRange]) throws(PolicyConfigurationError) -> [IPRange] {
        let expectation = "expected a list of IP addresses or CIDR ranges such as 192.0.2.0/24 or 2001:db8::/32"
        let texts: [String]
        switch present(key) {
        case nil: return fallback
        case .string(let value)?: texts = [value]
        case .list(let items)?:
            var collected: [String] = []
            for item in items {
                guard case .string(let value) = item else { throw error(key, item, expectation) }
                collected.append(value)
            }
            texts = collected
        case let value?: throw error(key, value, expectation)
        }
        var result: [IPRange] = []
        for text in texts {
            guard let range = IPRange(text) else { throw error(key, .string(text), expectation) }
            result.append(range)
        }
        return result
    }

    /// A nested mapping as its own configuration; missing or empty yields an empty one.
    public func section(_ key: String) throws(PolicyConfigurationError) -> PolicyConfiguration {
        var nested = PolicyConfiguration(file: file, section: "\(section).\(key)", values: [:])
        nested.keyPrefix = "\(keyPrefix)\(key)."
        switch present(key) {
        case nil: return nested
        case .map(let values)?:
            nested.values = values
            return nested
        case let value?: throw error(key, value, "expected a mapping of keys to values")
        }
    }

    /// Throws for the first key (alphabetically) that is not in `known`: a typo in a policy
    /// file must not silently leave a default in force.
    public func rejectUnknownKeys(_ known: [String]) throws(PolicyConfigurationError) {
        let knownSet = Set(known)
        guard let unknown = values.keys.sorted().first(where: { !knownSet.contains($0) }) else { return }
        throw PolicyConfigurationError(
            file: file, key: keyPrefix + unknown, value: values[unknown]?.description ?? "",
            message: "unknown key; known keys: \(known.sorted().joined(separator: ", "))")
    }

    private func checkedList(
        _ key: String, default fallback: [String], allowed: [String], noun: String
    ) throws(PolicyConfigurationError) -> [String] {
        let items: [String] = try strings(key, default: fallback)
        guard let raw = present(key) else { return items }
        let isList: Bool
        if case .list = raw { isList = true } else { isList = false }
        for (index, item) in items.enumerated() where !allowed.contains(item) {
            throw PolicyConfigurationError(
                file: file, key: keyPrefix + key + (isList ? "[\(index)]" : ""), value: item,
                message: Self.unknown(item, noun: noun, allowed: allowed))
        }
        return items
    }

    /// `unknown NOUN (did you mean X?); expected one of: A, B, C`.
    private static func unknown(_ value: String, noun: String, allowed: [String]) -> String {
        var message = "unknown \(noun)"
        if let nearest = nearest(to: value, in: allowed) { message += " (did you mean \(nearest)?)" }
        return message + "; expected one of: " + allowed.sorted().joined(separator: ", ")
    }

    /// The allowed value within two edits of `value` (a typo), if exactly one is nearest.
    private static func nearest(to value: String, in allowed: [String]) -> String? {
        let lowered = Array(value.lowercased().utf8.prefix(64))
        let scored = allowed.map { ($0, editDistance(lowered, Array($0.lowercased().utf8))) }
        guard let best = scored.map(\.1).min(), best <= 2 else { return nil }
        let nearest = scored.filter { $0.1 == best }
        return nearest.count == 1 ? nearest[0].0 : nil
    }

    /// Levenshtein distance of two short byte strings.
    private static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    private func present(_ key: String) -> PolicyValue? {
        guard let value = values[key], value != .null else { return nil }
        return value
    }

    private func error(_ key: String, _ value: PolicyValue, _ message: String) -> PolicyConfigurationError {
        PolicyConfigurationError(file: file, key: keyPrefix + key, value: value.description, message: message)
    }

    /// `90`, `90s`, `15m`, `2h`, `7d` (whole, non-negative); nil otherwise.
    static func parseDuration(_ text: String) -> Int? {
        guard let last = text.last else { return nil }
        let multiplier: Int
        var digits = Substring(text)
        switch last {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        case "0"..."9": multiplier = 1
        default: return nil
        }
        if multiplier != 1 || last == "s" { digits = digits.dropLast() }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let number = Int(digits) else { return nil }
        let (seconds, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : seconds
    }
}
