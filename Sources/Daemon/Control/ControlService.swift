import ControlAPI

/// What the control server asks of the daemon: the operations behind each control route.
///
/// The daemon implements it over its registrar, store and clocks; tests implement it with
/// fakes. Requests reach it already decoded and validated (`validationProblem()` was nil).
/// To refuse a request with a 4xx status, throw `ControlServiceError`; any other error
/// becomes a 500 carrying the error's description.
public protocol ControlService: Sendable {
    /// Every live binding, `expires_in` computed at the time of the call.
    func registrations() async throws -> [RegistrationInfo]

    /// Every provisioned subscriber, without credentials.
    func subscribers() async throws -> [SubscriberInfo]

    /// Provisions one subscriber (answered with 201). Whether an existing subscriber with the
    /// same username and domain is replaced or refused (`ControlServiceError.conflict`, 409)
    /// is the daemon's choice.
    func addSubscriber(_ request: SubscriberAddRequest) async throws

    /// Adds or updates every entry in one transaction: all of them or, on error, none.
    /// Existing subscribers (same username and domain) get the new password.
    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse

    /// Removes one subscriber; returns false when there is no such subscriber (answered
    /// with 404).
    func removeSubscriber(username: String, domain: String?) async throws -> Bool

    /// The daemon's version, uptime and sizes.
    func health() async throws -> HealthInfo
}
