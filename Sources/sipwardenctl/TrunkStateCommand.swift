import ArgumentParser
import ControlAPI

/// What `trunk enable`, `trunk disable` and `trunk refresh` share: send one `TrunkCommand` for
/// the named trunk and print the trunk's state after it.
protocol TrunkStateCommand: AsyncParsableCommand {
    /// The command sent to the daemon.
    static var trunkCommand: TrunkCommand { get }
    var global: GlobalOptions { get }
    var name: String { get }
    var json: Bool { get }
}

extension TrunkStateCommand {
    func run() async throws {
        let trunk = try await global.client().trunk(named: name, Self.trunkCommand)
        if json {
            try Console.json(trunk)
            return
        }
        Console.line("Trunk \(trunk.name): \(trunk.state).")
    }
}
