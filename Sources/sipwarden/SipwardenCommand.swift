import ArgumentParser
import Configuration
import ControlAPI
import Daemon
import Foundation
import Logging
import PluginHost

/// `sipwarden`: the registrar daemon. Flags override the configuration file.
@main
struct SipwardenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipwarden",
        abstract: "SIP registrar with a built-in security agent.",
        discussion: """
            With no configuration file it runs on built-in defaults: UDP and TCP on port 5060 on \
            every address, data under ./var, control socket ./var/control.sock.

            Signals: SIGTERM or SIGINT stop it gracefully; SIGHUP re-reads the policy files and \
            reopens the log files; SIGUSR1 reopens the log files (after logrotate moved them). \
            Under systemd (Type=notify) it reports READY=1 once it listens, STOPPING=1, \
            RELOADING=1 around a reload, and answers WatchdogSec= with WATCHDOG=1.

            Examples:
              sipwarden
              sipwarden --config /etc/sipwarden/sipwarden.yaml
              sipwarden --listen udp:127.0.0.1:5070 --listen tcp:127.0.0.1:5070 --data-dir /tmp/sw
              sipwarden --data-dir /var/lib/sipwarden --security-log /var/log/sipwarden/security.log
              sipwarden --check-config --config /etc/sipwarden/sipwarden.yaml
            """,
        version: SIPWardenDaemon.version
    )

    @Option(name: .long, help: ArgumentHelp("YAML configuration file.", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Listen address, udp:HOST:PORT or tcp:HOST:PORT (IPv6 in brackets). Repeat for several; replaces the file's list.", valueName: "transport:host:port"))
    var listen: [String] = []

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for the database and logs.", valueName: "dir"))
    var dataDirectory: String?

    @Option(name: .customLong("control-socket"), help: ArgumentHelp("Control socket path (default <data-dir>/control.sock).", valueName: "path"))
    var controlSocket: String?

    @Option(name: .customLong("security-log"), help: ArgumentHelp("Security log file (default <data-dir>/security.log).", valueName: "path"))
    var securityLog: String?

    @Option(name: .long, help: ArgumentHelp("How bans are enforced: auto (nftables when usable, else memory; the default), nftables (refuse to start without it), memory.", valueName: "mode"))
    var firewall: String?

    @Option(name: .customLong("policies-dir"), help: ArgumentHelp("Directory of policy files (default: the first existing of <program dir>/policies, <prefix>/etc/sipwarden/policies, /etc/sipwarden/policies; with none, the shipped plugins run on built-in defaults).", valueName: "dir"))
    var policiesDirectory: String?

    @Option(name: .customLong("plugins-dir"), help: ArgumentHelp("Directory of plugin libraries (default: the directory of this program).", valueName: "dir"))
    var pluginsDirectory: String?

    @Flag(name: .customLong("check-config"), help: "Check the configuration and every policy file (loading each plugin with its settings), print what was found and exit: 0 when all is valid, 2 otherwise. Starts nothing.")
    var checkConfig = false

    @Option(name: .customLong("policy-test"), help: ArgumentHelp("Replay this security log through the policies as their files are now and print, as JSON, what they would have banned, when and why (sipwardenctl policy test shows it as a table). Starts nothing.", valueName: "log"))
    var policyTest: String?

    @Option(name: .long, help: ArgumentHelp("With --policy-test: replay through this policy only.", valueName: "name"))
    var policy: String?

    @Option(name: .customLong("log-level"), help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String?

    func run() async throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try effectiveConfiguration()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("sipwarden: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let policyTest {
            do {
                let policies = try PolicyReplay.policies(configuration, only: policy)
                let report = try PolicyReplay(policies: policies, trusted: configuration.trusted).run(logPath: policyTest)
                let data = try ControlJSON.makePrettyEncoder().encode(report)
                FileHandle.standardOutput.write(data + Data("\n".utf8))
                return
            } catch {
                FileHandle.standardError.write(Data("sipwarden: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if checkConfig {
            let report = ConfigurationCheck.run(configuration)
            print("configuration: ok (\(config ?? "built-in defaults"))")
            for line in report.lines { print(line) }
            for problem in report.problems { FileHandle.standardError.write(Data("sipwarden: \(problem)\n".utf8)) }
            if !report.problems.isEmpty { throw ExitCode(2) }
            print("all checks passed")
            return
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "sipwarden")
        logger.info("sipwarden \(SIPWardenDaemon.version) starting", metadata: [
            "config": "\(config ?? "(built-in defaults)")", "data_dir": "\(configuration.dataDirectory)",
        ])
        do {
            try await SIPWardenDaemon(configuration: configuration, logger: logger).run()
        } catch let error as ListenError {
            // Like a bad configuration: another address is needed, or what holds it must stop.
            logger.critical("cannot start: \(error)")
            FileHandle.standardError.write(Data("sipwarden: \(error)\n".utf8))
            throw ExitCode(2)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
    }

    private func effectiveConfiguration() throws -> DaemonConfiguration {
        var configuration = try config.map { try ConfigurationLoader.load(path: $0) } ?? DaemonConfiguration()
        if !listen.isEmpty {
            configuration.listen = try listen.map { text in
                guard let address = ListenAddress(parsing: text) else {
                    throw ConfigurationError(file: "command line", key: "--listen", value: text,
                                             message: "expected udp:HOST:PORT or tcp:HOST:PORT, e.g. --listen udp:127.0.0.1:5060")
                }
                return address
            }
            configuration.listenIsDefault = false
        }
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        if let controlSocket { configuration.controlSocketPath = controlSocket }
        if let securityLog { configuration.securityLogPath = securityLog }
        if let firewall { configuration.firewall = try ConfigurationLoader.firewallMode(firewall, file: "command line", key: "--firewall") }
        if let policiesDirectory { configuration.policiesDirectory = policiesDirectory }
        if let pluginsDirectory { configuration.pluginsDirectory = pluginsDirectory }
        if let logLevel {
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw ConfigurationError(file: "command line", key: "--log-level", value: logLevel,
                                         message: "expected one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = level
        }
        try ConfigurationLoader.validate(configuration, file: config ?? "command line")
        return configuration
    }
}
