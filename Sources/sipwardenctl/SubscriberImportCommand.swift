import ArgumentParser
import ControlAPI
import Foundation

/// `sipwardenctl subscriber import FILE [--domain D]`: bulk provisioning from a SIPp injection
/// file.
struct SubscriberImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add or update many subscribers from a SIPp injection file.",
        discussion: """
            The file is the one 'sipp -inf' reads: an optional first line SEQUENTIAL, RANDOM or \
            USER, then one 'user;password' line per subscriber (further ';fields' are ignored, \
            blank lines and '#' comments too). A header line 'user;password;account;display_name;auth_mode' \
            (any of the last three, in any order) reads those columns too; an ip or ip+port \
            line may leave the password empty. Columns domain, realm, ha1_md5 and ha1_sha256 \
            carry a subscriber's domain and its HA1 digests instead of a password (the password \
            field empty): what 'subscriber export' writes, so an export imports back to the same \
            accounts; digests are refused unless their realm is the one this daemon would use. \
            Existing subscribers get the new password and the columns the file gives. The \
            whole file is checked first: a bad line is reported with its number and nothing is \
            imported. 100,000 users go in one request. FILE '-' reads standard input.

            Examples:
              sipwardenctl subscriber import users.csv
              sipwardenctl subscriber import users.csv --domain example.com
              sipwardenctl subscriber import phones.csv    # first line: user;password;account;auth_mode
              ./make_users.sh /dev/stdout 1000 | sipwardenctl subscriber import -
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The injection file ('-' for standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The domain every imported subscriber belongs to (default: any domain).", valueName: "domain"))
    var domain: String?

    func validate() throws {
        if let domain, let problem = SubscriberValidation.problem(domain: domain) {
            throw ValidationError(problem)
        }
    }

    func run() async throws {
        let contents = try readFile()
        let entries: [SubscriberImportEntry]
        do {
            entries = try SubscriberImportFile.parse(contents, domain: domain)
        } catch {
            throw CLIFailure.failed("\(displayName):\(error.line): \(error.message); nothing was imported")
        }
        guard !entries.isEmpty else {
            throw CLIFailure.failed("\(displayName) has no 'user;password' lines; nothing was imported")
        }
        let response = try await global.client()
            .importSubscribers(SubscriberImportRequest(entries: entries))
        Console.line("Imported \(response.imported) subscriber\(response.imported == 1 ? "" : "s") from \(displayName).")
    }

    private var displayName: String { InputFile(path: file).displayName }

    private func readFile() throws -> Data { try InputFile(path: file).read() }
}
