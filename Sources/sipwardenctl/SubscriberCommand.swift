import ArgumentParser

/// `sipwardenctl subscriber ...`: the accounts that may register.
struct SubscriberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subscriber",
        abstract: "Add, change, import, list, show and remove subscribers (the accounts phones register with).",
        discussion: """
            Examples:
              sipwardenctl subscriber add 1001 --password s3cret --domain example.com --display-name "Reception"
              sipwardenctl subscriber set 1001 --domain example.com --auth-mode password+ip --account acme
              sipwardenctl subscriber passwd 1001 --domain example.com
              sipwardenctl subscriber show 1001 --domain example.com
              sipwardenctl subscriber import users.csv
              sipwardenctl subscriber export --output backup.csv
              sipwardenctl subscriber list --json
              sipwardenctl subscriber remove 1001 --domain example.com
            """,
        subcommands: [
            SubscriberAddCommand.self, SubscriberSetCommand.self, SubscriberPasswdCommand.self, SubscriberShowCommand.self,
            SubscriberImportCommand.self, SubscriberExportCommand.self, SubscriberListCommand.self, SubscriberRemoveCommand.self,
        ]
    )
}
