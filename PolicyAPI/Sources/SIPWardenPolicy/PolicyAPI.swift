/// The version of the plugin API this library implements.
///
/// A plugin exports the version it was built against (`sipwarden_policy_api_version`); the
/// host refuses a plugin whose version differs before calling anything else in it.
public enum PolicyAPI {
    /// The plugin API version. Bumped on any change a built plugin could notice.
    public static let version: Int32 = 1
}
