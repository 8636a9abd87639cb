import Alerts
import Foundation
import XCTest

/// The alert engine fed synthetic weeks: silent on the ordinary daily curve, one raise and one
/// clear for a drop of bindings and for spikes of failures and registrations, with the wording
/// an operator reads.
final class AlertEngineTests: XCTestCase {
    func settings() -> AlertSettings {
        var settings = AlertSettings()
        settings.timeZone = TimeZone(identifier: "UTC") ?? .current
        return settings
    }

    /// Feeds `days` days from Monday, `change` rewriting any minute's rollup; the events with their minutes.
    func run(days: Int, settings: AlertSettings, change: (Int64, inout MinuteRollup) -> Void = { _, _ in }) -> [AlertEvent] {
        var engine = AlertEngine(settings: settings)
        var week = SyntheticWeek()
        var events: [AlertEvent] = []
        for step in 0..<(days * 1440) {
            let minute = SyntheticWeek.monday + Int64(step * 60)
            var rollup = week.ordinary(minute)
            change(minute, &rollup)
            events += engine.observe(rollup)
        }
        return events
    }

    func testTheOrdinaryDailyCurveRaisesNothingForTwoWeeks() {
        let events = run(days: 14, settings: settings())
        XCTAssertEqual(events, [], events.map(\.message).joined(separator: "\n"))
    }

    func testADropAndAFailureSpikeAreRaisedOnceWithWhatWasSeenAndExpectedThenCleared() throws {
        let dropStart = SyntheticWeek.at(day: 3, hour: 14, minute: 2)     // Thursday 14:02
        let dropEnd = SyntheticWeek.at(day: 3, hour: 14, minute: 50)
        let spikeStart = SyntheticWeek.at(day: 5, hour: 3, minute: 10)    // Saturday 03:10
        let spikeEnd = SyntheticWeek.at(day: 5, hour: 3, minute: 40)
        var fed: [Int64: MinuteRollup] = [:]
        let events = run(days: 7, settings: settings()) { minute, rollup in
            if minute >= dropStart, minute < dropEnd {
                rollup.activeBindings = Int(Double(rollup.activeBindings) * 0.42)   // an access network lost
                rollup.registrations = rollup.registrations / 3
            }
            if minute >= spikeStart, minute < spikeEnd { rollup.failures = 240 }  // a password guesser
            fed[minute] = rollup
        }
        XCTAssertEqual(events.map { "\($0.kind.rawValue) \($0.change.rawValue)" },
                       ["bindings_drop raised", "bindings_drop cleared", "failures_spike raised", "failures_spike cleared"],
                       events.map(\.message).joined(separator: "\n"))
        guard events.count == 4 else { return }

        let drop = events[0]
        XCTAssertEqual(drop.since, dropStart, "since the first minute out of the band")
        XCTAssertEqual(drop.minute, dropStart + 2 * 60, "raised at the third minute in a row (raise_after 3)")
        XCTAssertEqual(drop.observed, Double(try XCTUnwrap(fed[drop.minute]).activeBindings))
        XCTAssertEqual(drop.expected, SyntheticWeek.bindings(at: drop.minute), accuracy: SyntheticWeek.bindings(at: drop.minute) * 0.05,
                       "the baseline expects the ordinary curve at that hour")
        XCTAssertEqual(drop.percent, (drop.observed - drop.expected) / drop.expected * 100, accuracy: 0.001)
        XCTAssertLessThan(drop.percent, -50)
        XCTAssertEqual(drop.basis, "14:00-15:00 on any day", "a week is too short for the hour of the week")
        let expectedWording = "active bindings \(Int(drop.observed)), expected \(Int(drop.expected.rounded())) ± \(Int(drop.deviation.rounded())) "
            + "(\(Int(drop.percent.rounded())) %) since 14:02"
        XCTAssertEqual(drop.message, expectedWording)
        XCTAssertNotNil(drop.message.range(of: #"^active bindings \d+, expected \d+ ± \d+ \(-\d+ %\) since 14:02$"#, options: .regularExpression))

        let cleared = events[1]
        XCTAssertEqual(cleared.since, dropStart)
        XCTAssertEqual(cleared.minute, dropEnd + 4 * 60, "cleared at the fifth ordinary minute in a row (clear_after 5)")
        XCTAssertTrue(cleared.message.hasSuffix(": back in band, raised since 14:02"), cleared.message)

        let spike = events[2]
        XCTAssertEqual(spike.since, spikeStart)
        XCTAssertEqual(spike.observed, 240)
        XCTAssertLessThan(spike.expected, 10, "a quiet night: 0 to 3 failures a minute (the two anomalous minutes before the raise taught it a little)")
        XCTAssertEqual(spike.deviation, 10, "the floor, not the night's tiny deviation")
        XCTAssertNotNil(spike.message.range(of: #"^failures 240/min, expected [0-9.]+ ± 10 \(\+\d+ %\) since 03:10$"#, options: .regularExpression),
                        spike.message)
        XCTAssertEqual(events[3].since, spikeStart)
        XCTAssertEqual(events[3].minute, spikeEnd + 4 * 60)
        XCTAssertEqual(events[3].eventKind, "alert.cleared")
        XCTAssertEqual(spike.eventKind, "alert.raised")
    }

    func testAReRegistrationStormRaisesTheRegistrationSpike() {
        let start = SyntheticWeek.at(day: 2, hour: 9, minute: 30)
        let events = run(days: 3, settings: settings()) { minute, rollup in
            if minute >= start, minute < start + 15 * 60 { rollup.registrations *= 12 }   // everyone re-registers after an outage
        }
        XCTAssertEqual(events.map { "\($0.kind.rawValue) \($0.change.rawValue)" }, ["registrations_spike raised", "registrations_spike cleared"],
                       events.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(events.first?.since, start)
        XCTAssertTrue(events.first?.message.hasPrefix("registrations ") ?? false)
        XCTAssertTrue(events.first?.message.hasSuffix(" since 09:30") ?? false)
    }

    func testTheFloorAndThePercentageKeepQuietHoursAndSmallChangesSilent() {
        let night = SyntheticWeek.at(day: 2, hour: 2, minute: 0)
        let events = run(days: 3, settings: settings()) { minute, rollup in
            guard minute >= night, minute < night + 30 * 60 else { return }
            rollup.failures = 12          // +1000 % of a quiet night's failures, but inside the floor's band
            rollup.activeBindings -= 25   // 8 % fewer bindings: outside a strict band, not far enough to page
        }
        XCTAssertEqual(events, [], events.map(\.message).joined(separator: "\n"))
        // The same half hour with a tighter floor and percentage does page.
        var strict = settings()
        strict.failuresSpike.floor = 1
        strict.bindingsDrop.floor = 1
        strict.bindingsDrop.percent = 5
        let strictEvents = run(days: 3, settings: strict) { minute, rollup in
            guard minute >= night, minute < night + 30 * 60 else { return }
            rollup.failures = 12
            rollup.activeBindings -= 25
        }
        XCTAssertEqual(Set(strictEvents.filter { $0.change == .raised }.map(\.kind)), [.failuresSpike, .bindingsDrop],
                       strictEvents.map(\.message).joined(separator: "\n"))
    }

    func testNothingIsRaisedWhileLearningAndDisabledKindsAreNotWatched() {
        // Day 0 only: no hour has a baseline before it ends.
        let firstDay = run(days: 1, settings: settings()) { minute, rollup in
            if minute >= SyntheticWeek.at(day: 0, hour: 14, minute: 0) { rollup.activeBindings = 0 }
        }
        XCTAssertEqual(firstDay, [])
        var settings = settings()
        settings.bindingsDrop.enabled = false
        let start = SyntheticWeek.at(day: 2, hour: 14, minute: 0)
        let events = run(days: 3, settings: settings) { minute, rollup in
            if minute >= start, minute < start + 30 * 60 { rollup.activeBindings = 0 }
        }
        XCTAssertEqual(events, [])
        var engine = AlertEngine(settings: settings)
        XCTAssertEqual(engine.states.map(\.kind), [.failuresSpike, .registrationsSpike])
        _ = engine.observe(MinuteRollup(minute: 120, activeBindings: 1, registrations: 1, failures: 1))
        XCTAssertEqual(engine.observe(MinuteRollup(minute: 60, activeBindings: 1, registrations: 1, failures: 1)), [], "a minute from the past is ignored")
    }

    func testTheHourOfTheWeekTakesOverAfterAWeekAndStatesExplainTheBaseline() {
        var engine = AlertEngine(settings: settings())
        var week = SyntheticWeek()
        let end = SyntheticWeek.at(day: 7, hour: 10, minute: 0)
        var minute = SyntheticWeek.monday
        while minute <= end {
            _ = engine.observe(week.ordinary(minute))
            minute += 60
        }
        let baseline = engine.baseline(.bindingsDrop, at: end)
        XCTAssertEqual(baseline?.basis, "Mondays 10:00-11:00")
        XCTAssertEqual(baseline?.expected ?? 0, SyntheticWeek.bindings(at: end), accuracy: 60)
        let state = engine.states.first { $0.kind == .bindingsDrop }
        XCTAssertEqual(state?.raised, false)
        XCTAssertNotNil(state?.baseline)
        XCTAssertNotNil(state?.observed)
    }

    func testTheEventJSONRoundTrips() throws {
        let event = AlertEvent(change: .raised, kind: .bindingsDrop, observed: 412, expected: 980, deviation: 60, percent: -58,
                               since: 1_800_000_120, minute: 1_800_000_240, basis: "14:00-15:00 on any day",
                               message: "active bindings 412, expected 980 ± 60 (-58 %) since 14:02")
        let data = try JSONEncoder().encode(event)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(object["event"] as? String, "alert.raised")
        XCTAssertEqual(object["alert"] as? String, "bindings_drop")
        XCTAssertEqual(try JSONDecoder().decode(AlertEvent.self, from: data), event)
    }
}
