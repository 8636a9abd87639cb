// swift-tools-version:6.1
import PackageDescription

/// The SIPWarden plugin API, a package of its own so that it can be one *dynamic* library
/// (`libSIPWardenPolicy.so`) shared by the daemon and every plugin. Were it a plain target of
/// the root package, SwiftPM would link a static copy into the daemon and into each plugin,
/// and `as? PolicyPlugin` across dlopen would fail (two protocol descriptors). Library
/// evolution keeps the layout of its types resilient, so a plugin built against an older
/// API version never reads fields at the wrong offsets.
let package = Package(
    name: "PolicyAPI",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "SIPWardenPolicy", type: .dynamic, targets: ["SIPWardenPolicy"]),
    ],
    targets: [
        .target(
            name: "SIPWardenPolicy",
            swiftSettings: [.unsafeFlags(["-enable-library-evolution"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
