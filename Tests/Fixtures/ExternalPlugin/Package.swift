// swift-tools-version:6.1
import PackageDescription

/// A plugin built the way a third party would build one: its own package, depending only on
/// the plugin API package. PluginHostTests builds it and loads `libsipwarden-external.so`.
let package = Package(
    name: "ExternalPlugin",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "sipwarden-external", type: .dynamic, targets: ["ExternalPlugin"]),
    ],
    dependencies: [
        .package(path: "../../../PolicyAPI"),
    ],
    targets: [
        .target(name: "ExternalPlugin", dependencies: [.product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
    ],
    swiftLanguageModes: [.v6]
)
