import AlertWebhook
import Alerts
import Foundation
import XCTest

/// The webhook sender against a real HTTP receiver on 127.0.0.1.
final class AlertWebhookTests: XCTestCase {
    let event = AlertEvent(change: .raised, kind: .bindingsDrop, observed: 412, expected: 980, deviation: 60, percent: -58,
                           since: 1_800_000_120, minute: 1_800_000_240, basis: "14:00-15:00 on any day",
                           message: "active bindings 412, expected 980 ± 60 (-58 %) since 14:02")

    func url(_ port: UInt16) -> URL { URL(string: "http://127.0.0.1:\(port)/hooks/sipwarden")! }

    func testTheReceiverGetsTheAlertAsJSON() async throws {
        let receiver = try HTTPReceiver()
        defer { receiver.close() }
        let webhook = AlertWebhook(urls: [url(receiver.port)], timeout: 5)
        XCTAssertTrue(webhook.send(event))
        await webhook.finish()
        XCTAssertEqual(webhook.statistics.delivered, 1, webhook.statistics.lastError ?? "")
        XCTAssertEqual(webhook.statistics.failed, 0)
        let request = try XCTUnwrap(receiver.received.first)
        XCTAssertTrue(request.head.hasPrefix("POST /hooks/sipwarden HTTP/1.1"), request.head)
        XCTAssertTrue(request.head.lowercased().contains("content-type: application/json"), request.head)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        XCTAssertEqual(object["event"] as? String, "alert.raised")
        XCTAssertEqual(object["alert"] as? String, "bindings_drop")
        XCTAssertEqual(object["message"] as? String, event.message)
        XCTAssertEqual(object["text"] as? String, "SIPWarden alert.raised: " + event.message)
        XCTAssertEqual(object["observed"] as? Double, 412)
        XCTAssertEqual(try JSONDecoder().decode(AlertEvent.self, from: request.body), event, "the body decodes as the event")
    }

    func testEveryURLGetsItAndFailuresAreCounted() async throws {
        let good = try HTTPReceiver()
        let refusing = try HTTPReceiver(status: 500)
        let closed = try HTTPReceiver()
        let closedPort = closed.port
        closed.close()
        defer { good.close(); refusing.close() }
        let webhook = AlertWebhook(urls: [url(good.port), url(refusing.port), url(closedPort)], timeout: 5)
        webhook.send(event)
        await webhook.finish()
        let statistics = webhook.statistics
        XCTAssertEqual(statistics.delivered, 1)
        XCTAssertEqual(statistics.failed, 2)
        XCTAssertEqual(good.received.count, 1)
        XCTAssertEqual(refusing.received.count, 1)
        XCTAssertTrue(statistics.lastError?.contains("127.0.0.1:\(closedPort)") ?? false, statistics.lastError ?? "")
    }

    func testAHungReceiverTimesOut() async throws {
        let hung = try HTTPReceiver(respond: false)
        defer { hung.close() }
        let webhook = AlertWebhook(urls: [url(hung.port)], timeout: 1)
        webhook.send(event)
        await webhook.finish()
        XCTAssertEqual(webhook.statistics.failed, 1)
        XCTAssertEqual(webhook.statistics.delivered, 0)
        XCTAssertEqual(hung.received.count, 1, "the request arrived; the answer never came")
    }

    func testAFullQueueDropsAndCounts() async throws {
        let gate = DispatchSemaphore(value: 0)
        let slow = try HTTPReceiver(gate: gate)
        defer { slow.close() }
        let webhook = AlertWebhook(urls: [url(slow.port)], timeout: 10, capacity: 1)
        let accepted = (0..<5).map { _ in webhook.send(event) }.filter { $0 }.count
        XCTAssertLessThanOrEqual(accepted, 2, "one in flight at most and one waiting")
        for _ in 0..<5 { gate.signal() }
        await webhook.finish()
        let statistics = webhook.statistics
        XCTAssertEqual(statistics.dropped, UInt64(5 - accepted))
        XCTAssertEqual(statistics.delivered, UInt64(accepted))
        XCTAssertFalse(webhook.send(event), "nothing is accepted after finish")
    }
}
