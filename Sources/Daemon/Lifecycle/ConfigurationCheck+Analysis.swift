import Configuration
import Devices
import GeoIP

/// `--check-config` for the issue-13 files: the devices file (its rules and every sample)
/// and the GeoIP database.
extension ConfigurationCheck {
    static func checkAnalysis(_ configuration: DaemonConfiguration, into report: inout Report) {
        let devices = configuration.effectiveDevicesFile
        if let path = devices.path {
            do {
                let catalog = try DeviceCatalog.load(path: path)
                let mismatches = catalog.sampleMismatches()
                report.problems += mismatches.map { "\(path): samples: \($0)" }
                report.lines.append("devices file: ok, \(catalog.rules.count) rules, \(catalog.samples.count - mismatches.count) of "
                    + "\(catalog.samples.count) samples hold (\(devices.explanation))")
            } catch {
                report.problems.append("\(error)")
            }
        } else {
            report.lines.append("devices file: \(devices.explanation)")
        }
        if let path = configuration.geoipDatabase {
            do {
                let database = try GeoIPDatabase(path: path)
                report.lines.append("geoip.database: ok, \(database.databaseType) (\(path))")
            } catch {
                report.problems.append("\(error)")
            }
        }
    }
}
