import Firewall
import Foundation
import Logging
import SIPWardenPolicy
import Registrar
import Store
import Yams

/// Reads the YAML configuration file into a `DaemonConfiguration`.
///
/// Unknown keys are errors (a typo must not silently leave a default in force), and every
/// error names the file, the key and the value.
public enum ConfigurationLoader {
    /// Loads `path` over the built-in defaults.
    public static func load(path: String) throws -> DaemonConfiguration {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ConfigurationError(file: path, key: "", value: "", message: "cannot read the file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses YAML text; `file` names it in errors.
    public static func parse(yaml text: String, file: String) throws -> DaemonConfiguration {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ConfigurationError(file: file, key: "", value: "", message: "not valid YAML: \(YAMLSyntaxError.describe(error))")
        }
        var configuration = DaemonConfiguration()
        guard let root else { return configuration }
        let reader = Reader(file: file)
        let top = try reader.mapping(root, key: "")
        for (key, node) in top {
            switch key {
            case "listen":
                let items = try reader.sequence(node, key: key)
                configuration.listen = try items.enumerated().map { index, item in
                    let text = try reader.string(item, key: "listen[\(index)]")
                    guard let address = ListenAddress(parsing: text) else {
                        throw reader.error("listen[\(index)]", text, "expected udp:HOST:PORT or tcp:HOST:PORT, e.g. udp:0.0.0.0:5060 or tcp:[::1]:5060")
                    }
                    return address
                }
                configuration.listenIsDefault = false
            case "data_dir": configuration.dataDirectory = try reader.string(node, key: key)
            case "control_socket": configuration.controlSocketPath = try reader.string(node, key: key)
            case "security_log": try readSecurityLog(node, into: &configuration, reader: reader)
            case "log_level":
                let text = try reader.string(node, key: key)
                guard let level = Logger.Level(rawValue: text.lowercased()) else {
                    throw reader.error(key, text, "expected one of trace, debug, info, notice, warning, error, critical")
                }
                configuration.logLevel = level
            case "registrar": try readRegistrar(node, into: &configuration, reader: reader)
            case "auth": try readAuth(node, into: &configuration, reader: reader)
            case "transport": try readTransport(node, into: &configuration, reader: reader)
            case "store": try readStore(node, into: &configuration, reader: reader)
            case "firewall": configuration.firewall = try firewallMode(try reader.string(node, key: key), file: file, key: key)
            case "trusted":
                configuration.trusted = try reader.sequence(node, key: key).enumerated().map { index, item in
                    let text = try reader.string(item, key: "trusted[\(index)]")
                    guard let range = IPRange(text) else {
                        throw reader.error("trusted[\(index)]", text, "expected an address or CIDR range, e.g. 192.0.2.0/24 or 2001:db8::/32")
                    }
                    return range
                }
            case "keepalive": try readKeepalive(node, into: &configuration, reader: reader)
            case "nftables": try readNFTables(node, into: &configuration, reader: reader)
            case "plugins_dir": configuration.pluginsDirectory = try reader.string(node, key: key)
            case "policies_dir": configuration.policiesDirectory = try reader.string(node, key: key)
            case "metrics": try readMetrics(node, into: &configuration, reader: reader)
            case "control": try readControl(node, into: &configuration, reader: reader)
            case "history": try readHistory(node, into: &configuration, reader: reader)
            case "alerts": try readAlerts(node, into: &configuration, reader: reader)
            case "geoip": try readGeoIP(node, into: &configuration, reader: reader)
            case "analysis": try readAnalysis(node, into: &configuration, reader: reader)
            case "console": try readConsole(node, into: &configuration, reader: reader)
            case "trunks": try readTrunks(node, into: &configuration, reader: reader)
            case "trunk_timing": try readTrunkTiming(node, into: &configuration, reader: reader)
            default: throw reader.unknownKey(key, known: ["listen", "data_dir", "control_socket", "security_log", "log_level", "registrar", "auth", "transport", "store", "firewall", "nftables", "trusted", "plugins_dir", "policies_dir", "metrics", "control", "keepalive", "history"]
                + ["alerts", "geoip", "analysis", "console", "trunks", "trunk_timing"])
            }
        }
        try validate(configuration, file: file)
        return configuration
    }

    /// Parses a firewall mode, naming the file and key when it is not one this build has.
    public static func firewallMode(_ text: String, file: String, key: String) throws -> FirewallMode {
        do { return try FirewallMode(parsing: text) } catch {
            throw ConfigurationError(file: file, key: key, value: text, message: "\(error)")
        }
    }

    /// Checks rules that span several keys.
    public static func validate(_ configuration: DaemonConfiguration, file: String) throws {
        let registrar = configuration.registrar
        if registrar.minExpires > registrar.maxExpires {
            throw ConfigurationError(file: file, key: "registrar.min_expires", value: String(registrar.minExpires),
                                     message: "must not exceed registrar.max_expires (\(registrar.maxExpires))")
        }
        if registrar.defaultExpires < registrar.minExpires || registrar.defaultExpires > registrar.maxExpires {
            throw ConfigurationError(file: file, key: "registrar.default_expires", value: String(registrar.defaultExpires),
                                     message: "must lie between registrar.min_expires (\(registrar.minExpires)) and registrar.max_expires (\(registrar.maxExpires))")
        }
        try validateOperator(configuration, file: file)
        try validateConsole(configuration, file: file)
        if configuration.listen.isEmpty {
            throw ConfigurationError(file: file, key: "listen", value: "[]", message: "at least one listen address is needed")
        }
    }

    private static func readRegistrar(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "registrar") {
            let path = "registrar." + key
            switch key {
            case "default_expires": configuration.registrar.defaultExpires = try reader.uint32(value, key: path)
            case "min_expires": configuration.registrar.minExpires = try reader.uint32(value, key: path)
            case "max_expires": configuration.registrar.maxExpires = try reader.uint32(value, key: path)
            case "max_bindings_per_aor":
                configuration.registrar.maxBindingsPerAOR = Int(try reader.integer(value, key: path, range: 1...10_000))
            case "when_full":
                let text = try reader.string(value, key: path)
                guard let mode = WhenFull(rawValue: text) else {
                    throw reader.error(path, text, "expected replace_oldest or reject")
                }
                configuration.registrar.whenFull = mode
            case "force_rport": configuration.forceRport = try reader.bool(value, key: path)
            case "server_header":
                let text = try reader.string(value, key: path)
                configuration.registrar.serverHeader = text.isEmpty ? nil : text
            case "expired_retention": configuration.expiredRetention = try reader.integer(value, key: path, range: 0...604_800)
            default:
                throw reader.unknownKey(path, known: ["default_expires", "min_expires", "max_expires", "max_bindings_per_aor", "when_full", "force_rport", "server_header", "expired_retention"].map { "registrar." + $0 })
            }
        }
    }

    private static func readAuth(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "auth") {
            let path = "auth." + key
            switch key {
            case "realm":
                let text = try reader.string(value, key: path)
                guard !text.isEmpty, !text.contains("\"") else { throw reader.error(path, text, "expected a non-empty realm without quotes") }
                configuration.registrar.realm = text
            case "required": configuration.registrar.requireAuthentication = try reader.bool(value, key: path)
            case "nonce_lifetime": configuration.registrar.nonceLifetime = try reader.integer(value, key: path, range: 10...86_400)
            case "challenge_algorithms":
                let items = try reader.sequence(value, key: path)
                configuration.registrar.challengeAlgorithms = try items.map { item in
                    let text = try reader.string(item, key: path)
                    guard let name = DigestAlgorithmName(rawValue: text.uppercased()) else {
                        throw reader.error(path, text, "expected MD5 or SHA-256")
                    }
                    return name
                }
                if configuration.registrar.challengeAlgorithms.isEmpty { throw reader.error(path, "[]", "name at least one of MD5, SHA-256") }
            default: throw reader.unknownKey(path, known: ["realm", "required", "nonce_lifetime", "challenge_algorithms"].map { "auth." + $0 })
            }
        }
    }

    private static func readTransport(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "transport") {
            let path = "transport." + key
            switch key {
            case "max_message_size": configuration.maxMessageSize = Int(try reader.integer(value, key: path, range: 1024...16_777_216))
            case "tcp_idle_timeout": configuration.tcpIdleTimeout = try reader.integer(value, key: path, range: 1...86_400)
            case "transaction_lifetime": configuration.transactionLifetime = try reader.integer(value, key: path, range: 0...600)
            case "tcp_first_message_timeout": configuration.tcpFirstMessageTimeout = try reader.integer(value, key: path, range: 0...3600)
            case "udp_sockets": configuration.udpSockets = Int(try reader.integer(value, key: path, range: 0...64))
            case "tcp_max_connections_per_source":
                configuration.tcpMaxConnectionsPerSource = Int(try reader.integer(value, key: path, range: 0...1_000_000))
            default:
                throw reader.unknownKey(path, known: ["max_message_size", "tcp_idle_timeout", "transaction_lifetime", "tcp_first_message_timeout",
                                                      "tcp_max_connections_per_source", "udp_sockets"].map { "transport." + $0 })
            }
        }
    }

    private static func readStore(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "store") {
            let path = "store." + key
            switch key {
            case "durability":
                let text = try reader.string(value, key: path)
                switch text {
                case "full": configuration.durability = .full
                case "normal": configuration.durability = .normal
                default: throw reader.error(path, text, "expected full or normal")
                }
            case "sweep_interval": configuration.sweepInterval = try reader.integer(value, key: path, range: 1...3600)
            case "commit_delay_us": configuration.commitDelayMicroseconds = try reader.integer(value, key: path, range: 0...100_000)
            default: throw reader.unknownKey(path, known: ["durability", "sweep_interval", "commit_delay_us"].map { "store." + $0 })
            }
        }
    }

    private static func readNFTables(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "nftables") {
            let path = "nftables." + key
            switch key {
            case "ports":
                configuration.nftables.ports = try reader.sequence(value, key: path).enumerated().map { index, item in
                    UInt16(try reader.integer(item, key: "\(path)[\(index)]", range: 1...65535))
                }
            case "all_ports": configuration.nftables.allPorts = try reader.bool(value, key: path)
            case "check_interval": configuration.nftables.checkInterval = try reader.integer(value, key: path, range: 1...86400)
            case "remove_table_on_stop": configuration.nftables.removeTableOnStop = try reader.bool(value, key: path)
            case "table":
                let text = try reader.string(value, key: path)
                if let problem = NFTablesOptions.tableNameProblem(text) { throw reader.error(path, text, problem) }
                configuration.nftables.table = text
            default: throw reader.unknownKey(path, known: ["ports", "all_ports", "check_interval", "remove_table_on_stop", "table"].map { "nftables." + $0 })
            }
        }
    }

    /// Typed access to YAML nodes with errors that name the file and key: the configuration
    /// file's reader, and that of every other operator-written YAML file (the devices file).
    public struct Reader: Sendable {
        /// The file named in errors.
        public let file: String

        /// A reader whose errors name `file`.
        public init(file: String) { self.file = file }

        public func error(_ key: String, _ value: String, _ message: String) -> ConfigurationError {
            ConfigurationError(file: file, key: key, value: value, message: message)
        }

        public func unknownKey(_ key: String, known: [String]) -> ConfigurationError {
            ConfigurationError(file: file, key: key, value: "", message: "unknown key; known keys here: \(known.joined(separator: ", "))")
        }

        public func mapping(_ node: Node, key: String) throws -> [(String, Node)] {
            guard case .mapping(let mapping) = node else {
                throw error(key.isEmpty ? "(top level)" : key, describe(node), "expected a mapping of keys to values")
            }
            return try mapping.map { pair in
                guard case .scalar(let scalar) = pair.key else { throw error(key, describe(pair.key), "keys must be plain words") }
                return (scalar.string, pair.value)
            }
        }

        public func sequence(_ node: Node, key: String) throws -> [Node] {
            guard case .sequence(let sequence) = node else { throw error(key, describe(node), "expected a list") }
            return Array(sequence)
        }

        public func string(_ node: Node, key: String) throws -> String {
            guard case .scalar(let scalar) = node else { throw error(key, describe(node), "expected a single value") }
            return scalar.string
        }

        public func integer(_ node: Node, key: String, range: ClosedRange<Int64>) throws -> Int64 {
            let text = try string(node, key: key)
            guard let value = Int64(text), range.contains(value) else {
                throw error(key, text, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        public func uint32(_ node: Node, key: String) throws -> UInt32 {
            UInt32(try integer(node, key: key, range: 0...Int64(UInt32.max)))
        }

        public func bool(_ node: Node, key: String) throws -> Bool {
            let text = try string(node, key: key)
            switch text.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw error(key, text, "expected true or false")
            }
        }

        private func describe(_ node: Node) -> String {
            switch node {
            case .scalar(let scalar): return scalar.string
            case .mapping: return "(a mapping)"
            case .sequence: return "(a list)"
            case .alias: return "(an alias)"
            }
        }
    }
}
