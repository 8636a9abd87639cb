import Foundation

/// A socket call of the trunk client failed.
struct TrunkSocketError: Error, CustomStringConvertible {
    let call: String
    let code: Int32

    init(_ call: String, _ code: Int32) {
        self.call = call
        self.code = code
    }

    var description: String { "trunk socket: \(call) failed: \(String(cString: strerror(code)))" }
}
