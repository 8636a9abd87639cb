/// The plugin requests of the control client.
extension ControlClient {
    /// `GET /v1/plugins`: every policy plugin and its state.
    public func plugins() async throws(ControlClientError) -> [PluginInfo] {
        try await answer(.listPlugins, body: nil, decoding: [PluginInfo].self)
    }

    /// `POST /v1/plugins/reload`: re-reads the policy files; returns the plugins after it.
    public func reloadPlugins() async throws(ControlClientError) -> [PluginInfo] {
        try await answer(.reloadPlugins, body: nil, decoding: [PluginInfo].self)
    }
}
