import Configuration
import Foundation
import SIPWardenPolicy
import Yams

/// One policy file, `rules/policies/NAME.yaml`: which plugin to run and its settings.
///
/// ```yaml
/// plugin: bruteforce        # libsipwarden-bruteforce.so in the plugins directory, or `exec`
/// enabled: true             # default true; `false` is the only way to switch a shipped plugin off
/// enforce: true             # default true; `false` is a dry run: bans become `ban.would_add` events
/// settings: { ... }         # handed to the plugin as its PolicyConfiguration
/// command: [/usr/local/bin/my-policy, --flag]   # exec only: argv, no shell
/// queue: 1000               # exec: events buffered for the command (default 1000); a library
///                           # plugin: events buffered for its worker (default the host's, 65 536)
/// ```
///
/// The file's base name (`NAME`) names the plugin instance everywhere (status, logs, decisions).
public struct PolicyFile: Sendable, Equatable {
    /// The top-level keys a policy file may have.
    public static let knownKeys = ["plugin", "enabled", "enforce", "settings", "command", "queue"]
    /// The `plugin` value that means "run a command" instead of loading a library.
    public static let execPlugin = "exec"
    /// The default for `queue`.
    public static let defaultQueue = 1000
    /// The largest `queue`.
    public static let maximumQueue = 1_000_000

    /// The file's path.
    public var path: String
    /// The file's base name without extension: the plugin instance's name.
    public var name: String
    /// The `plugin` key: a library name or `exec`.
    public var plugin: String
    /// The `enabled` key.
    public var enabled: Bool
    /// The `enforce` key: false makes the plugin's bans dry-run reports (`ban.would_add`).
    public var enforce = true
    /// The `settings` mapping.
    public var settings: [String: PolicyValue]
    /// The `command` argv (exec only; empty otherwise).
    public var command: [String]
    /// The `queue` bound (for an exec plugin's command).
    public var queue: Int
    /// The `queue` bound of a library plugin's worker when the file sets one; nil: the host's default.
    public var workerQueue: Int?

    /// Whether this file runs a command rather than a library.
    public var isExec: Bool { plugin == Self.execPlugin }

    /// The policy a shipped plugin runs with when no policy file names it: its built-in
    /// defaults (empty settings), enabled and enforcing, with no file (`path` is empty).
    public static func builtInDefaults(plugin: String) -> PolicyFile {
        PolicyFile(path: "", name: plugin, plugin: plugin, enabled: true, settings: [:], command: [], queue: defaultQueue)
    }

    /// Whether this is a shipped plugin's built-in defaults rather than a file.
    public var isBuiltInDefaults: Bool { path.isEmpty }

    /// The configuration handed to the plugin.
    public var configuration: PolicyConfiguration {
        PolicyConfiguration(file: path, section: name, values: settings)
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(PolicyConfigurationError) -> PolicyFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PolicyConfigurationError(file: path, key: "(file)", value: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, path: path)
    }

    /// The policy files in `directory`: `*.yaml` and `*.yml`, sorted by name. A missing
    /// directory has none.
    public static func paths(in directory: String) throws(PolicyConfigurationError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else {
            throw PolicyConfigurationError(file: directory, key: "(directory)", value: directory, message: "not a directory")
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw PolicyConfigurationError(file: directory, key: "(directory)", value: directory, message: "cannot list it (\(error.localizedDescription))")
        }
        return names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .sorted()
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    /// Parses YAML text; `path` names the file in errors and gives the instance its name.
    public static func parse(yaml text: String, path: String) throws(PolicyConfigurationError) -> PolicyFile {
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        func fail(_ key: String, _ value: String, _ message: String) -> PolicyConfigurationError {
            PolicyConfigurationError(file: path, key: key, value: value, message: message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw fail("(file)", "", "not valid YAML: \(YAMLSyntaxError.describe(error))")
        }
        guard let root, case .map(let top) = try value(of: root, key: "(top level)", path: path) else {
            throw fail("(top level)", "", "expected a mapping with at least `plugin: NAME`")
        }
        let configuration = PolicyConfiguration(file: path, section: name, values: top)
        try configuration.rejectUnknownKeys(knownKeys)
        let plugin = try configuration.string("plugin", default: "")
        guard !plugin.isEmpty else {
            throw fail("plugin", "", "missing: name the plugin (libsipwarden-NAME.so in the plugins directory) or `exec`")
        }
        guard plugin.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw fail("plugin", plugin, "expected a plugin name of letters, digits, '-' and '_'")
        }
        let enabled = try configuration.bool("enabled", default: true)
        let enforce = try configuration.bool("enforce", default: true)
        let settingsValue = top["settings"] ?? .null
        let settings: [String: PolicyValue]
        switch settingsValue {
        case .null: settings = [:]
        case .map(let map): settings = map
        default: throw fail("settings", settingsValue.description, "expected a mapping of settings")
        }
        let isExec = plugin == execPlugin
        var command: [String] = []
        if case .string(let text)? = top["command"] {
            throw fail("command", text, "expected a list (argv, no shell), e.g. [/usr/local/bin/my-policy, --verbose]")
        }
        command = try configuration.strings("command", default: [])
        if isExec, command.isEmpty || command[0].isEmpty {
            throw fail("command", "", "an exec plugin needs a command: a list like [/usr/bin/python3, /etc/sipwarden/policy.py]")
        }
        if !isExec, !command.isEmpty {
            throw fail("command", command.joined(separator: " "), "only `plugin: exec` runs a command")
        }
        let queue = try configuration.int("queue", default: defaultQueue, range: 1...maximumQueue)
        var file = PolicyFile(path: path, name: name, plugin: plugin, enabled: enabled, enforce: enforce, settings: settings,
                              command: command, queue: queue)
        if !isExec, top["queue"] != nil { file.workerQueue = queue }
        return file
    }

    /// Converts a YAML node to a PolicyValue tree, typing scalars by their resolved YAML tag
    /// (so `"90"` stays text while `90` is a number).
    static func value(of node: Node, key: String, path: String) throws(PolicyConfigurationError) -> PolicyValue {
        switch node {
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return node.bool.map(PolicyValue.bool) ?? .string(scalar.string)
            // A YAML 1.1 base-60 integer ("1:30") is kept as text: Yams multiplies its parts
            // without an overflow check, so "177777777778888888:0" trapped (found by fuzzing).
            case Tag.Name.int.rawValue where scalar.string.contains(":"): return .string(scalar.string)
            case Tag.Name.int.rawValue: return node.int.map { .int(Int64($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(PolicyValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [PolicyValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try value(of: item, key: "\(key)[\(index)]", path: path))
            }
            return .list(items)
        case .mapping(let mapping):
            var values: [String: PolicyValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw PolicyConfigurationError(file: path, key: key, value: "", message: "keys must be plain words")
                }
                let childKey = key.hasPrefix("(") ? keyScalar.string : "\(key).\(keyScalar.string)"
                values[keyScalar.string] = try value(of: valueNode, key: childKey, path: path)
            }
            return .map(values)
        case .alias:
            throw PolicyConfigurationError(file: path, key: key, value: "*alias", message: "YAML aliases are not supported in policy files")
        }
    }
}
