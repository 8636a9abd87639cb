import Foundation

/// Writing to standard output and standard error, whole strings at a time.
enum Console {
    /// Writes `text` to standard output as it is.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes `text` and a newline to standard output.
    static func line(_ text: String) {
        out(text + "\n")
    }

    /// Writes "sipwardenctl: " + `text` and a newline to standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("sipwardenctl: \(text)\n".utf8))
    }

    /// Writes a value as indented JSON with sorted keys (the `--json` output).
    static func json<Value: Encodable>(_ value: Value) throws {
        let data = try ControlJSONOutput.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}
