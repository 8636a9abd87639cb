import Registrar
import SIPWardenPolicy
import XCTest

final class LocationServiceTests: XCTestCase {
    private func binding(_ aor: String = "sip:1001@example.com", contact: String = "sip:1001@192.0.2.10:5060", key: String? = nil,
                         expires: Int64 = 60, at now: Timestamp = .t0) -> Binding {
        Binding(aor: aor, contact: contact, contactKey: key ?? contact.lowercased(), expiresAt: now.adding(seconds: expires),
                registeredAt: now, updatedAt: now, callID: "c-\(contact)", cseq: 1, source: SourceAddress(ip: "192.0.2.10", port: 5060)!,
                transport: .udp)
    }

    func testEveryFieldSurvivesPacking() {
        let full = Binding(
            aor: "sip:alice@example.com", contact: "sip:alice@[2001:db8::7]:5070;transport=tcp", contactKey: "custom-key-not-derivable",
            contactParameters: ";+sip.instance=\"<urn:uuid:0001>\"", qThousandths: 700, expiresAt: .t0.adding(seconds: 600),
            registeredAt: .t0.adding(seconds: -100), updatedAt: .t0, callID: "a84b4c76e66710@pc33", cseq: 4_294_967_295,
            source: SourceAddress(ip: "2001:db8::7", port: 61000)!, transport: .tcp, userAgent: "Yealink SIP-T46S 66.86 «ünïcode»",
            nat: true, viaPath: "SIP/2.0/TCP [2001:db8::7]:5070;branch=z9hG4bKx;rport"
        )
        var minimal = binding()
        minimal.userAgent = nil
        minimal.qThousandths = nil
        let location = LocationService([full, minimal])
        var fullWithoutVia = full
        fullWithoutVia.viaPath = ""
        XCTAssertEqual(location.bindings(of: full.aor, now: .t0), [fullWithoutVia], "all but the Via path, which lives in the store")
        XCTAssertEqual(location.bindings(of: minimal.aor, now: .t0), [minimal])
        XCTAssertEqual(location.count, 2)
        XCTAssertEqual(location.aorCount, 2)
    }

    func testContactKeysDerivableFromTheContactOrNotRoundTrip() {
        // Keys that are the contact lower-cased are not stored twice; others are kept as given.
        let cases: [(contact: String, key: String)] = [
            ("sip:1001@192.0.2.10:5060;transport=UDP", "sip:1001@192.0.2.10:5060;transport=udp"),
            ("sip:1001@192.0.2.10:5061", "sip:1001@192.0.2.10:5061"),
            ("sip:ÉMILE@192.0.2.10", "sip:Émile@192.0.2.10"),
            ("sip:ÉMILE@192.0.2.11", "sip:émile@192.0.2.11"),
            ("sip:a@192.0.2.12;b=1;a=2", "sip:a@192.0.2.12;a=2;b=1"),
            ("", ""),
        ]
        var location = LocationService()
        for item in cases { location.upsert(binding(contact: item.contact, key: item.key)) }
        let held = location.bindings(of: "sip:1001@example.com", now: .t0)
        XCTAssertEqual(held.map(\.contactKey), cases.map(\.key))
        XCTAssertEqual(held.map(\.contact), cases.map(\.contact))
        // Found by key (and only by the exact key) for refreshes and removals.
        location.upsert(binding(contact: cases[0].contact, key: cases[0].key, expires: 600))
        XCTAssertEqual(location.count, cases.count)
        XCTAssertNil(location.remove(aor: "sip:1001@example.com", contactKey: cases[0].contact))
        for item in cases {
            XCTAssertEqual(location.remove(aor: "sip:1001@example.com", contactKey: item.key)?.contact, item.contact)
        }
        XCTAssertEqual(location.count, 0)
    }

    func testUpsertReplacesByContactKeyAndRemoveFindsIt() {
        var location = LocationService()
        location.upsert(binding(contact: "sip:a@192.0.2.10"))
        location.upsert(binding(contact: "sip:b@192.0.2.10"))
        var refreshed = binding(contact: "sip:a@192.0.2.10", expires: 600)
        refreshed.cseq = 9
        location.upsert(refreshed)
        XCTAssertEqual(location.count, 2)
        XCTAssertEqual(location.aorCount, 1)
        XCTAssertEqual(location.bindings(of: "sip:1001@example.com", now: .t0).first { $0.contact == "sip:a@192.0.2.10" }?.cseq, 9)
        XCTAssertNotNil(location.remove(aor: "sip:1001@example.com", contactKey: "sip:b@192.0.2.10"))
        XCTAssertNil(location.remove(aor: "sip:1001@example.com", contactKey: "sip:b@192.0.2.10"))
        XCTAssertNil(location.remove(aor: "sip:other@example.com", contactKey: "sip:a@192.0.2.10"))
        XCTAssertEqual(location.count, 1)
        location.remove(aor: "sip:1001@example.com", contactKey: "sip:a@192.0.2.10")
        XCTAssertEqual(location.count, 0)
        XCTAssertEqual(location.aorCount, 0)
        XCTAssertEqual(location.allBindings(), [])
    }

    func testSweepRemovesOnlyWhatIsDueAndSparesRefreshedBindings() {
        var location = LocationService()
        location.upsert(binding("sip:a@x", contact: "sip:a@1.1.1.1", expires: 10))
        location.upsert(binding("sip:b@x", contact: "sip:b@1.1.1.1", expires: 10))
        location.upsert(binding("sip:c@x", contact: "sip:c@1.1.1.1", expires: 100))
        // b refreshes before it lapses: its old expiry entry must not remove it.
        location.upsert(binding("sip:b@x", contact: "sip:b@1.1.1.1", expires: 60, at: .t0.adding(seconds: 5)))
        XCTAssertEqual(location.removeExpired(now: .t0.adding(seconds: 5)), [])
        let lapsed = location.removeExpired(now: .t0.adding(seconds: 11))
        XCTAssertEqual(lapsed.map(\.aor), ["sip:a@x"])
        XCTAssertEqual(location.count, 2)
        XCTAssertEqual(location.removeExpired(now: .t0.adding(seconds: 66)).map(\.aor), ["sip:b@x"])
        XCTAssertEqual(location.removeExpired(now: .t0.adding(seconds: 1000)).map(\.aor), ["sip:c@x"])
        XCTAssertEqual(location.count, 0)
    }

    func testBindingsLoadedAlreadyLapsedAreSweptAtOnce() {
        let old = Timestamp.t0.adding(seconds: -86_400 * 30)
        var location = LocationService((0..<50).map { binding("sip:\($0)@x", contact: "sip:\($0)@1.1.1.1", expires: 60, at: old) })
        XCTAssertEqual(location.liveBindings(now: .t0).count, 0)
        XCTAssertEqual(location.removeExpired(now: .t0).count, 50)
        XCTAssertEqual(location.count, 0)
    }

    func testSlotsAreReusedAfterRemoval() {
        var location = LocationService()
        for round in 0..<3 {
            for index in 0..<100 { location.upsert(binding("sip:\(index)@x", contact: "sip:\(index)@1.1.1.1", expires: 10, at: .t0.adding(seconds: Int64(round * 100)))) }
            XCTAssertEqual(location.removeExpired(now: .t0.adding(seconds: Int64(round * 100 + 20))).count, 100)
        }
        XCTAssertEqual(location.count, 0)
        XCTAssertEqual(location.aorCount, 0)
    }
}

extension LocationServiceTests {
    func testUserAgentsAreSharedUpToALimitAndKeptExactlyBeyondIt() {
        var location = LocationService()
        for index in 0..<5000 {
            var phone = binding("sip:\(index)@x", contact: "sip:\(index)@1.1.1.1")
            phone.userAgent = index < 10 ? "Same Model 1.0" : "Scanner \(index)"
            location.upsert(phone)
        }
        XCTAssertEqual(location.bindings(of: "sip:3@x", now: .t0).first?.userAgent, "Same Model 1.0")
        XCTAssertEqual(location.bindings(of: "sip:4999@x", now: .t0).first?.userAgent, "Scanner 4999")
        XCTAssertEqual(Set(location.liveBindings(now: .t0).compactMap(\.userAgent)).count, 4991)
    }
}

extension LocationServiceTests {
    func testBindingsAreCountedPerSourceIP() {
        var location = LocationService()
        for index in 0..<200 {
            var phone = binding("sip:\(index)@x", contact: "sip:\(index)@10.0.0.\(index % 250)", expires: 60)
            phone.source = SourceAddress(ip: "203.0.113.5", port: 40000 + index)!
            location.upsert(phone)
        }
        XCTAssertEqual(location.bindingCount(from: IPAddress("203.0.113.5")!), 200)
        var moved = binding("sip:0@x", contact: "sip:0@10.0.0.0", expires: 600)
        moved.source = SourceAddress(ip: "198.51.100.1", port: 5060)!
        location.upsert(moved)
        XCTAssertEqual(location.bindingCount(from: IPAddress("203.0.113.5")!), 199)
        XCTAssertEqual(location.bindingCount(from: IPAddress("198.51.100.1")!), 1)
        _ = location.removeExpired(now: .t0.adding(seconds: 61))
        XCTAssertEqual(location.bindingCount(from: IPAddress("203.0.113.5")!), 0)
        XCTAssertEqual(location.bindingCount(from: IPAddress("198.51.100.1")!), 1)
    }

    /// The chunked copy (`liveBindings(now:slots:)`) and `liveCounts` agree with the one-go
    /// listing: lapsed bindings and freed slots left out, AORs with several contacts counted once.
    func testChunkedCopiesAndLiveCountsAgreeWithTheWholeListing() {
        var location = LocationService()
        for index in 0..<500 {
            let aor = "sip:\(2000 + index % 180)@example.com"  // up to three contacts per AOR
            location.upsert(binding(aor, contact: "sip:\(index)@192.0.2.\(index % 250):5060", expires: index % 7 == 0 ? 5 : 120))
        }
        for index in stride(from: 0, to: 500, by: 11) {
            location.remove(aor: "sip:\(2000 + index % 180)@example.com", contactKey: "sip:\(index)@192.0.2.\(index % 250):5060")
        }
        let now = Timestamp.t0.adding(seconds: 10)  // the 5-second ones have lapsed, not yet swept
        let whole = location.liveBindings(now: now)
        XCTAssertLessThan(whole.count, 500)
        XCTAssertEqual(location.slotCount, 500, "removed slots stay in the slab, free")
        for chunk in [1, 7, 64, 499, 500, 4096] {
            var copied: [Binding] = []
            var start = 0
            while start < location.slotCount {
                copied += location.liveBindings(now: now, slots: start..<(start + chunk))
                start += chunk
            }
            XCTAssertEqual(copied, whole, "chunks of \(chunk)")
        }
        XCTAssertEqual(location.liveBindings(now: now, slots: 600..<700), [], "a range past the slab is empty")
        let counts = location.liveCounts(now: now)
        XCTAssertEqual(counts.bindings, whole.count)
        XCTAssertEqual(counts.aors, Set(whole.map(\.aor)).count)
        XCTAssertEqual(location.liveCounts(now: .t0.adding(seconds: 1000)).bindings, 0, "all lapsed")
    }

    /// Contacts of a few AORs come and go in random order: each AOR's bindings stay in
    /// registration order (a refresh keeps its place), and the counts agree with a plain model.
    func testContactsKeepRegistrationOrderThroughRandomChanges() {
        var generator = SystemRandomNumberGenerator()
        var location = LocationService()
        var model: [String: [String]] = [:]  // AOR -> contacts in registration order
        for step in 0..<3000 {
            let aor = "sip:\(Int.random(in: 0..<7, using: &generator))@x"
            let contact = "sip:c\(Int.random(in: 0..<5, using: &generator))@192.0.2.1"
            if Bool.random(using: &generator) {
                location.upsert(binding(aor, contact: contact, expires: 600))
                if !(model[aor] ?? []).contains(contact) { model[aor, default: []].append(contact) }
            } else {
                let removed = location.remove(aor: aor, contactKey: contact.lowercased())
                XCTAssertEqual(removed != nil, (model[aor] ?? []).contains(contact), "step \(step)")
                model[aor]?.removeAll { $0 == contact }
                if model[aor]?.isEmpty == true { model[aor] = nil }
            }
            XCTAssertEqual(location.bindings(of: aor, now: .t0).map(\.contact), model[aor] ?? [], "step \(step)")
            XCTAssertEqual(location.count, model.values.map(\.count).reduce(0, +))
            XCTAssertEqual(location.aorCount, model.count)
        }
        let counts = location.liveCounts(now: .t0)
        XCTAssertEqual(counts.bindings, location.count)
        XCTAssertEqual(counts.aors, model.count)
    }
}
