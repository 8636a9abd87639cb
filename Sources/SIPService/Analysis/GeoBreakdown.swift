import ControlAPI
import GeoIP
import SIPWardenPolicy

/// Counts live bindings and failed attempts per country (`analysis geo`): pure but for the
/// lookup, which is passed in.
enum GeoBreakdown {
    /// Live bindings per place of their source address, with their distinct AORs.
    static func bindings(_ live: [(aor: String, sourceIP: String)], lookup: (IPAddress) -> GeoPlace) -> [GeoRow] {
        var counts: [GeoPlace: (count: Int, aors: Set<String>)] = [:]
        for binding in live {
            let place = place(of: binding.sourceIP, lookup: lookup)
            counts[place, default: (0, [])].count += 1
            counts[place]?.aors.insert(binding.aor)
        }
        return sorted(counts.map { GeoRow(code: $0.key.code, name: $0.key.name, count: $0.value.count, distinct: $0.value.aors.count) })
    }

    /// Failed attempts per place of their source, with the distinct sources.
    static func failures(_ sources: [(sourceIP: String, attempts: Int)], lookup: (IPAddress) -> GeoPlace) -> [GeoRow] {
        var counts: [GeoPlace: (count: Int, sources: Int)] = [:]
        for source in sources {
            let place = place(of: source.sourceIP, lookup: lookup)
            counts[place, default: (0, 0)].count += source.attempts
            counts[place]?.sources += 1
        }
        return sorted(counts.map { GeoRow(code: $0.key.code, name: $0.key.name, count: $0.value.count, distinct: $0.value.sources) })
    }

    /// The place of an address as recorded; unknown when it does not parse.
    static func place(of text: String, lookup: (IPAddress) -> GeoPlace) -> GeoPlace {
        IPAddress(text).map(lookup) ?? .unknown
    }

    private static func sorted(_ rows: [GeoRow]) -> [GeoRow] {
        rows.sorted { ($1.count, $1.distinct, $0.code) < ($0.count, $0.distinct, $1.code) }
    }
}
