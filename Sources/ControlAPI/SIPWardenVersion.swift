/// The version of SIPWarden, shared by the daemon (`sipwarden --version`, `GET /v1/health`)
/// and the CLI (`sipwardenctl --version`), so the two always say the same.
public enum SIPWardenVersion {
    /// The version string (the Makefile reads it from this line for `make install`).
    public static let current = "0.1.0"
}
