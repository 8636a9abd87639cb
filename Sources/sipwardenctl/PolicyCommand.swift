import ArgumentParser

/// `sipwardenctl policy ...`: working on policy files before they go live.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Try policy files on a recorded security log, show them, or install one the daemon checked.",
        discussion: """
            Examples:
              sipwardenctl policy test /var/log/sipwarden/security.log
              sipwardenctl policy test security.log.1 --policy bruteforce --policies-dir ./my-policies
              sipwardenctl policy show bruteforce
              sipwardenctl policy set bruteforce ./bruteforce.yaml
            """,
        subcommands: [PolicyTestCommand.self, PolicyShowCommand.self, PolicySetCommand.self]
    )
}
