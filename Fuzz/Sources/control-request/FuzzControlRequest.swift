import ControlAPI
import Foundation

/// libFuzzer entry point: one control API request as the daemon sees it. The input's first
/// line is `METHOD TARGET` (through `ControlRoute.match`, which also parses the query string
/// and the registration filters); the rest is the body, decoded with `ControlJSON`'s decoder
/// as every request type the dispatcher accepts, and validated as the dispatcher does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzControlRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let newline = input.firstIndex(of: UInt8(ascii: "\n")) ?? input.endIndex
    let requestLine = String(decoding: input[..<newline], as: UTF8.self)
    let body = Data(input[min(newline + 1, input.endIndex)...])
    let parts = requestLine.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
    let method = parts.first.map(String.init) ?? ""
    let target = parts.count > 1 ? String(parts[1]) : "/"
    switch ControlRoute.match(method: method, target: target) {
    case .route(let route):
        _ = route.summary
    case .methodNotAllowed, .notFound, .badRequest:
        break
    }
    let decoder = ControlJSON.makeDecoder()
    if let request = try? decoder.decode(BanAddRequest.self, from: body) {
        _ = request.validationProblem()
        _ = BanTarget.canonical(request.target)
        _ = BanTarget.problem(request.target)
    }
    if let request = try? decoder.decode(UnregisterRequest.self, from: body) {
        _ = request.validationProblem()
        if let ip = request.ip { _ = IPNetwork(ip) }
    }
    if let request = try? decoder.decode(SubscriberAddRequest.self, from: body) { _ = request.validationProblem() }
    if let request = try? decoder.decode(SubscriberImportRequest.self, from: body) { _ = request.validationProblem() }
    if let request = try? decoder.decode(SubscriberUpdateRequest.self, from: body) { _ = request.validationProblem() }
    if let request = try? decoder.decode(SubscriberPasswordRequest.self, from: body) { _ = request.validationProblem() }
    if let request = try? decoder.decode(AllowedRangeRule.self, from: body) { _ = request.validationProblem() }
    if let request = try? decoder.decode(TrustedRangeRequest.self, from: body) { _ = request.validationProblem() }
    return 0
}
