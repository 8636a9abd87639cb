import ArgumentParser
import ControlAPI
import Foundation

/// The options every command takes: where the daemon's control socket is.
///
/// Declared on the root command and on every leaf, so `sipwardenctl --socket PATH subscriber
/// list` and `sipwardenctl subscriber list --socket PATH` both work.
struct GlobalOptions: ParsableArguments {
    /// The control socket path given on the command line, if any.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's control socket (default: $\(ControlSocket.environmentVariable), else \(ControlSocket.defaultPath)).",
            valueName: "path"))
    var socket: String?

    /// A client of the daemon these options name.
    func client() -> ControlClient { ControlClient(socketPath: socketPath()) }

    /// The socket to use: `--socket`, else `$SIPWARDEN_SOCKET`, else `./var/control.sock`.
    func socketPath(inheriting root: GlobalOptions? = nil) -> String {
        if let socket { return socket }
        if let socket = root?.socket { return socket }
        return ControlSocket.defaultPath(environment: ProcessInfo.processInfo.environment)
    }
}
