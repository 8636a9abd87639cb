import Yams

/// The issue-5 configuration keys: `metrics.*` and `control.*`.
extension ConfigurationLoader {
    static func readMetrics(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "metrics") {
            let path = "metrics." + key
            switch key {
            case "listen": configuration.metricsListen = try hostPort(value, key: path, reader: reader)
            case "allow_non_loopback": configuration.metricsAllowNonLoopback = try reader.bool(value, key: path)
            default: throw reader.unknownKey(path, known: ["listen", "allow_non_loopback"].map { "metrics." + $0 })
            }
        }
    }

    static func readControl(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "control") {
            let path = "control." + key
            switch key {
            case "group":
                let text = try reader.string(value, key: path)
                guard !text.isEmpty else { throw reader.error(path, text, "expected a group name, e.g. sipwarden") }
                configuration.controlGroup = text
            case "tcp_listen": configuration.controlTCPListen = try hostPort(value, key: path, reader: reader)
            case "token_file": configuration.controlTokenFile = try reader.string(value, key: path)
            case "allow_non_loopback": configuration.controlAllowNonLoopback = try reader.bool(value, key: path)
            default: throw reader.unknownKey(path, known: ["group", "tcp_listen", "token_file", "allow_non_loopback"].map { "control." + $0 })
            }
        }
    }

    /// Refuses a non-loopback metrics or control address without its allow flag, and a TCP
    /// control listener without a token file.
    static func validateOperator(_ configuration: DaemonConfiguration, file: String) throws {
        if let listen = configuration.metricsListen, !listen.isLoopback, !configuration.metricsAllowNonLoopback {
            throw ConfigurationError(
                file: file, key: "metrics.listen", value: listen.description,
                message: "is not a loopback address; the metrics carry no authentication, so use 127.0.0.1:PORT, "
                    + "or set metrics.allow_non_loopback: true if a firewall guards the port")
        }
        if let listen = configuration.controlTCPListen {
            if configuration.controlTokenFile == nil {
                throw ConfigurationError(
                    file: file, key: "control.tcp_listen", value: listen.description,
                    message: "needs control.token_file: the TCP control API refuses every request without the bearer token")
            }
            if !listen.isLoopback, !configuration.controlAllowNonLoopback {
                throw ConfigurationError(
                    file: file, key: "control.tcp_listen", value: listen.description,
                    message: "is not a loopback address; use 127.0.0.1:PORT, or set control.allow_non_loopback: true "
                        + "(the token then crosses the network in clear: put TLS in front)")
            }
        }
    }

    private static func hostPort(_ node: Node, key: String, reader: Reader) throws -> HostPort {
        let text = try reader.string(node, key: key)
        guard let address = HostPort(parsing: text), address.port > 0 else {
            throw reader.error(key, text, "expected HOST:PORT, e.g. 127.0.0.1:9478 or [::1]:9478")
        }
        return address
    }
}
