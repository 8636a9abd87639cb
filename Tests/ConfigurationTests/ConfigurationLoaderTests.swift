@testable import Configuration
import Registrar
import XCTest

final class ConfigurationLoaderTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testExampleFileParsesToTheBuiltInDefaults() throws {
        let example = try ConfigurationLoader.load(path: root.appendingPathComponent("rules/sipwarden.example.yaml").path)
        let defaults = DaemonConfiguration()
        XCTAssertEqual(example.listen, defaults.listen)
        XCTAssertEqual(example.registrar, defaults.registrar)
        XCTAssertEqual(example.dataDirectory, defaults.dataDirectory)
        XCTAssertEqual(example.forceRport, defaults.forceRport)
        XCTAssertEqual(example.maxMessageSize, defaults.maxMessageSize)
        XCTAssertEqual(example.transactionLifetime, defaults.transactionLifetime)
    }

    func testValuesAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            listen: [udp:127.0.0.1:5070, "tcp:[::1]:5071"]
            registrar:
              max_bindings_per_aor: 1
              when_full: reject
              min_expires: 30
            auth:
              challenge_algorithms: [SHA-256, MD5]
              realm: voip.example.net
            store:
              durability: normal
              commit_delay_us: 250
            """, file: "test.yaml")
        XCTAssertEqual(configuration.listen, [
            ListenAddress(transport: .udp, host: "127.0.0.1", port: 5070), ListenAddress(transport: .tcp, host: "::1", port: 5071),
        ])
        XCTAssertFalse(configuration.listenIsDefault)
        XCTAssertEqual(configuration.registrar.maxBindingsPerAOR, 1)
        XCTAssertEqual(configuration.registrar.whenFull, .reject)
        XCTAssertEqual(configuration.registrar.minExpires, 30)
        XCTAssertEqual(configuration.registrar.challengeAlgorithms, [.sha256, .md5])
        XCTAssertEqual(configuration.registrar.realm, "voip.example.net")
        XCTAssertEqual(configuration.durability, .normal)
        XCTAssertEqual(configuration.commitDelayMicroseconds, 250)
        XCTAssertEqual(DaemonConfiguration().commitDelayMicroseconds, 1000)
    }

    func testErrorsNameFileKeyAndValue() {
        let cases: [(String, String, String)] = [
            ("registrar:\n  min_expires: soon\n", "registrar.min_expires", "soon"),
            ("store:\n  commit_delay_us: 200000\n", "store.commit_delay_us", "200000"),
            ("registrar:\n  when_full: sometimes\n", "registrar.when_full", "sometimes"),
            ("listen: [udp:nowhere]\n", "listen[0]", "udp:nowhere"),
            ("auth:\n  challenge_algorithms: [MD4]\n", "auth.challenge_algorithms", "MD4"),
            ("registrar:\n  min_expies: 10\n", "registrar.min_expies", ""),
            ("registrar:\n  min_expires: 9000\n", "registrar.min_expires", "9000"),
        ]
        for (yaml, key, value) in cases {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: yaml, file: "/etc/sipwarden/sipwarden.yaml")) { error in
                guard let error = error as? ConfigurationError else { return XCTFail("unexpected \(error)") }
                XCTAssertEqual(error.file, "/etc/sipwarden/sipwarden.yaml")
                XCTAssertEqual(error.key, key, "\(yaml)")
                XCTAssertEqual(error.value, value)
                XCTAssertTrue(error.description.contains("/etc/sipwarden/sipwarden.yaml"), error.description)
            }
        }
    }

    func testListenAddressParsing() {
        XCTAssertEqual(ListenAddress(parsing: "udp:0.0.0.0:5060"), ListenAddress(transport: .udp, host: "0.0.0.0", port: 5060))
        XCTAssertEqual(ListenAddress(parsing: "TCP:[2001:db8::1]:5061"), ListenAddress(transport: .tcp, host: "2001:db8::1", port: 5061))
        XCTAssertEqual(ListenAddress(parsing: "tcp:[::]:5060")?.description, "tcp:[::]:5060")
        for bad in ["sctp:0.0.0.0:5060", "udp:0.0.0.0", "udp:::1:5060", "udp:[::1]5060", "udp:host:99999", "udp::5060"] {
            XCTAssertNil(ListenAddress(parsing: bad), bad)
        }
    }
}

extension ConfigurationLoaderTests {
    func testSecurityKeys() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            firewall: memory
            trusted: [198.51.100.0/24, "2001:db8::/32", 192.0.2.7]
            policies_dir: /etc/sipwarden/policies
            plugins_dir: /usr/lib/sipwarden/plugins
            """, file: "sec.yaml")
        XCTAssertEqual(configuration.trusted.map(\.description), ["198.51.100.0/24", "2001:db8::/32", "192.0.2.7"])
        XCTAssertEqual(configuration.policiesDirectory, "/etc/sipwarden/policies")
        XCTAssertEqual(configuration.effectivePluginsDirectory, "/usr/lib/sipwarden/plugins")
        XCTAssertEqual(configuration.firewall, .memory)
        XCTAssertEqual(try ConfigurationLoader.parse(yaml: "listen: [udp:127.0.0.1:5070]\n", file: "d.yaml").firewall, .auto, "auto by default")
        XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "firewall: iptables\n", file: "sec.yaml")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "firewall")
            XCTAssertEqual((error as? ConfigurationError)?.value, "iptables")
            XCTAssertTrue("\(error)".contains("use auto, nftables or memory"), "\(error)")
        }
        let nft = try ConfigurationLoader.parse(yaml: """
            listen: [udp:0.0.0.0:5060, tcp:0.0.0.0:5060, tcp:0.0.0.0:5061]
            firewall: nftables
            nftables:
              all_ports: false
              check_interval: 10
              remove_table_on_stop: true
            """, file: "nft.yaml")
        XCTAssertEqual(nft.firewall, .nftables)
        XCTAssertEqual(nft.nftablesOptions.ports, [5060, 5061], "the SIP ports default to the listening ports")
        XCTAssertEqual(nft.nftables.checkInterval, 10)
        XCTAssertTrue(nft.nftablesOptions.removeTableOnStop)
        XCTAssertEqual(try ConfigurationLoader.parse(yaml: "nftables: {ports: [5080, 5081]}\n", file: "n.yaml").nftablesOptions.ports, [5080, 5081])
        XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "nftables: {ports: [70000]}\n", file: "n.yaml")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "nftables.ports[0]")
        }
        XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "nftables: {tables: other}\n", file: "n.yaml")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "nftables.tables")
        }
        XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: "trusted: [10.0.0.0/33]\n", file: "sec.yaml")) { error in
            XCTAssertEqual((error as? ConfigurationError)?.key, "trusted[0]")
            XCTAssertEqual((error as? ConfigurationError)?.value, "10.0.0.0/33")
        }
    }
}
