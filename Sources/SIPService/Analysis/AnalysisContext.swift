import Alerts
import Configuration
import ControlAPI
import Devices
import Foundation
import GeoIP
import Logging
import SIPWardenPolicy
import Synchronization

/// What `analysis devices`, `analysis geo` and `alerts` read: the devices file's rules, the
/// GeoIP database and the alert monitor, each with what went wrong loading it.
public final class AnalysisContext: Sendable {
    /// The User-Agent rules (empty when no file loaded: every User-Agent is `other`).
    public let catalog: DeviceCatalog
    /// The devices file read, nil when none was found or it did not load.
    public let devicesFile: String?
    /// Why the device breakdown is coarse, nil when all is well.
    public let devicesNote: String?
    /// The GeoIP database, nil without one.
    public let geo: GeoIPDatabase?
    /// Why there are no countries and what to do; nil with a database.
    public let geoNote: String?
    private let alertMonitor = Mutex<AlertMonitor?>(nil)

    /// Creates a context.
    public init(catalog: DeviceCatalog, devicesFile: String?, devicesNote: String?, geo: GeoIPDatabase?, geoNote: String?) {
        self.catalog = catalog
        self.devicesFile = devicesFile
        self.devicesNote = devicesNote
        self.geo = geo
        self.geoNote = geoNote
    }

    /// The alert monitor, once attached (nil with `alerts.enabled: false` or no history).
    public var monitor: AlertMonitor? { alertMonitor.withLock { $0 } }

    /// Connects the alert monitor (created once the history is open).
    public func attach(monitor: AlertMonitor) { alertMonitor.withLock { $0 = monitor } }

    /// Where `address` is: the database's country, else loopback, private or unknown.
    public func place(_ address: IPAddress) -> GeoPlace {
        geo?.lookup(address) ?? AddressClassification.classify(address) ?? .unknown
    }

    /// The country code of a recorded source address (or `private`, `loopback`, `unknown`); nil without a database.
    public func countryCode(_ sourceIP: String) -> String? {
        guard geo != nil, let address = IPAddress(sourceIP) else { return nil }
        return place(address).code
    }

    /// Loads the devices file and opens the GeoIP database `configuration` names; a problem is
    /// logged (naming the file) and kept as the note the reports show, never a failed start.
    public static func load(_ configuration: DaemonConfiguration, logger: Logger) -> AnalysisContext {
        let resolved = configuration.effectiveDevicesFile
        var catalog = DeviceCatalog(rules: [])
        var devicesFile: String?
        var devicesNote: String?
        if let path = resolved.path {
            do {
                catalog = try DeviceCatalog.load(path: path)
                devicesFile = path
                logger.info("devices file: \(resolved.explanation)", metadata: ["rules": "\(catalog.rules.count)", "samples": "\(catalog.samples.count)"])
                let mismatches = catalog.sampleMismatches()
                for mismatch in mismatches { logger.warning("devices file \(path): sample \(mismatch)") }
                if !mismatches.isEmpty {
                    devicesNote = "\(mismatches.count) of the \(catalog.samples.count) samples in \(path) do not normalise as they say (see the daemon's log)"
                }
            } catch {
                logger.error("devices file: \(error)")
                devicesNote = "\(error)"
            }
        } else {
            logger.warning("devices file: \(resolved.explanation)")
            devicesNote = "no devices file: \(resolved.explanation)"
        }
        var geo: GeoIPDatabase?
        var geoNote: String?
        if let path = configuration.geoipDatabase {
            do {
                geo = try GeoIPDatabase(path: path)
                logger.info("GeoIP database opened", metadata: ["path": "\(path)", "type": "\(geo?.databaseType ?? "")"])
            } catch {
                logger.error("geoip.database: \(error)")
                geoNote = "\(error)"
            }
        } else {
            geoNote = "no GeoIP database: set geoip.database: PATH in the configuration to a MaxMind-format country database "
                + "(DB-IP's free dbip-country-lite.mmdb or MaxMind's GeoLite2-Country.mmdb) and restart; until then addresses show "
                + "only as private, loopback or unknown"
        }
        return AnalysisContext(catalog: catalog, devicesFile: devicesFile, devicesNote: devicesNote, geo: geo, geoNote: geoNote)
    }
}
