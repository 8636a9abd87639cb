// swift-tools-version:6.1
import PackageDescription

/// SIPWarden: a SIP registrar with a built-in security agent. Module arrows point one way
/// (README "Architecture"): SIPCore <- Registrar <- Store; SIPWardenPolicy <- Registrar, ControlAPI, Firewall,
/// SecurityLog, History, PluginHost and the plugins; ControlAPI <- History; Registrar, Store,
/// Firewall, SecurityLog, History <- Configuration <- PluginHost, ControlServer, MetricsServer; all of those but MetricsServer
/// <- SIPService; everything <- Daemon <- sipwarden; ControlAPI <- ControlServer, MetricsServer,
/// PluginHost, SIPService, sipwardenctl; WorkerQueue <- SecurityLog, History. Nothing but sipwarden, the tests and the benches
/// imports Daemon. SIPCore and Registrar do no I/O and read no clock.
let package = Package(
    name: "SIPWarden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sipwarden", targets: ["sipwarden"]),
        .executable(name: "sipwardenctl", targets: ["sipwardenctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // HeapModule: the registrations page picks its rows with a bounded heap (already resolved for SwiftNIO).
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        // The plugin API: one dynamic library shared by the daemon and every plugin (see PolicyAPI/Package.swift).
        .package(path: "PolicyAPI"),
    ],
    targets: [
        .target(name: "SIPCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Registrar's `SourceAddress` holds the plugin API's `IPAddress` (binary, no heap): one
        // address type from the socket to the store, the firewall and the plugins.
        .target(name: "Registrar", dependencies: ["SIPCore", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .target(name: "Store", dependencies: ["Registrar", .product(name: "GRDB", package: "GRDB.swift")]),
        // An in-memory `StoreBackend` for unit tests; only test targets depend on it.
        .target(name: "StoreTesting", dependencies: ["Store", "Registrar"]),
        // ControlAPI parses addresses with the plugin API's IPAddress (the one parser); sipwardenctl
        // then loads libSIPWardenPolicy.so, which `make install` already puts beside it (RUNPATH $ORIGIN).
        .target(name: "ControlAPI", dependencies: [
            .product(name: "HeapModule", package: "swift-collections"), .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
        ]),
        .systemLibrary(name: "CNFTables", pkgConfig: "libnftnl", providers: [.apt(["libnftnl-dev", "libmnl-dev"])]),
        .target(name: "Firewall", dependencies: ["CNFTables", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        // The security log: a bounded queue and one writer thread appending JSON lines.
        // The one worker-queue mechanism: a bounded batch hand-over (security log, history).
        .target(name: "WorkerQueue"),
        .target(
            name: "SecurityLog",
            dependencies: ["WorkerQueue", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "Logging", package: "swift-log")]
        ),
        // The registration history (issue 13): its own SQLite file of events and rollups,
        // written in batches by one background thread, bounded by retention and size.
        .target(
            name: "History",
            dependencies: [
                "ControlAPI", "WorkerQueue", .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon's settings and the YAML loader that reads them.
        .target(
            name: "Configuration",
            dependencies: [
                "Registrar", "Store", "Firewall", "SecurityLog", "History",
                .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Policy plugins: the policy files, the loader, the host that feeds them events and runs
        // their ticks on workers, exec plugins, and the offline replay behind `--policy-test`.
        .target(
            name: "PluginHost",
            dependencies: [
                "Configuration", "ControlAPI",
                .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The control API's server: HTTP/1.1 over the Unix socket (and an optional TCP listener
        // with a bearer token), routing each request to a `ControlService`.
        .target(
            name: "ControlServer",
            dependencies: [
                "ControlAPI", "Configuration",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The SIP transport and registrar service: UDP and TCP handlers, the REGISTER path with
        // its durable commits, keepalives, per-phone ranges, the security coordinator (events to
        // the log and the plugins, decisions to the firewall and the store) and the control
        // API's operations over them.
        .target(
            name: "SIPService",
            dependencies: [
                "SIPCore", "Registrar", "Store", "ControlAPI", "ControlServer", "Firewall", "SecurityLog", "Configuration", "PluginHost",
                "History",
                "TrunkClient", "CResolv",
                .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                // PBKDF2 for the web console's password hashes.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The web console (issue 15): HTML pages over the daemon's own NIO HTTP stack, acting
        // only through the control API's dispatcher (ControlServer's LocalControl).
        .target(
            name: "ConsoleServer",
            dependencies: [
                "ControlAPI", "ControlServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The Prometheus endpoint: `GET /metrics` answered from the `sipwardenctl stats` figures.
        .target(
            name: "MetricsServer",
            dependencies: [
                "Configuration", "ControlAPI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Wiring and lifecycle: builds the modules above and connects them, handles signals
        // and systemd.
        .target(
            name: "Daemon",
            dependencies: [
                "SIPCore", "Registrar", "Store", "ControlAPI", "Firewall", "SecurityLog", "Configuration", "PluginHost", "ControlServer", "SIPService", "MetricsServer",
                "History",
                "ConsoleServer",
                .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sipwarden",
            dependencies: [
                "Daemon", "ControlAPI", "Configuration", "PluginHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "sipwardenctl",
            dependencies: [
                "ControlAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "registrar-bench", dependencies: ["SIPCore", "Registrar", .product(name: "SIPWardenPolicy", package: "PolicyAPI")], path: "bench/RegistrarBench"),
        .executableTarget(
            name: "policy-bench",
            dependencies: ["PluginHost", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "Logging", package: "swift-log")],
            path: "bench/PolicyBench"
        ),
        .executableTarget(
            name: "history-bench",
            dependencies: ["History", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "Logging", package: "swift-log")],
            path: "bench/HistoryBench"
        ),
        .executableTarget(
            name: "nft-bench",
            dependencies: ["Firewall", .product(name: "SIPWardenPolicy", package: "PolicyAPI")],
            path: "bench/NFTBench"
        ),
        .testTarget(name: "WorkerQueueTests", dependencies: ["WorkerQueue"]),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore"]),
        .testTarget(name: "RegistrarTests", dependencies: ["Registrar", "SIPCore", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Registrar", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ControlAPITests", dependencies: ["ControlAPI", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "SecurityLog", "Registrar", "History"]),
        .testTarget(name: "SecurityLogTests", dependencies: ["SecurityLog", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        // The control server against a fake service, and sipwardenctl against that server.
        .testTarget(name: "ControlServerTests", dependencies: ["ControlServer", "ControlAPI"]),
        .testTarget(
            name: "SIPServiceTests",
            dependencies: [
                "SIPService", "ControlServer", "Registrar", "Store", "SecurityLog", "Firewall", "PluginHost",
                .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "NIOCore", package: "swift-nio"),
                "StoreTesting", "SIPCore", "Configuration", .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "MetricsServerTests", dependencies: ["MetricsServer", "ControlAPI"]),
        .testTarget(name: "ConsoleServerTests", dependencies: ["ConsoleServer", "ControlServer", "ControlAPI"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "Configuration", .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(name: "FirewallTests", dependencies: ["Firewall", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
        .testTarget(name: "EndToEndTests", dependencies: ["SIPCore", "ControlAPI"]),
        .testTarget(
            name: "HistoryTests",
            dependencies: ["History", "ControlAPI", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The API types, policy files, the loader (against a plugin built in the separate package
        // Tests/Fixtures/ExternalPlugin, which the tests build), the plugin host and exec plugins.
        .testTarget(
            name: "PluginHostTests",
            dependencies: ["PluginHost", "Configuration", .product(name: "SIPWardenPolicy", package: "PolicyAPI"), .product(name: "Logging", package: "swift-log")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// The shipped policy plugins, each a dynamic library `libsipwarden-<name>.so` loaded at run
// time through the same path as any third-party plugin. A plugin's logic target (unit-tested
// directly) is apart from its export target (the two C entry points), so the test binary,
// which links every plugin's logic, does not see five definitions of the same C symbols.
let shippedPlugins: [(name: String, module: String)] = [
    ("ratelimit", "RateLimit"),
    ("bruteforce", "BruteForce"),
    ("scanner", "ScannerBlock"),
    ("allowlist", "AllowlistGuard"),
    ("hijack", "HijackGuard"),
]
// Helpers the shipped plugins share, linked statically into each plugin library.
package.targets.append(.target(
    name: "PluginSupport", dependencies: [.product(name: "SIPWardenPolicy", package: "PolicyAPI")], path: "Plugins/Support"))
for plugin in shippedPlugins {
    let api = Target.Dependency.product(name: "SIPWardenPolicy", package: "PolicyAPI")
    package.products.append(.library(name: "sipwarden-\(plugin.name)", type: .dynamic, targets: ["\(plugin.module)Export"]))
    package.targets += [
        .target(name: plugin.module, dependencies: [api, "PluginSupport"], path: "Plugins/\(plugin.module)/Policy"),
        .target(name: "\(plugin.module)Export", dependencies: [.target(name: plugin.module), api], path: "Plugins/\(plugin.module)/Export"),
    ]
}
package.targets.append(.testTarget(
    name: "PluginsTests",
    dependencies: shippedPlugins.map { .target(name: $0.module) } + [
        .product(name: "SIPWardenPolicy", package: "PolicyAPI"),
        .product(name: "Yams", package: "Yams"),  // reads rules/policies/*.yaml to check them against the code's defaults
    ]
))

// libFuzzer targets (`make fuzz`; docs/fuzzing.md), declared only when SIPWARDEN_FUZZ is set so
// the normal build and tests never see them. Each is built alone with
// `SIPWARDEN_FUZZ=1 swift build --build-path .build-fuzz -Xswiftc -sanitize=fuzzer --product fuzz-NAME`:
// each target's main.swift hands its `LLVMFuzzerTestOneInput` to libFuzzer's driver.
if Context.environment["SIPWARDEN_FUZZ"] != nil {
    let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
        ("sip-parser", ["SIPCore", "FuzzSupport"]),
        ("sip-framer", ["SIPCore", "FuzzSupport"]),
        ("digest", ["SIPCore"]),
        ("config", ["Configuration"]),
        ("policy-file", ["PluginHost"]),
        ("control-request", ["ControlAPI"]),
        ("netlink-reply", ["Firewall"]),
    ]
    package.targets.append(.target(name: "CFuzzerDriver", path: "Fuzz/Sources/CFuzzerDriver"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["SIPCore"], path: "Fuzz/Sources/FuzzSupport"))
    for fuzzer in fuzzers {
        package.targets.append(.executableTarget(
            name: "fuzz-\(fuzzer.name)", dependencies: fuzzer.dependencies + ["CFuzzerDriver"], path: "Fuzz/Sources/\(fuzzer.name)"))
    }
}

// Issue 13, analysis: User-Agents normalised to devices (the rules in rules/devices.yaml),
// countries from a MaxMind-format database (libmaxminddb), and the alert engine on the
// per-minute rollups (pure logic, the clock passed in) with its webhook sender.
package.targets += [
    .target(name: "Devices", dependencies: ["Configuration", .product(name: "Yams", package: "Yams")]),
    .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),
    .target(name: "GeoIP", dependencies: ["CMaxMindDB", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
    .target(name: "Alerts"),
    // POSTs alert events as JSON (FoundationNetworking) from a task of its own, never an event loop.
    .target(name: "AlertWebhook", dependencies: ["Alerts"]),
    .testTarget(name: "DevicesTests", dependencies: ["Devices"]),
    .testTarget(name: "GeoIPTests", dependencies: ["GeoIP", .product(name: "SIPWardenPolicy", package: "PolicyAPI")]),
    .testTarget(name: "AlertsTests", dependencies: ["Alerts", "AlertWebhook"]),
]
for target in package.targets where ["Configuration", "ConfigurationTests"].contains(target.name) {
    target.dependencies += ["Alerts"]
}
for target in package.targets where ["SIPService", "Daemon", "SIPServiceTests"].contains(target.name) {
    target.dependencies += ["Alerts", "AlertWebhook", "Devices", "GeoIP"] + (target.name == "SIPServiceTests" ? ["History"] : [])
}
// Outbound registration (issue 14, docs/trunks.md): the trunk client's state machine, pure
// logic like the registrar (the clock and randomness passed in); SIPService runs it.
package.targets += [
    .target(name: "TrunkClient", dependencies: ["SIPCore", "Registrar"]),
    // DNS SRV/A/AAAA through glibc's resolver (res_nquery, ns_initparse) for the trunk client.
    .target(name: "CResolv", linkerSettings: [.linkedLibrary("resolv")]),
    .testTarget(name: "TrunkClientTests", dependencies: ["TrunkClient", "SIPCore", "Registrar"]),
]
