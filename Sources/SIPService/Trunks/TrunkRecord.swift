import Registrar
import SIPWardenPolicy
import Store
import TrunkClient

/// One trunk at run time, owned by the trunk thread.
struct TrunkRecord {
    /// The state machine.
    var client: TrunkClient
    /// "operator" (in the store) or "config" (the configuration file).
    let origin: String
    /// The settings as stored (URIs as the operator wrote them).
    var stored: StoredTrunk
    /// Where REGISTERs go (the outbound proxy's or the registrar's addresses), in order.
    var targets: [TrunkEndpoint] = []
    /// When `targets` was resolved.
    var resolvedAt: Timestamp?
    /// The addresses trusted for this trunk (registrar and proxy).
    var trusted: [IPRange] = []
    /// Removed by the operator: dropped once its un-REGISTER is done.
    var isRemoved = false
}
