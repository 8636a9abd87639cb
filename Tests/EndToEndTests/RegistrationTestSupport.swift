import Foundation
import XCTest

/// Helpers for the registration-management end-to-end tests: phones that REGISTER with
/// digest authentication from chosen loopback addresses, a phone that answers the daemon's
/// OPTIONS keepalives, a daemon started with a configuration file, and an RFC 4180 reader.
enum RegistrationTestSupport {
    /// Starts a daemon with `yaml` as its configuration file.
    static func startDaemon(_ label: String, yaml: String) throws -> DaemonProcess {
        try DaemonProcess.started(label, yaml: yaml)
    }

    /// Registers `user` from `client` with a digest handshake (401, then the answer); returns
    /// the final status code.
    @discardableResult
    static func register(
        _ user: String, password: String, client: SIPTestClient, port: Int, contact: String? = nil,
        userAgent: String = "SIPWarden-e2e", expires: Int = 3600
    ) throws -> Int {
        let callID = "\(user)-\(UUID().uuidString.prefix(8))@e2e"
        client.send(SIPMessages.register(user: user, client: client, port: port, callID: callID, cseq: 1, expires: expires,
                                         contact: contact, userAgent: userAgent))
        let challenge = try XCTUnwrap(client.receiveText(timeout: 5), "no answer to REGISTER from \(client.localIP)")
        guard SIPMessages.status(challenge) == 401, let header = SIPMessages.headers("WWW-Authenticate", in: challenge).first else {
            return SIPMessages.status(challenge) ?? 0
        }
        let authorization = SIPMessages.authorization(user: user, password: password, challenge: header, uri: "sip:127.0.0.1:\(port)")
        client.send(SIPMessages.register(user: user, client: client, port: port, callID: callID, cseq: 2, expires: expires,
                                         contact: contact, authorization: authorization, userAgent: userAgent))
        let answer = try XCTUnwrap(client.receiveText(timeout: 5), "no answer to the authenticated REGISTER from \(client.localIP)")
        return SIPMessages.status(answer) ?? 0
    }

    /// The daemon's security log lines, decoded.
    static func securityEvents(_ daemon: DaemonProcess) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: daemon.dataDirectory.appendingPathComponent("security.log").path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// `sipwardenctl` arguments run and decoded as a JSON array of objects.
    static func jsonArray(_ daemon: DaemonProcess, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        let result = try daemon.ctl(arguments)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], result.stdout, file: file, line: line)
    }


    /// Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF) into rows of fields.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(character)
                }
                continue
            }
            switch character {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\r": break
            case "\n": row.append(field); rows.append(row); row = []; field = ""
            default: field.unicodeScalars.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}

/// A phone that answers every OPTIONS it receives with 200 OK (copying Via, From, To, Call-ID
/// and CSeq, as RFC 3261 §8.2.6 says), on a thread of its own until stopped; it counts them.
final class OptionsResponder: @unchecked Sendable {
    private let client: SIPTestClient
    private let lock = NSLock()
    private var running = true
    private var answeredCount = 0
    private var thread: Thread?

    init(_ client: SIPTestClient) {
        self.client = client
        let thread = Thread { [self] in loop() }
        self.thread = thread
        thread.start()
    }

    /// How many OPTIONS it answered.
    var answered: Int { lock.withLock { answeredCount } }

    /// Stops answering.
    func stop() {
        lock.withLock { running = false }
        usleep(300_000)
    }

    private func loop() {
        while lock.withLock({ running }) {
            guard let bytes = client.receive(timeout: 0.2) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.hasPrefix("OPTIONS ") else { continue }
            var lines = ["SIP/2.0 200 OK"]
            for name in ["Via", "From", "Call-ID", "CSeq"] {
                lines += SIPMessages.headers(name, in: text).map { "\(name): \($0)" }
            }
            lines += SIPMessages.headers("To", in: text).map { "To: \($0);tag=phone" }
            lines += ["Content-Length: 0"]
            client.send(lines.joined(separator: "\r\n") + "\r\n\r\n")
            lock.withLock { answeredCount += 1 }
        }
    }
}
