import Configuration

/// libFuzzer entry point: YAML text through the daemon's configuration loader and, when it
/// parses, its validation. Refusals (`ConfigurationError`) are expected; a trap is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigurationLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    if let configuration = try? ConfigurationLoader.parse(yaml: text, file: "fuzz.yaml") {
        _ = try? ConfigurationLoader.validate(configuration, file: "fuzz.yaml")
    }
    return 0
}
