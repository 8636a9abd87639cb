/// The in/out parameter of `sipwarden_policy_create`, passed as
/// `Unmanaged<PluginCreateRequest>.toOpaque()` because a C entry point cannot take Swift types.
///
/// `@unchecked Sendable`: it is written by the plugin's entry point and read by the host after
/// the call returns, on the same thread; nobody else sees it.
public final class PluginCreateRequest: @unchecked Sendable {
    /// The plugin's configuration (its policy file's `settings`).
    public let configuration: PolicyConfiguration
    /// The host the plugin talks to.
    public let host: any PolicyHost
    /// Set by the entry point on success.
    public var plugin: (any PolicyPlugin)?
    /// Set by the entry point on failure: why the plugin could not be created.
    public var error: String?

    /// Creates a request.
    public init(configuration: PolicyConfiguration, host: any PolicyHost) {
        self.configuration = configuration
        self.host = host
    }
}
