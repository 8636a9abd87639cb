@testable import Configuration
import XCTest

/// `trunks:` and `trunk_timing.*`: read, defaulted, and refused with the file, key and value named.
final class TrunkConfigurationTests: XCTestCase {
    func testTrunksAndTimingAreRead() throws {
        let configuration = try ConfigurationLoader.parse(yaml: """
            trunks:
              - name: carrier1
                registrar: sip:sip.carrier.example
                username: 4420
                password: s3cret
                auth_username: acct-4420
                realm: carrier.example
                expires: 600
                contact_user: trunk1
                outbound_proxy: sip:192.0.2.20:5060
                enabled: false
              - name: carrier2
                registrar: sip:192.0.2.10:5070
                username: alice
                password: pw
            trunk_timing:
              initial_delay_max: 0.5
              rejected_retry: 120
              nameserver: 127.0.0.1:5353
            """, file: "t.yaml")
        XCTAssertEqual(configuration.trunks.map(\.name), ["carrier1", "carrier2"])
        let first = configuration.trunks[0]
        XCTAssertEqual(first.username, "4420")
        XCTAssertEqual(first.authUsername, "acct-4420")
        XCTAssertEqual(first.expires, 600)
        XCTAssertEqual(first.outboundProxy, "sip:192.0.2.20:5060")
        XCTAssertFalse(first.enabled)
        XCTAssertEqual(configuration.trunks[1].expires, 3600)
        XCTAssertEqual(configuration.trunks[1].transport, "udp")
        XCTAssertTrue(configuration.trunks[1].enabled)
        XCTAssertEqual(configuration.trunkTiming.initialDelayMax, 0.5)
        XCTAssertEqual(configuration.trunkTiming.rejectedRetry, 120)
        XCTAssertEqual(configuration.trunkTiming.refreshMargin, 30, "default kept")
        XCTAssertEqual(configuration.trunkTiming.nameserver?.host, "127.0.0.1")
        XCTAssertEqual(configuration.trunkTiming.nameserver?.port, 5353)
    }

    func testBadTrunkSettingsNameTheKeyAndValue() {
        let base = "  - name: c\n    registrar: sip:192.0.2.1\n    username: u\n"
        let cases: [(String, String, String)] = [
            ("trunks:\n" + base, "trunks[0].password", ""),
            ("trunks:\n" + base + "    password: p\n    transport: sctp\n", "trunks[0].transport", "sctp"),
            ("trunks:\n" + base + "    password: p\n    expires: 0\n", "trunks[0].expires", "0"),
            ("trunks:\n" + base + "    password: p\n    colour: red\n", "trunks[0].colour", ""),
            ("trunks:\n  - name: c\n    registrar: http://x\n    username: u\n    password: p\n", "trunks[0].registrar", "http://x"),
            ("trunks:\n" + base + "    password: p\n" + base + "    password: q\n", "trunks[1].name", "c"),
            ("trunks:\n  - name: 'bad name'\n    registrar: sip:x\n    username: u\n    password: p\n", "trunks[0].name", "bad name"),
            ("trunk_timing:\n  backoff_cap: -1\n", "trunk_timing.backoff_cap", "-1"),
            ("trunk_timing:\n  nameserver: dns.example\n", "trunk_timing.nameserver", "dns.example"),
            // IPv4 only, parsed by IPAddress as inet_pton(AF_INET) did: no leading zeros, no short forms.
            ("trunk_timing:\n  nameserver: 127.0.0.01:53\n", "trunk_timing.nameserver", "127.0.0.01:53"),
            ("trunk_timing:\n  nameserver: 127.1\n", "trunk_timing.nameserver", "127.1"),
            ("trunk_timing:\n  nameserver: '::1'\n", "trunk_timing.nameserver", "::1"),
            ("trunk_timing:\n  nameserver: 127.0.0.1:0\n", "trunk_timing.nameserver", "127.0.0.1:0"),
        ]
        for (yaml, key, value) in cases {
            XCTAssertThrowsError(try ConfigurationLoader.parse(yaml: yaml, file: "/etc/sipwarden/sipwarden.yaml")) { error in
                guard let error = error as? ConfigurationError else { return XCTFail("unexpected \(error)") }
                XCTAssertEqual(error.file, "/etc/sipwarden/sipwarden.yaml")
                XCTAssertEqual(error.key, key, yaml)
                XCTAssertEqual(error.value, value, yaml)
            }
        }
    }
}
