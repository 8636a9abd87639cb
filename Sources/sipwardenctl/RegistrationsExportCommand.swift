import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl registrations export --format csv|json [-o FILE] [filters]`.
struct RegistrationsExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the registration table (live and recently expired bindings) as CSV or JSON, for audits.",
        discussion: """
            The whole table by default (--status all); the list filters narrow it. JSON is \
            exactly what 'registrations list --json' prints for the same filters; CSV has a \
            header row of the same keys (RFC 4180, CRLF line ends, empty fields for null). \
            Without -o the export goes to standard output; with it, to FILE (replaced), and a \
            one-line summary to standard output.

            Examples:
              sipwardenctl registrations export --format csv -o registrations.csv
              sipwardenctl registrations export --format json --account acme -o acme.json
              sipwardenctl registrations export --format csv | gzip > audit-$(date +%F).csv.gz
            """
    )

    /// The export formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup var filters: RegistrationFilterOptions

    @Option(help: ArgumentHelp("csv or json.", valueName: "format"))
    var format: Format

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() async throws {
        let query = try filters.query(defaultStatus: .all)
        let rows = try await global.client().registrations(matching: query)
        let data: Data
        switch format {
        case .csv: data = Data(RegistrationCSV.render(rows).utf8)
        case .json: data = try ControlJSONOutput.encode(rows) + Data("\n".utf8)
        }
        guard let output else {
            FileHandle.standardOutput.write(data)
            return
        }
        do {
            try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        } catch {
            throw CLIFailure.failed("cannot write \(output): \(error.localizedDescription)")
        }
        Console.line("Exported \(RegistrationTable.count(rows.count).dropLast()) to \(output).")
    }
}
