/// Where the control socket lives and how it is protected; shared by the daemon (which
/// creates it) and the CLI (which connects to it).
public enum ControlSocket {
    /// The environment variable that names the socket for the CLI.
    public static let environmentVariable = "SIPWARDEN_SOCKET"
    /// The socket's file name inside the daemon's data directory.
    public static let fileName = "control.sock"
    /// The daemon's default data directory.
    public static let defaultDataDirectory = "./var"
    /// The default socket path: `<default data dir>/control.sock`.
    public static let defaultPath = defaultDataDirectory + "/" + fileName
    /// Where an installed daemon's socket is (the systemd unit's `RuntimeDirectory=sipwarden`).
    public static let installedPath = "/run/sipwarden/control.sock"
    /// The socket file's permission bits: owner and group may connect, others may not.
    public static let fileMode: UInt16 = 0o660
    /// The longest path a Unix socket address holds on Linux (`sun_path` is 108 bytes,
    /// one of them the terminating NUL).
    public static let maximumPathLength = 107

    /// The socket path the CLI uses when `--socket` is not given: `$SIPWARDEN_SOCKET` when
    /// set and not empty, else `./var/control.sock`, else (when that does not exist but an
    /// installed daemon's does) `/run/sipwarden/control.sock`.
    public static func defaultPath(environment: [String: String], exists: (String) -> Bool = { _ in false }) -> String {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        if !exists(defaultPath), exists(installedPath) { return installedPath }
        return defaultPath
    }

    /// The socket path of a daemon whose data directory is `dataDirectory`.
    public static func path(inDataDirectory dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + fileName : dataDirectory + "/" + fileName
    }
}
