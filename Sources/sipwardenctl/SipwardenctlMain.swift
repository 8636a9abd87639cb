import ArgumentParser
import ControlAPI
import Foundation

/// The entry point: runs the command and turns every failure into the documented exit
/// status (0 ok, 1 the daemon refused or failed, 2 usage error, 3 daemon unreachable).
@main
enum SipwardenctlMain {
    static func main() async {
        do {
            var command = try Sipwardenctl.parseAsRoot()
            refuseBareGroup(command)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(reporting: error)
        }
    }

    /// A command group named without a subcommand (`sipwardenctl ban`) is a usage error: its
    /// help goes to standard error and the exit status is 2, not 0.
    private static func refuseBareGroup(_ command: any ParsableCommand) {
        let configuration = Swift.type(of: command).configuration
        guard !configuration.subcommands.isEmpty, configuration.defaultSubcommand == nil else { return }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName }.joined(separator: ", ")
        FileHandle.standardError.write(Data((Sipwardenctl.helpMessage(for: Swift.type(of: command)) + "\n").utf8))
        Console.error("name a subcommand of '\(configuration.commandName ?? "sipwardenctl")': \(names)")
        Foundation.exit(2)
    }

    private static func exit(reporting error: any Error) -> Never {
        switch error {
        case let failure as CLIFailure:
            Console.error(failure.message)
            Foundation.exit(failure.exitCode)
        case let failure as ControlClientError:
            Console.error(failure.description)
            Foundation.exit(failure.isUnreachable ? 3 : 1)
        default:
            // ArgumentParser reports usage errors with EX_USAGE (64); this CLI promises 2.
            if Sipwardenctl.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((Sipwardenctl.fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            Sipwardenctl.exit(withError: error)
        }
    }
}
