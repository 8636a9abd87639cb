import Foundation

extension DaemonConfiguration {
    /// The TCP control listener's settings with the token read from `control.token_file`, or
    /// nil when `control.tcp_listen` is not set.
    ///
    /// - Throws: `ConfigurationError` when the token file cannot be read or is empty.
    public func controlTCPSettings() throws -> ControlTCPSettings? {
        guard let address = controlTCPListen else { return nil }
        guard let file = controlTokenFile else {
            throw ConfigurationError(file: "configuration", key: "control.token_file", value: "", message: "is needed with control.tcp_listen")
        }
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            throw ConfigurationError(file: "configuration", key: "control.token_file", value: file, message: "cannot read it (\(error.localizedDescription))")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else {
            throw ConfigurationError(
                file: "configuration", key: "control.token_file", value: file,
                message: "holds a token of \(token.count) characters; use at least 16, e.g. from 'head -c 32 /dev/urandom | base64'")
        }
        return ControlTCPSettings(address: address, token: token)
    }
}
