/// Where a plugin stands.
public enum PluginState: Hashable, Sendable, CustomStringConvertible {
    /// Loaded and receiving events.
    case loaded
    /// Not running on purpose: `enabled: false`, or switched off after it threw.
    case disabled(reason: String)
    /// Could not be loaded or created (bad file, wrong API version, bad settings).
    case failed(error: String)

    /// `loaded`, `disabled: REASON` or `failed: ERROR` (what `sipwardenctl plugins list` shows).
    public var description: String {
        switch self {
        case .loaded: "loaded"
        case .disabled(let reason): "disabled: \(reason)"
        case .failed(let error): "failed: \(error)"
        }
    }

    /// Whether the plugin is off against the operator's will: it failed to load, or was
    /// disabled after throwing or getting stuck (not `enabled: false`).
    public var isFailure: Bool {
        switch self {
        case .loaded: false
        case .disabled(let reason): !reason.hasPrefix("enabled: false")
        case .failed: true
        }
    }

    /// Whether the plugin is receiving calls.
    public var isLoaded: Bool { self == .loaded }
}
