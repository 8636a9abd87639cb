import ArgumentParser

/// `sipwardenctl analysis ...`: registration patterns from the history's rollups and events.
/// Each subcommand is a file of its own (Analysis<Name>Command.swift) and one line below.
struct AnalysisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analysis",
        abstract: "Analyse registrations over time: the trend, failed attempts, devices, countries.",
        discussion: """
            Reads the daemon's registration history (history.enabled, on by default). Every \
            subcommand takes --since (RFC 3339, or a span before now such as 7d) and --json; \
            tables also take --csv.

            Examples:
              sipwardenctl analysis trend --since 7d --step 1h
              sipwardenctl analysis trend --since 2h --step 1m --json
              sipwardenctl analysis failures --since 24h
              sipwardenctl analysis devices --since 30d
              sipwardenctl analysis geo --csv
            """,
        subcommands: [
            AnalysisTrendCommand.self,
            AnalysisFailuresCommand.self,
            AnalysisDevicesCommand.self,
            AnalysisGeoCommand.self,
        ]
    )
}
