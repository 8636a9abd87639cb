import ArgumentParser
import ControlAPI

/// `sipwardenctl subscriber list [--json]`.
struct SubscriberListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List subscribers (never their credentials).",
        discussion: """
            --json prints an array of objects with the keys username, domain, display_name, \
            account, realm and auth_mode (null when absent); see docs/cli.md.

            Examples:
              sipwardenctl subscriber list
              sipwardenctl subscriber list --json | jq -r '.[].username'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print a JSON array instead of a table.")
    var json = false

    func run() async throws {
        let subscribers = try await global.client().subscribers()
        if json {
            try Console.json(subscribers)
            return
        }
        guard !subscribers.isEmpty else {
            Console.line("No subscribers.")
            return
        }
        var table = TextTable(headers: ["USERNAME", "DOMAIN", "DISPLAY-NAME", "ACCOUNT", "AUTH-MODE", "REALM"])
        for subscriber in subscribers {
            table.append([
                subscriber.username, subscriber.domain ?? "-", subscriber.displayName ?? "-",
                subscriber.account ?? "-", subscriber.authMode, subscriber.realm,
            ])
        }
        Console.out(table.render())
    }
}
