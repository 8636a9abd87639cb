import Configuration
import Logging
import Store
import TrunkClient

extension TrunkManager {
    /// Starts the trunks of the configuration file and of the store: each enabled one
    /// registers after a random delay of up to `trunk_timing.initial_delay_max`, so trunks do
    /// not all register in the same second after a restart.
    ///
    /// - Throws: `ConfigurationError` naming the `trunks[i]` key of a configured trunk whose
    ///   settings cannot make a REGISTER; a stored trunk with such settings is skipped and logged.
    public static func start(
        configuration: DaemonConfiguration, store: SIPWardenStore, security: SecurityCoordinator, logger: Logger
    ) throws -> TrunkManager {
        let udp = configuration.listen.filter { $0.transport == .udp }
        let bind4 = udp.first { !$0.isIPv6 }?.host ?? "0.0.0.0"
        let bind6 = udp.first { $0.isIPv6 }?.host ?? "::"
        let timing = TrunkTiming(
            initialDelayMax: configuration.trunkTiming.initialDelayMax, refreshMargin: configuration.trunkTiming.refreshMargin,
            backoffBase: configuration.trunkTiming.backoffBase, backoffCap: configuration.trunkTiming.backoffCap,
            rejectedRetry: configuration.trunkTiming.rejectedRetry)
        var trunks: [(stored: StoredTrunk, settings: TrunkSettings, origin: String)] = []
        for (index, trunk) in configuration.trunks.enumerated() {
            switch TrunkSettings.make(from: trunk) {
            case .success(let settings): trunks.append((trunk, settings, "config"))
            case .failure(let problem):
                throw ConfigurationError(file: "configuration", key: "trunks[\(index)].\(problem.field)", value: problem.value, message: problem.message)
            }
        }
        let configured = Set(configuration.trunks.map(\.name))
        for trunk in try store.trunks() {
            guard !configured.contains(trunk.name) else {
                logger.warning("trunks: a stored trunk has the name of a configured one; the configuration file's wins", metadata: ["trunk": "\(trunk.name)"])
                continue
            }
            switch TrunkSettings.make(from: trunk) {
            case .success(let settings): trunks.append((trunk, settings, "operator"))
            case .failure(let problem):
                logger.error("trunks: a stored trunk cannot be used; remove it and add it again", metadata: ["trunk": "\(trunk.name)", "problem": "\(problem)"])
            }
        }
        let nameserver = configuration.trunkTiming.nameserver.flatMap { TrunkEndpoint(ip: $0.host, port: $0.port) }
        let manager = TrunkManager(security: security, logger: logger, bindIPv4: bind4, bindIPv6: bind6, timing: timing, nameserver: nameserver)
        manager.start(trunks)
        logger.info("trunks started", metadata: ["trunks": "\(trunks.count)", "enabled": "\(trunks.filter { $0.stored.enabled }.count)"])
        return manager
    }
}
