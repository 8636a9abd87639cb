/// A trunk's registrar or proxy name did not resolve.
struct TrunkResolutionError: Error, CustomStringConvertible {
    let host: String
    let reason: String

    var description: String { "\(host): \(reason)" }
}
