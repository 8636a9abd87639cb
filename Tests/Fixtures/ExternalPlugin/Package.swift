// swift-tools-version:6.1
import PackageDescription

/// Plugins built the way a third party would build one: their own package, depending only on
/// the plugin API package. PluginHostTests builds it and loads `libsipwarden-external.so`; the
/// end-to-end tests load `libsipwarden-hostprobe.so` (calls every host function from every
/// plugin call) and `libsipwarden-stuck.so` (a plugin that hangs or falls behind) into a daemon.
let package = Package(
    name: "ExternalPlugin",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "sipwarden-external", type: .dynamic, targets: ["ExternalPlugin"]),
        .library(name: "sipwarden-hostprobe", type: .dynamic, targets: ["HostProbePlugin"]),
        .library(name: "sipwarden-stuck", type: .dynamic, targets: ["StuckPlugin"]),
    ],
    dependencies: [
        .package(path: "../../../PolicyAPI"),
    ],
    targets: [
        .target(name: "ExternalPlugin", dependencies: [.product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .target(name: "HostProbePlugin", dependencies: [.product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .target(name: "StuckPlugin", dependencies: [.product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
    ],
    swiftLanguageModes: [.v6]
)
