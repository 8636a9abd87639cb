import ScannerBlock
import SIPWardenPolicy

/// The plugin API version this library was built against; the host checks it before anything else.
@_cdecl("sipwarden_policy_api_version")
public func sipwardenPolicyAPIVersion() -> Int32 { PolicyAPI.version }

/// Creates the scanner plugin from the request's configuration (see `PluginExport`).
@_cdecl("sipwarden_policy_create")
public func sipwardenPolicyCreate(_ request: UnsafeMutableRawPointer) -> Int32 {
    PluginExport.create(request) { configuration, host in
        try ScannerBlockPlugin(configuration: configuration, host: host)
    }
}
