import ControlAPI
import Devices

/// Counts live bindings and AORs per normalised device (`analysis devices`): pure, so the
/// control service and the tests share it.
enum DeviceBreakdown {
    /// A live binding as the breakdown reads it.
    struct Live: Hashable {
        var aor: String
        var userAgent: String?
    }

    /// The rows: live bindings and their distinct AORs per identity, and the distinct AORs
    /// seen in the window (`sightings`, plus the live ones); most live bindings first.
    static func rows(live: [Live], sightings: [(aor: String, userAgent: String?)], catalog: DeviceCatalog) -> [DeviceRow] {
        struct Tally {
            var liveBindings = 0
            var liveAORs = Set<String>()
            var aors = Set<String>()
            var example: String?
        }
        var identities: [String?: DeviceIdentity] = [:]
        func identify(_ userAgent: String?) -> DeviceIdentity {
            if let known = identities[userAgent] { return known }
            let identity = catalog.identify(userAgent)
            identities[userAgent] = identity
            return identity
        }
        var tallies: [DeviceIdentity: Tally] = [:]
        for sighting in sightings {
            let identity = identify(sighting.userAgent)
            tallies[identity, default: Tally()].aors.insert(sighting.aor)
            if tallies[identity]?.example == nil { tallies[identity]?.example = sighting.userAgent }
        }
        for binding in live {
            let identity = identify(binding.userAgent)
            var tally = tallies[identity, default: Tally()]
            tally.liveBindings += 1
            tally.liveAORs.insert(binding.aor)
            tally.aors.insert(binding.aor)
            tally.example = binding.userAgent ?? tally.example
            tallies[identity] = tally
        }
        return tallies.map { identity, tally in
            DeviceRow(vendor: identity.vendor, model: identity.model, firmware: identity.firmware, liveBindings: tally.liveBindings,
                      liveAORs: tally.liveAORs.count, aors: tally.aors.count, example: tally.example)
        }.sorted {
            ($1.liveBindings, $1.aors, $0.vendor, $0.model, $0.firmware) < ($0.liveBindings, $0.aors, $1.vendor, $1.model, $1.firmware)
        }
    }
}
