import Yams

/// The `console:` section (issue 15): where the web console listens, and how long a login lasts.
extension ConfigurationLoader {
    static func readConsole(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        for (key, value) in try reader.mapping(node, key: "console") {
            let path = "console." + key
            switch key {
            case "listen":
                let text = try reader.string(value, key: path)
                guard let address = HostPort(parsing: text), address.port > 0 else {
                    throw reader.error(path, text, "expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080")
                }
                configuration.consoleListen = address
            case "allow_non_loopback": configuration.consoleAllowNonLoopback = try reader.bool(value, key: path)
            case "session_lifetime": configuration.consoleSessionLifetime = Int(try reader.integer(value, key: path, range: 60...604_800))
            default: throw reader.unknownKey(path, known: ["listen", "allow_non_loopback", "session_lifetime"].map { "console." + $0 })
            }
        }
    }

    /// Refuses a non-loopback console address without `console.allow_non_loopback`.
    static func validateConsole(_ configuration: DaemonConfiguration, file: String) throws {
        if let listen = configuration.consoleListen, !listen.isLoopback, !configuration.consoleAllowNonLoopback {
            throw ConfigurationError(
                file: file, key: "console.listen", value: listen.description,
                message: "is not a loopback address; the console speaks plain HTTP, so use 127.0.0.1:PORT (and an SSH tunnel or "
                    + "a TLS proxy), or set console.allow_non_loopback: true if TLS is put in front")
        }
    }
}
