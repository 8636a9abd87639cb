import ControlAPI
import Foundation

/// The CLI's `--json` encoding: the control API's shared configuration, indented.
enum ControlJSONOutput {
    /// Encodes `value` for printing.
    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        try ControlJSON.makePrettyEncoder().encode(value)
    }
}
