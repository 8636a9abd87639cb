import Configuration
import Foundation
import Yams

/// The rules that normalise User-Agents to a vendor, model and firmware, read from the devices
/// file (`rules/devices.yaml`, which an operator may extend), with the file's samples.
///
/// The first rule whose pattern matches wins; a User-Agent no rule matches is ``DeviceIdentity/other``,
/// a missing or blank one ``DeviceIdentity/none``. The file:
///
/// ```yaml
/// devices:
///   - vendor: Yealink
///     match: '^Yealink SIP-(?<model>\S+) (?<firmware>[0-9.]+)'
///     # model: '${model}'        (the defaults; templates over the named groups)
///     # firmware: '${firmware}'
/// samples:
///   - user_agent: Yealink SIP-T46S 66.86.0.15
///     vendor: Yealink
///     model: T46S
///     firmware: 66.86.0.15
/// ```
public struct DeviceCatalog: Sendable {
    /// The rules, in the order they are tried.
    public var rules: [DeviceRule]
    /// The samples the file carries.
    public var samples: [DeviceSample]
    /// The file the catalog was read from; empty when built in code.
    public var file: String

    /// User-Agents longer than this are cut before matching (a flood of long headers must not
    /// cost the analysis more than it shows).
    public static let maximumUserAgentLength = 512

    /// Creates a catalog.
    public init(rules: [DeviceRule], samples: [DeviceSample] = [], file: String = "") {
        self.rules = rules
        self.samples = samples
        self.file = file
    }

    /// The identity a User-Agent normalises to.
    public func identify(_ userAgent: String?) -> DeviceIdentity {
        guard let userAgent else { return .none }
        let text = String(userAgent.trimmingCharacters(in: .whitespaces).prefix(Self.maximumUserAgentLength))
        if text.isEmpty { return .none }
        for rule in rules {
            if let identity = rule.identify(text) { return identity }
        }
        return .other
    }

    /// The samples the rules do not normalise as they say; empty when every sample holds.
    public func sampleMismatches() -> [DeviceSampleMismatch] {
        samples.compactMap { sample in
            let actual = identify(sample.userAgent)
            return actual == sample.expected ? nil : DeviceSampleMismatch(sample: sample, actual: actual)
        }
    }

    /// Reads the devices file at `path`.
    ///
    /// - Throws: ``DeviceCatalogError`` naming the file (and the key) when it cannot be read,
    ///   is not valid YAML, or a rule or sample is malformed.
    public static func load(path: String) throws -> DeviceCatalog {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw DeviceCatalogError(file: path, key: "", value: "",
                                     message: "cannot read the devices file (\(error.localizedDescription)); set analysis.devices_file to the rules/devices.yaml of the release")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses the text of a devices file; `file` names it in errors.
    public static func parse(yaml text: String, file: String) throws -> DeviceCatalog {
        let reader = ConfigurationLoader.Reader(file: file)
        let failure = reader.error
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw failure("", "", "not valid YAML: \(error)")
        }
        guard let root else { return DeviceCatalog(rules: [], file: file) }
        var catalog = DeviceCatalog(rules: [], file: file)
        for (key, node) in try reader.mapping(root, key: "(top level)") {
            switch key {
            case "version":
                let version = try reader.string(node, key: key)
                guard version == "1" else { throw failure(key, version, "this build reads version 1 of the devices file") }
            case "devices":
                for (index, item) in try reader.sequence(node, key: key).enumerated() {
                    catalog.rules.append(try rule(item, key: "devices[\(index)]", reader: reader))
                }
            case "samples":
                for (index, item) in try reader.sequence(node, key: key).enumerated() {
                    catalog.samples.append(try sample(item, key: "samples[\(index)]", reader: reader))
                }
            default:
                throw failure(key, "", "unknown key; known keys here: version, devices, samples")
            }
        }
        return catalog
    }

    private static func rule(_ node: Node, key: String, reader: ConfigurationLoader.Reader) throws -> DeviceRule {
        var vendor: String?
        var pattern: String?
        var model = "${model}"
        var firmware = "${firmware}"
        for (field, value) in try reader.mapping(node, key: key) {
            let path = "\(key).\(field)"
            switch field {
            case "vendor": vendor = try reader.string(value, key: path)
            case "match": pattern = try reader.string(value, key: path)
            case "model": model = try reader.string(value, key: path)
            case "firmware": firmware = try reader.string(value, key: path)
            default: throw reader.error(path, "", "unknown key; known keys here: vendor, match, model, firmware")
            }
        }
        guard let vendor, !vendor.isEmpty else { throw reader.error("\(key).vendor", "", "every rule needs a vendor") }
        guard let pattern, !pattern.isEmpty else { throw reader.error("\(key).match", "", "every rule needs a match pattern") }
        let built: DeviceRule
        do { built = try DeviceRule(vendor: vendor, pattern: pattern, model: model, firmware: firmware) } catch {
            throw reader.error("\(key).match", pattern, "not a valid regular expression (ICU syntax): \(error.localizedDescription)")
        }
        for (field, template) in [("vendor", vendor), ("model", model), ("firmware", firmware)] {
            for name in DeviceRule.references(in: template) where !built.groupNames.contains(name) {
                if template == "${\(field)}" && field != "vendor" { continue }  // the default template needs no group
                throw reader.error("\(key).\(field)", template, "refers to ${\(name)}, which the pattern has no (?<\(name)>...) group for")
            }
        }
        return built
    }

    private static func sample(_ node: Node, key: String, reader: ConfigurationLoader.Reader) throws -> DeviceSample {
        var userAgent: String?
        var vendor: String?
        var model = ""
        var firmware = ""
        for (field, value) in try reader.mapping(node, key: key) {
            let path = "\(key).\(field)"
            switch field {
            case "user_agent": userAgent = try reader.string(value, key: path)
            case "vendor": vendor = try reader.string(value, key: path)
            case "model": model = try reader.string(value, key: path)
            case "firmware": firmware = try reader.string(value, key: path)
            default: throw reader.error(path, "", "unknown key; known keys here: user_agent, vendor, model, firmware")
            }
        }
        guard let userAgent else { throw reader.error("\(key).user_agent", "", "every sample needs the user_agent it replays") }
        guard let vendor else { throw reader.error("\(key).vendor", "", "every sample states the vendor it expects") }
        return DeviceSample(userAgent: userAgent, expected: DeviceIdentity(vendor: vendor, model: model, firmware: firmware))
    }
}
