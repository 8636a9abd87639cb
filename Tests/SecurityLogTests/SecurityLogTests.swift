import Foundation
import SecurityLog
import SIPWardenPolicy
import XCTest

final class SecurityLogTests: XCTestCase {
    private var directory: String!
    private var path: String { directory + "/security.log" }

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "SecurityLogTests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func event(_ id: UInt64, userAgent: String? = "Yealink SIP-T46S", detail: String? = "wrong_password") -> SecurityEvent {
        SecurityEvent(
            id: id, timeMilliseconds: 1_700_000_000_000 + Int64(id), kind: "auth.failed", sourceIP: "192.0.2.7",
            sourcePort: 5060, transport: "UDP", aor: "sip:1001@example.com", username: "1001", userAgent: userAgent,
            contact: "<sip:1001@192.0.2.7:5060>", detail: detail)
    }

    /// The file's lines, each parsed as a JSON object.
    private func lines(at path: String? = nil) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path ?? self.path))
        XCTAssertEqual(data.last, 0x0A, "every line ends with a newline")
        return try data.split(separator: 0x0A).map { line in
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], String(decoding: line, as: UTF8.self))
        }
    }

    func testEventsAndDecisionsAreOneJSONObjectPerLineWithStableKeys() throws {
        let log = try SecurityLog(path: SecurityLog.path(dataDirectory: directory))
        XCTAssertEqual(log.path, path)
        let evidence = [event(1), event(2)]
        log.record(evidence[0])
        log.record(evidence[1])
        let target = try XCTUnwrap(IPRange("192.0.2.7"))
        log.record(.ban(BanRequest(target: target, seconds: 600, reason: "2 failures in 60 s", evidence: evidence)),
                   plugin: "bruteforce", timeMilliseconds: 1_700_000_000_010, outcome: "applied")
        log.record(.unban(target: try XCTUnwrap(IPRange("198.51.100.0/24")), reason: "false positive"),
                   plugin: "operator", timeMilliseconds: 1_700_000_000_020)
        log.record(.alert(Alert(severity: "warning", message: "password spray against 1001", evidence: evidence)),
                   plugin: "bruteforce", timeMilliseconds: 1_700_000_000_030)
        log.record(.report(SecurityEvent(timeMilliseconds: 1, kind: "scanner.detected", sourceIP: "203.0.113.9", sourcePort: 5060,
                                         transport: "UDP", detail: "friendly-scanner")),
                   plugin: "scanner", timeMilliseconds: 1_700_000_000_040)
        log.close()

        let all = try lines()
        XCTAssertEqual(all.count, 6)
        let first = all[0]
        XCTAssertEqual(first["type"] as? String, "event")
        XCTAssertEqual(
            Set(first.keys),
            ["type", "v", "id", "time_ms", "kind", "source_ip", "source_port", "transport", "aor", "username", "user_agent",
             "contact", "detail"])
        XCTAssertEqual(first["id"] as? Int, 1)
        XCTAssertEqual(first["time_ms"] as? Int64, 1_700_000_000_001)
        XCTAssertEqual(first["kind"] as? String, "auth.failed")
        XCTAssertEqual(first["source_ip"] as? String, "192.0.2.7")
        XCTAssertEqual(first["user_agent"] as? String, "Yealink SIP-T46S")

        let ban = all[2]
        XCTAssertEqual(ban["type"] as? String, "decision")
        XCTAssertEqual(ban["action"] as? String, "ban")
        XCTAssertEqual(ban["target"] as? String, "192.0.2.7")
        XCTAssertEqual(ban["seconds"] as? Int, 600)
        XCTAssertEqual(ban["reason"] as? String, "2 failures in 60 s")
        XCTAssertEqual(ban["plugin"] as? String, "bruteforce")
        XCTAssertEqual(ban["time_ms"] as? Int64, 1_700_000_000_010)
        XCTAssertEqual(ban["evidence_ids"] as? [Int], [1, 2])
        XCTAssertEqual(ban["outcome"] as? String, "applied")

        XCTAssertEqual(all[3]["action"] as? String, "unban")
        XCTAssertEqual(all[3]["target"] as? String, "198.51.100.0/24")
        XCTAssertEqual(all[3]["reason"] as? String, "false positive")
        XCTAssertNil(all[3]["outcome"], "absent, not null")
        XCTAssertEqual(all[4]["action"] as? String, "alert")
        XCTAssertEqual(all[4]["severity"] as? String, "warning")
        XCTAssertEqual(all[4]["message"] as? String, "password spray against 1001")
        XCTAssertEqual(all[5]["action"] as? String, "report")
        XCTAssertEqual(all[5]["kind"] as? String, "scanner.detected")
        XCTAssertEqual(all[5]["source_ip"] as? String, "203.0.113.9")
        XCTAssertEqual(all[5]["detail"] as? String, "friendly-scanner")

        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("{\""), "pure JSON, no human prefix: \(text.prefix(40))")
        XCTAssertEqual(log.statistics, SecurityLogStatistics(written: 6, dropped: 0, failed: 0, reopens: 0))
    }

    func testHostileValuesCannotForgeOrBreakLines() throws {
        let invalidUTF8 = String(decoding: [0x66, 0x6F, 0xFF, 0xFE, 0xC0, 0x80, 0x6F], as: UTF8.self)
        let hostile = [
            "evil\r\n{\"type\":\"event\",\"kind\":\"ban.removed\",\"source_ip\":\"10.0.0.1\"}",
            "quote\" and backslash\\ and slash /",
            "line\u{2028}separator\u{2029}paragraph",
            "next\u{85}line and CSI \u{9B}31m",
            "escape \u{1B}[2J and bell \u{07} and NUL \u{0}",
            "vertical\u{0B}tab form\u{0C}feed file\u{1C}separator",
            invalidUTF8,
        ]
        let log = try SecurityLog(path: path, limits: .unlimited)  // more than repeat_after lines from one source
        for (index, text) in hostile.enumerated() {
            log.record(event(UInt64(index), userAgent: text, detail: text))
        }
        log.record(.ban(BanRequest(target: try XCTUnwrap(IPRange("192.0.2.7")), seconds: 1, reason: hostile[0])),
                   plugin: "x\ny", timeMilliseconds: 0)
        log.close()

        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(raw.filter { $0 == 0x0A }.count, hostile.count + 1, "exactly one newline per record")
        XCTAssertFalse(raw.contains(0x0D))
        XCTAssertFalse(raw.contains(where: { $0 < 0x20 && $0 != 0x0A }), "no raw control bytes")
        let bytes = [UInt8](raw)
        for (lead, next) in zip(bytes, bytes.dropFirst()) {
            XCTAssertFalse(lead == 0xC2 && (0x80...0x9F).contains(next), "no raw C1 control")
        }
        XCTAssertNil(String(decoding: raw, as: UTF8.self).firstIndex(where: { $0 == "\u{2028}" || $0 == "\u{2029}" }))
        XCTAssertNotNil(String(data: raw, encoding: .utf8), "valid UTF-8")
        // Python's splitlines() breaks at U+2028, U+0085, \x0b, \x0c, \x1c: none survive raw.
        XCTAssertEqual(String(decoding: raw, as: UTF8.self).split(whereSeparator: \.isNewline).count, hostile.count + 1)

        let all = try lines()
        for (index, text) in hostile.enumerated() {
            XCTAssertEqual(all[index]["user_agent"] as? String, text, "round-trips exactly: \(index)")
            XCTAssertEqual(all[index]["kind"] as? String, "auth.failed")
        }
        XCTAssertEqual(all[hostile.count]["plugin"] as? String, "x\ny")
        XCTAssertTrue(invalidUTF8.contains("\u{FFFD}"), "invalid UTF-8 was repaired before it reached the log")
    }

    func testLongValuesAreCutAndMarked() throws {
        let log = try SecurityLog(path: path)
        let long = String(repeating: "A", count: 10_000)
        let multibyte = String(repeating: "é", count: 2_000)  // 4,000 bytes; the cut must not split a character
        log.record(event(1, userAgent: long, detail: multibyte))
        log.close()
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertLessThan(raw.count, 3_000)
        let line = try XCTUnwrap(try lines().first)
        let agent = try XCTUnwrap(line["user_agent"] as? String)
        XCTAssertTrue(agent.hasPrefix(String(repeating: "A", count: 1024) + "...[8976 more bytes]"), String(agent.suffix(40)))
        let detail = try XCTUnwrap(line["detail"] as? String)
        XCTAssertTrue(detail.hasPrefix(String(repeating: "é", count: 512) + "...[2976 more bytes]"), String(detail.suffix(40)))
    }

    func testAppendsAcrossRestartsAndReopensAfterRotation() throws {
        var log = try SecurityLog(path: path)
        log.record(event(1))
        log.close()
        log = try SecurityLog(path: path)
        log.record(event(2))
        log.flush()
        XCTAssertEqual(try lines().compactMap { $0["id"] as? Int }, [1, 2], "a restart appends")

        // logrotate: move the file away, then tell the daemon.
        let rotated = path + ".1"
        try FileManager.default.moveItem(atPath: path, toPath: rotated)
        log.record(event(3))
        log.flush()
        log.reopen()
        log.record(event(4))
        log.close()
        XCTAssertEqual(try lines(at: rotated).compactMap { $0["id"] as? Int }, [1, 2, 3])
        XCTAssertEqual(try lines().compactMap { $0["id"] as? Int }, [4])
        XCTAssertEqual(log.statistics.reopens, 1)
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o007, 0, "not readable by others")
    }

    func testRecordsAfterCloseAreCountedAsDroppedAndCloseIsIdempotent() throws {
        let log = try SecurityLog(path: path)
        log.record(event(1))
        log.close()
        log.close()
        log.record(event(2))
        XCTAssertEqual(log.statistics.dropped, 1)
        XCTAssertEqual(log.statistics.written, 1)
        XCTAssertEqual(try lines().count, 1)
    }

    func testAnUnopenablePathIsAClearError() throws {
        let blocker = directory + "/file"
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker, contents: Data()))
        XCTAssertThrowsError(try SecurityLog(path: blocker + "/security.log")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("cannot open the security log \(blocker)/security.log"), text)
            XCTAssertTrue(text.contains("writable"), text)
        }
    }

    /// A writer stuck on a full pipe: recording must not block, the queue bound must hold,
    /// and the gap must be noted in the log once the writer moves again.
    func testAStalledWriterNeverBlocksRecordingAndTheGapIsLogged() throws {
        let fifo = directory + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        XCTAssertGreaterThanOrEqual(reader, 0)
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
        defer { close(reader) }

        let log = try SecurityLog(path: fifo, capacity: 16, limits: .unlimited)
        let padding = String(repeating: "x", count: 1000)
        let started = ContinuousClock.now
        for id in 1...2_000 { log.record(event(UInt64(id), userAgent: padding)) }
        let elapsed = ContinuousClock.now - started
        XCTAssertLessThan(elapsed, .seconds(1), "recording 2,000 lines took \(elapsed) with a stalled writer")
        XCTAssertGreaterThan(log.statistics.dropped, 1_000, "a 64 KiB pipe and 16 queued entries cannot hold 2 MB")

        // Drain the pipe until the log closes it.
        let received = Locked<[UInt8]>([])
        let drained = expectation(description: "pipe drained")
        Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(reader, &buffer, buffer.count)
                if count <= 0 { break }
                received.withLock { $0 += buffer[0..<count] }
            }
            drained.fulfill()
        }.start()
        log.close()
        wait(for: [drained], timeout: 30)

        let text = String(decoding: received.withLock { $0 }, as: UTF8.self)
        let objects = try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let events = objects.filter { $0["type"] as? String == "event" }
        let gaps = objects.filter { $0["type"] as? String == "dropped" }
        XCTAssertFalse(gaps.isEmpty, "the gap is in the log")
        let noted = gaps.compactMap { $0["lines"] as? Int }.reduce(0, +)
        let statistics = log.statistics
        XCTAssertEqual(noted, statistics.dropped)
        XCTAssertEqual(events.count + statistics.dropped, 2_000, "every record is written or counted")
        XCTAssertEqual(statistics.written, events.count + gaps.count)
        let ids = events.compactMap { $0["id"] as? Int }
        XCTAssertEqual(ids, ids.sorted(), "in order")
    }

    func testRecordingCost() throws {
        let log = try SecurityLog(path: path, capacity: 200_000, limits: .unlimited)
        let sample = event(1)
        let count = 100_000
        let clock = ContinuousClock()
        let recording = clock.measure {
            for _ in 0..<count { log.record(sample) }
        }
        let writing = clock.measure { log.flush() }
        log.close()
        XCTAssertEqual(log.statistics.written + log.statistics.dropped, count)
        XCTAssertEqual(log.statistics.failed, 0)
        let perRecord = Double(recording.components.attoseconds) / 1e9 / Double(count)
            + Double(recording.components.seconds) * 1e9 / Double(count)
        print("SecurityLog: \(String(format: "%.0f", perRecord)) ns per record() on the caller's thread; "
            + "\(count) lines written \(writing) after the last record (debug build)")
    }
}

/// A value shared with a reader thread.
private final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<Result>(_ body: (inout Value) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
