import PluginHost

/// libFuzzer entry point: YAML text through `PolicyFile.parse`, the reader of
/// `rules/policies/*.yaml`; a parsed file's plugin configuration is built as the host does.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: data == nil ? 0 : size), as: UTF8.self)
    if let file = try? PolicyFile.parse(yaml: text, path: "/fuzz/policies/bruteforce.yaml") {
        _ = file.configuration
        _ = file.isExec
    }
    return 0
}
