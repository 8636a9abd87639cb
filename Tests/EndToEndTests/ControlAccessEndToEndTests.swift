import Foundation
import XCTest

/// Who may reach the daemon's control API and its metrics: the socket's group, the TCP
/// listener's bearer token, the loopback-only Prometheus endpoint. The real daemon, started
/// with a configuration file.
final class ControlAccessEndToEndTests: XCTestCase {
    /// Writes `yaml` to a file and returns a daemon started with `--config` on it.
    private func daemon(_ label: String, yaml: String) throws -> DaemonProcess {
        try DaemonProcess.started(label, yaml: yaml)
    }

    /// A plain HTTP/1.1 GET over TCP to 127.0.0.1:`port`; the whole answer, read until the close.
    private func httpGet(port: Int, path: String, headers: [String] = []) throws -> String {
        let client = try SIPTestClient(.tcp, serverPort: port)
        client.send((["GET \(path) HTTP/1.1", "Host: 127.0.0.1", "Connection: close"] + headers).joined(separator: "\r\n") + "\r\n\r\n")
        var received: [UInt8] = []
        while let chunk = client.receive(timeout: 3) { received += chunk }
        return String(decoding: received, as: UTF8.self)
    }

    private func register(_ user: String, password: String, daemon: DaemonProcess, localIP: String) throws -> Int? {
        let client = try SIPTestClient(.udp, localIP: localIP, serverPort: daemon.port)
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: "metrics-\(localIP)", cseq: 1))
        guard let text = client.receiveText(), let challenge = SIPMessages.headers("WWW-Authenticate", in: text).first else { return nil }
        let authorization = SIPMessages.authorization(user: user, password: password, challenge: challenge, uri: "sip:127.0.0.1:\(daemon.port)")
        client.send(SIPMessages.register(user: user, client: client, port: daemon.port, callID: "metrics-\(localIP)", cseq: 2, authorization: authorization))
        return SIPMessages.status(client.receiveText())
    }

    func testPrometheusEndpointServesTheSameFiguresAsStats() throws {
        let port = SIPTestClient.freePort()
        let daemon = try daemon("metrics", yaml: "metrics:\n  listen: 127.0.0.1:\(port)\n")
        try daemon.addSubscriber("1001", password: "pw")
        XCTAssertEqual(try register("1001", password: "pw", daemon: daemon, localIP: "127.0.0.2"), 200)
        XCTAssertEqual(try register("1001", password: "bad", daemon: daemon, localIP: "127.0.0.3"), 401)

        let answer = try httpGet(port: port, path: "/metrics")
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200"), answer)
        XCTAssertTrue(answer.contains("Content-Type: text/plain; version=0.0.4"), answer)
        func value(_ line: String) -> Double? {
            answer.components(separatedBy: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.dropFirst(line.count + 1)) }
        }
        XCTAssertEqual(value("sipwarden_registrations"), 1, answer)
        XCTAssertEqual(value("sipwarden_aors"), 1, answer)
        XCTAssertEqual(value("sipwarden_registers_total"), 4, answer)
        XCTAssertEqual(value(#"sipwarden_events_total{kind="register.accepted"}"#), 1, answer)
        XCTAssertEqual(value(#"sipwarden_events_total{kind="auth.failed"}"#), 1, answer)
        XCTAssertEqual(value("sipwarden_active_bans"), 0, answer)
        XCTAssertNotNil(value("sipwarden_register_time_p99_seconds"), answer)

        // Counters only move forward between scrapes by what happened in between.
        XCTAssertEqual(try register("1001", password: "pw", daemon: daemon, localIP: "127.0.0.4"), 200)
        let second = try httpGet(port: port, path: "/metrics")
        XCTAssertTrue(second.contains("\nsipwarden_registers_total 6"), second)
        XCTAssertTrue(second.contains("\nsipwarden_registrations 2"), second)

        XCTAssertTrue(try httpGet(port: port, path: "/other").hasPrefix("HTTP/1.1 404"))
    }

    func testANonLoopbackMetricsAddressIsRefusedAtStart() throws {
        let directory = try TestEnvironment.temporaryDirectory("metrics-wide")
        let file = directory.appendingPathComponent("sipwarden.yaml")
        try "metrics:\n  listen: 0.0.0.0:9478\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try ProcessRunner.run(
            try TestEnvironment.program("sipwarden"), ["--config", file.path, "--data-dir", directory.path], timeout: 30)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue((result.stderr + result.stdout).contains("metrics.allow_non_loopback"), result.stderr + result.stdout)
    }

    func testTCPControlAPINeedsTheBearerToken() throws {
        let port = SIPTestClient.freePort()
        let directory = try TestEnvironment.temporaryDirectory("token")
        let tokenFile = directory.appendingPathComponent("token")
        try "0123456789abcdef-the-token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let daemon = try daemon("tcp-control", yaml: "control:\n  tcp_listen: 127.0.0.1:\(port)\n  token_file: \(tokenFile.path)\n")
        let ctl = try TestEnvironment.program("sipwardenctl")
        let url = "http://127.0.0.1:\(port)"

        let ok = try ProcessRunner.run(ctl, ["--url", url, "--token-file", tokenFile.path, "subscriber", "add", "1001", "--password", "pw"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(try daemon.ctl(["subscriber", "list", "--json"]).stdout.contains("\"1001\""), true, "the same API as the socket")

        let fromEnvironment = try ProcessRunner.run(
            ctl, ["stats", "--json"], environment: ["SIPWARDEN_URL": url, "SIPWARDEN_TOKEN": "0123456789abcdef-the-token"])
        XCTAssertEqual(fromEnvironment.status, 0, fromEnvironment.stderr)

        let wrongFile = directory.appendingPathComponent("wrong")
        try "0123456789abcdef-the-tokeX".write(to: wrongFile, atomically: true, encoding: .utf8)
        let wrong = try ProcessRunner.run(ctl, ["--url", url, "--token-file", wrongFile.path, "status"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("Authorization: Bearer"), wrong.stderr)

        let missing = try ProcessRunner.run(ctl, ["--url", url, "status"], environment: [:])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--url needs a token"), missing.stderr)

        let raw = try httpGet(port: port, path: "/v1/health")
        XCTAssertTrue(raw.hasPrefix("HTTP/1.1 401"), raw)
        XCTAssertFalse(raw.contains("\"version\""), "no answer without the token")
        let rawWithToken = try httpGet(port: port, path: "/v1/health", headers: ["Authorization: Bearer 0123456789abcdef-the-token"])
        XCTAssertTrue(rawWithToken.hasPrefix("HTTP/1.1 200"), rawWithToken)
    }

    func testControlSocketGroupAndACallerWithoutAccessGetsAClearError() throws {
        guard getuid() == 0 else { return try TestEnvironment.unavailable("needs root to run sipwardenctl as another user") }
        let daemon = try daemon("group", yaml: "control:\n  group: daemon\n")
        var info = stat()
        XCTAssertEqual(stat(daemon.socketPath, &info), 0)
        XCTAssertEqual(info.st_gid, getgrnam("daemon").pointee.gr_gid, "the socket belongs to control.group")
        XCTAssertEqual(info.st_mode & 0o777, 0o660)
        XCTAssertEqual(chmod(daemon.dataDirectory.path, 0o755), 0)  // let other users reach the socket file itself

        let ctl = try TestEnvironment.program("sipwardenctl")
        let member = try ProcessRunner.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--groups=1", ctl, "--socket", daemon.socketPath, "status"])
        XCTAssertEqual(member.status, 0, "a member of the group gets in: \(member.stderr)")

        let outsider = try ProcessRunner.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ctl, "--socket", daemon.socketPath, "status"])
        XCTAssertEqual(outsider.status, 3)
        XCTAssertTrue(outsider.stderr.contains("permission denied"), outsider.stderr)
        XCTAssertTrue(outsider.stderr.contains("member of the socket's group"), outsider.stderr)
        XCTAssertFalse(outsider.stderr.contains("Fatal error"), outsider.stderr)
    }
}
