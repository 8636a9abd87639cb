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

    /// The daemon's TCP control listener, instead of the socket.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The daemon's TCP control listener, e.g. http://127.0.0.1:9479 (default: $\(ControlEndpoint.urlEnvironmentVariable)); needs a token.",
            valueName: "url"))
    var url: String?

    /// The file holding the TCP listener's bearer token.
    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp(
            "A file holding the bearer token for --url (default: $\(ControlEndpoint.tokenEnvironmentVariable) holds the token itself).",
            valueName: "file"))
    var tokenFile: String?

    /// A client of the daemon these options name: `--url` (or `$SIPWARDEN_URL`) with its
    /// token, else the socket.
    func client() throws -> ControlClient {
        let environment = ProcessInfo.processInfo.environment
        guard let url = url ?? environment[ControlEndpoint.urlEnvironmentVariable].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return ControlClient(socketPath: socketPath())
        }
        let token: String
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw CLIFailure.usage("cannot read the token file \(tokenFile)")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let value = environment[ControlEndpoint.tokenEnvironmentVariable], !value.isEmpty {
            token = value
        } else {
            throw CLIFailure.usage("--url needs a token: give --token-file FILE or set $\(ControlEndpoint.tokenEnvironmentVariable)")
        }
        guard let endpoint = ControlEndpoint.parse(url: url, token: token) else {
            throw CLIFailure.usage("'\(url)' is not a control URL; write http://HOST:PORT, e.g. http://127.0.0.1:9479")
        }
        return ControlClient(endpoint: endpoint)
    }

    /// The socket to use: `--socket`, else `$SIPWARDEN_SOCKET`, else `./var/control.sock`.
    func socketPath(inheriting root: GlobalOptions? = nil) -> String {
        if let socket { return socket }
        if let socket = root?.socket { return socket }
        return ControlSocket.defaultPath(environment: ProcessInfo.processInfo.environment) { FileManager.default.fileExists(atPath: $0) }
    }

    /// Refuses an empty `--socket` (a usage error, exit 2) rather than trying to connect to "".
    func validate() throws {
        if socket?.isEmpty == true {
            throw ValidationError("--socket needs the control socket's path, e.g. --socket \(ControlSocket.installedPath)")
        }
        if url?.isEmpty == true {
            throw ValidationError("--url needs the control listener's URL, e.g. --url http://127.0.0.1:9479")
        }
    }
}
