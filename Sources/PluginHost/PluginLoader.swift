#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SIPWardenPolicy

/// Loads a plugin library with dlopen and creates its plugin.
///
/// Order matters: the API version is read before anything else is called, so a plugin built
/// for another API never has its create function run against types it does not know.
/// Libraries are never dlclose'd: the Swift runtime keeps pointers into a loaded image's
/// metadata, so unloading Swift code is unsafe. Loading the same file again (a reload)
/// returns the already-loaded image, so a rebuilt library takes effect at the next start.
public enum PluginLoader {
    /// The C symbol that returns the API version a plugin was built against.
    public static let versionSymbol = "sipwarden_policy_api_version"
    /// The C symbol that creates a plugin from a `PluginCreateRequest`.
    public static let createSymbol = "sipwarden_policy_create"

    private typealias VersionFunction = @convention(c) () -> Int32
    private typealias CreateFunction = @convention(c) (UnsafeMutableRawPointer) -> Int32

    /// The file name of the library of plugin `name`: `libsipwarden-NAME.so` (`.dylib` on macOS).
    public static func libraryFileName(plugin name: String) -> String {
        #if os(macOS)
        "libsipwarden-\(name).dylib"
        #else
        "libsipwarden-\(name).so"
        #endif
    }

    /// Loads the library at `path`, checks its API version and creates its plugin.
    public static func load(
        library path: String, configuration: PolicyConfiguration, host: any PolicyHost
    ) throws(PluginLoadError) -> any PolicyPlugin {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = lastError()
            if reason.contains("undefined symbol") {
                // A Swift plugin built against another API version usually fails here, before
                // its version can be asked: say so rather than leaving a bare linker message.
                throw PluginLoadError(file: path, message: "cannot load \(path): \(reason) (was it built against another plugin API? this sipwarden speaks API \(PolicyAPI.version))")
            }
            throw PluginLoadError(file: path, message: "cannot load \(path): \(reason)")
        }
        guard let versionSymbol = dlsym(handle, versionSymbol) else {
            throw PluginLoadError(file: path, message: "\(path) is not a SIPWarden plugin (it exports no \(Self.versionSymbol))")
        }
        let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard version == PolicyAPI.version else {
            throw PluginLoadError(
                file: path,
                message: "\(path) was built for plugin API \(version), this sipwarden speaks API \(PolicyAPI.version); rebuild the plugin against this sipwarden's SIPWardenPolicy")
        }
        guard let createSymbol = dlsym(handle, createSymbol) else {
            throw PluginLoadError(file: path, message: "\(path) is not a SIPWarden plugin (it exports no \(Self.createSymbol))")
        }
        let create = unsafeBitCast(createSymbol, to: CreateFunction.self)
        let request = PluginCreateRequest(configuration: configuration, host: host)
        let status = withExtendedLifetime(request) { create(Unmanaged.passUnretained(request).toOpaque()) }
        if status != 0 || request.plugin == nil {
            throw PluginLoadError(file: path, message: "\(path): the plugin could not start: \(request.error ?? "no reason given (status \(status))")")
        }
        // Check the object really conforms in this process's view of the API: with two copies of
        // libSIPWardenPolicy loaded this cast is where it would fail, so fail loudly instead.
        guard let plugin = request.plugin, let checked = (plugin as AnyObject) as? any PolicyPlugin else {
            throw PluginLoadError(file: path, message: "\(path): the plugin object does not conform to this sipwarden's PolicyPlugin (a second copy of libSIPWardenPolicy.so?)")
        }
        return checked
    }

    private static func lastError() -> String {
        guard let message = dlerror() else { return "unknown error" }
        return String(cString: message)
    }
}
