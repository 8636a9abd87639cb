/// The body of a plugin's `sipwarden_policy_create` entry point:
///
/// ```swift
/// @_cdecl("sipwarden_policy_api_version")
/// public func sipwardenPolicyAPIVersion() -> Int32 { PolicyAPI.version }
///
/// @_cdecl("sipwarden_policy_create")
/// public func sipwardenPolicyCreate(_ request: UnsafeMutableRawPointer) -> Int32 {
///     PluginExport.create(request) { configuration, host in
///         try BruteForcePlugin(configuration: configuration, host: host)
///     }
/// }
/// ```
public enum PluginExport {
    /// Runs `make` with the request's configuration and host; stores the plugin, or the
    /// error's description. Returns 0 on success, 1 on failure.
    public static func create(
        _ request: UnsafeMutableRawPointer,
        _ make: (PolicyConfiguration, any PolicyHost) throws -> any PolicyPlugin
    ) -> Int32 {
        let request = Unmanaged<PluginCreateRequest>.fromOpaque(request).takeUnretainedValue()
        do {
            request.plugin = try make(request.configuration, request.host)
            return 0
        } catch {
            request.error = String(describing: error)
            return 1
        }
    }
}
