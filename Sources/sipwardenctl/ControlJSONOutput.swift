import ControlAPI
import Foundation

/// The CLI's `--json` encoding: the control API's shared configuration, indented.
enum ControlJSONOutput {
    /// Encodes `value` for printing. An empty array is printed as `[]` (Foundation's
    /// indented form of it spans three lines).
    static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let data = try ControlJSON.makePrettyEncoder().encode(value)
        let isEmptyArray = data.first == UInt8(ascii: "[") && data.last == UInt8(ascii: "]")
            && data.dropFirst().dropLast().allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return isEmptyArray ? Data("[]".utf8) : data
    }
}
