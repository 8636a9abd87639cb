import Alerts
import Firewall
import Foundation
import History
import Logging
import Registrar
import SIPWardenPolicy
import SecurityLog
import Store

/// Everything the daemon runs with. Every key is documented in the README's configuration
/// reference; the defaults run out of the box.
public struct DaemonConfiguration: Sendable {
    /// Sockets to listen on (`listen`).
    public var listen: [ListenAddress] = ListenAddress.defaults
    /// Whether `listen` is still the built-in default (then an IPv6 socket that cannot be
    /// opened is skipped with a warning instead of stopping the daemon).
    public var listenIsDefault = true
    /// Where the database and logs live (`data_dir`).
    public var dataDirectory = "./var"
    /// The control socket (`control_socket`); nil means `<data_dir>/control.sock`.
    public var controlSocketPath: String?
    /// The security log (`security_log`); nil means `<data_dir>/security.log`.
    public var securityLogPath: String?
    /// How floods are bounded in the security log (`security_log.repeat_after` and the rest).
    public var securityLogLimits = SecurityLogLimits()
    /// The log level (`log_level`).
    public var logLevel: Logger.Level = .info
    /// Registrar rules (`registrar.*` and `auth.*`).
    public var registrar = RegistrarConfiguration()
    /// Whether UDP responses go to the packet's source port even without `rport`
    /// (`registrar.force_rport`).
    public var forceRport = true
    /// Largest SIP message accepted, bytes (`transport.max_message_size`).
    public var maxMessageSize = 65536
    /// UDP sockets per UDP listen address, each read by its own event loop
    /// (`transport.udp_sockets`); 0: one per event loop (one per CPU core).
    public var udpSockets = 0
    /// Seconds a TCP connection may stay silent before it is closed (`transport.tcp_idle_timeout`).
    public var tcpIdleTimeout: Int64 = 600
    /// Seconds a new TCP connection has to send a complete SIP message before it is closed as
    /// junk (`transport.tcp_first_message_timeout`); 0: no limit but the idle timeout.
    public var tcpFirstMessageTimeout: Int64 = 5
    /// Open TCP connections one address may hold; further ones are closed at accept
    /// (`transport.tcp_max_connections_per_source`); 0: no limit.
    public var tcpMaxConnectionsPerSource = 64
    /// Seconds a transaction's final response is kept for retransmissions
    /// (`transport.transaction_lifetime`).
    public var transactionLifetime: Int64 = 32
    /// Database durability (`store.durability`).
    public var durability: StoreDurability = .full
    /// Seconds between sweeps of lapsed bindings (`store.sweep_interval`).
    public var sweepInterval: Int64 = 1
    /// Microseconds the group committer waits between back-to-back transactions under load so
    /// each carries more changes (`store.commit_delay_us`); 0: commit as soon as the last one ends.
    public var commitDelayMicroseconds: Int64 = 1000
    /// Seconds a lapsed, unreachable-removed or forced-out binding stays listed as `expired`
    /// (`registrar.expired_retention`); 0 keeps none.
    public var expiredRetention: Int64 = 3600
    /// NAT keepalive and reachability (`keepalive.*`).
    public var keepalive = KeepaliveConfiguration()
    /// The registration history (`history.*`).
    public var history = HistorySettings()
    /// Outbound registrations from the configuration file's `trunks:` (issue 14); those added
    /// at run time live in the store.
    public var trunks: [StoredTrunk] = []
    /// `trunk_timing.*`: the trunk client's delays, in seconds.
    public var trunkTiming = TrunkTimingSettings()

    /// How bans are enforced (`firewall`).
    public var firewall: FirewallMode = .auto
    /// The nftables backend's settings (`nftables.*`).
    public var nftables = NFTablesSettings()
    /// Ranges never banned, whatever a plugin decides (`trusted`).
    public var trusted: [IPRange] = []
    /// Where plugin libraries are (`plugins_dir`); nil means the daemon's own directory.
    public var pluginsDirectory: String?
    /// Where the policy files are (`policies_dir`); nil means the first existing of the
    /// directories ``PoliciesDirectory`` searches (never the working directory).
    public var policiesDirectory: String?

    // Issue 15, the web console (read in ConfigurationLoader+Console.swift).
    /// Where the web console is served (`console.listen`); nil: off.
    public var consoleListen: HostPort?
    /// Whether `console.listen` may be a non-loopback address (`console.allow_non_loopback`).
    public var consoleAllowNonLoopback = false
    /// How long a console login lasts, in seconds (`console.session_lifetime`).
    public var consoleSessionLifetime = 8 * 3600

    // Issue 5, operator control (read in ConfigurationLoader+Operator.swift).
    /// Where Prometheus metrics are served (`metrics.listen`); nil: off.
    public var metricsListen: HostPort?
    /// Whether `metrics.listen` may be a non-loopback address (`metrics.allow_non_loopback`).
    public var metricsAllowNonLoopback = false
    /// The group owning the control socket (`control.group`); nil: the daemon's own group.
    public var controlGroup: String?
    /// A TCP address for the control API (`control.tcp_listen`); nil: Unix socket only.
    public var controlTCPListen: HostPort?
    /// The file holding the bearer token TCP control clients must send (`control.token_file`).
    public var controlTokenFile: String?
    /// Whether `control.tcp_listen` may be a non-loopback address (`control.allow_non_loopback`).
    public var controlAllowNonLoopback = false

    // Issue 13, analysis (read in ConfigurationLoader+Analysis.swift).
    /// The alert engine's thresholds and baseline (`alerts.*`).
    public var alerts = AlertSettings()
    /// URLs alert events are POSTed to as JSON (`alerts.webhook`); empty: none.
    public var alertWebhooks: [URL] = []
    /// Seconds one webhook POST may take (`alerts.webhook_timeout`).
    public var alertWebhookTimeout: Double = 5
    /// Alerts that may wait for the webhook at most; more are dropped and counted (`alerts.webhook_queue`).
    public var alertWebhookQueue = 100
    /// The MaxMind-format country database (`geoip.database`); nil: countries are unknown.
    public var geoipDatabase: String?
    /// The devices file (`analysis.devices_file`); nil: the first existing of the files
    /// ``DevicesFile`` searches.
    public var devicesFile: String?

    /// The built-in defaults.
    public init() {}

    /// The plugins directory in force: the configured one, or the one holding this program.
    public var effectivePluginsDirectory: String {
        pluginsDirectory ?? Self.programDirectory
    }

    /// The policies directory in force, and how it was chosen.
    public var effectivePoliciesDirectory: PoliciesDirectory {
        PoliciesDirectory.resolve(configured: policiesDirectory, programDirectory: Self.programDirectory)
    }

    /// The devices file in force, and how it was chosen.
    public var effectiveDevicesFile: DevicesFile {
        DevicesFile.resolve(configured: devicesFile, programDirectory: Self.programDirectory,
                            policiesDirectory: effectivePoliciesDirectory.path)
    }

    /// The directory holding this program (symlinks resolved).
    static var programDirectory: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// The control socket path in force.
    public var effectiveControlSocketPath: String { controlSocketPath ?? dataDirectory + "/control.sock" }

    /// The nftables backend's options: the configured ports, or the listening ones.
    public var nftablesOptions: NFTablesOptions {
        var ports = nftables.ports ?? listen.map { UInt16(clamping: $0.port) }
        ports = Array(Set(ports)).sorted()
        return NFTablesOptions(table: nftables.table, ports: ports, allPorts: nftables.allPorts, removeTableOnStop: nftables.removeTableOnStop)
    }

    /// The security log path in force.
    public var effectiveSecurityLogPath: String { securityLogPath ?? SecurityLog.path(dataDirectory: dataDirectory) }

    /// The SQLite database path.
    public var databasePath: String { dataDirectory + "/sipwarden.sqlite" }

    /// The registration history's database path (beside the main one).
    public var historyPath: String { HistorySettings.path(dataDirectory: dataDirectory) }
}
