import ArgumentParser
import ControlAPI

/// The root command: `sipwardenctl [--socket PATH] <command> ...`.
struct Sipwardenctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sipwardenctl",
        abstract: "Operate a running sipwarden: subscribers, registrations, bans, plugins, status.",
        discussion: """
            Talks to the daemon over its control socket (HTTP/JSON on a Unix socket, mode 0660). \
            Exit status: 0 ok, 1 the daemon refused or failed, 2 usage error, 3 daemon unreachable.

            Examples:
              sipwardenctl subscriber add 1001 --password s3cret --domain example.com
              sipwardenctl subscriber import users.csv
              sipwardenctl registrations list
              sipwardenctl ban add 203.0.113.7 --for 2h --reason "SIP scanner"
              sipwardenctl ban why 203.0.113.7
              sipwardenctl plugins list
              sipwardenctl subscriber set 2001 --auth-mode ip && sipwardenctl allow add 2001 192.0.2.0/24
              sipwardenctl trusted add 198.51.100.0/24
              sipwardenctl stats
              sipwardenctl --socket /run/sipwarden/control.sock registrations list --json
            """,
        version: SIPWardenVersion.current,
        subcommands: [
            SubscriberCommand.self, RegistrationsCommand.self, BanCommand.self, PluginsCommand.self, StatusCommand.self,
            // Issue 5, operator control:
            AllowCommand.self, TrustedCommand.self, StatsCommand.self, PolicyCommand.self,
            // Issue 13, registration history and analysis:
            HistoryCommand.self, AnalysisCommand.self,
            // Issue 13, alerts on registration anomalies:
            AlertsCommand.self,
            // Issue 15, the web console:
            ConsoleCommand.self, EventsCommand.self,
            // Issue 14, outbound registration:
            TrunkCommandGroup.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
}
