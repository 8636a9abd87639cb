import ControlAPI
import Daemon
import Foundation
import XCTest

/// A `ControlService` fake for the control path's unit tests: canned answers, recorded
/// requests, and injectable failures.
final class FakeControlService: ControlService, @unchecked Sendable {
    private let lock = NSLock()
    private var _bindings: [RegistrationInfo] = []
    private var _subscribers: [SubscriberInfo] = []
    private var _added: [SubscriberAddRequest] = []
    private var _imports: [SubscriberImportRequest] = []
    private var _removed: [SubscriberKey] = []
    private var _failure: (any Error)?

    /// The bindings `registrations()` answers with.
    var bindings: [RegistrationInfo] {
        get { lock.withLock { _bindings } }
        set { lock.withLock { _bindings = newValue } }
    }

    /// The error every call throws, when set.
    var failure: (any Error)? {
        get { lock.withLock { _failure } }
        set { lock.withLock { _failure = newValue } }
    }

    /// The add requests received.
    var added: [SubscriberAddRequest] { lock.withLock { _added } }
    /// The import requests received.
    var imports: [SubscriberImportRequest] { lock.withLock { _imports } }
    /// The removals received.
    var removed: [SubscriberKey] { lock.withLock { _removed } }

    private func check() throws {
        if let failure = lock.withLock({ _failure }) { throw failure }
    }

    func registrations() async throws -> [RegistrationInfo] {
        try check()
        return bindings
    }

    func subscribers() async throws -> [SubscriberInfo] {
        try check()
        return lock.withLock { _subscribers }
    }

    func addSubscriber(_ request: SubscriberAddRequest) async throws {
        try check()
        lock.withLock {
            _added.append(request)
            _subscribers.append(
                SubscriberInfo(
                    username: request.username, domain: request.domain, displayName: request.displayName,
                    account: request.account, realm: request.domain ?? "sipwarden"))
        }
    }

    func importSubscribers(_ request: SubscriberImportRequest) async throws -> SubscriberImportResponse {
        try check()
        lock.withLock { _imports.append(request) }
        return SubscriberImportResponse(imported: request.entries.count)
    }

    func removeSubscriber(username: String, domain: String?) async throws -> Bool {
        try check()
        return lock.withLock {
            _removed.append(SubscriberKey(username: username, domain: domain))
            guard let index = _subscribers.firstIndex(where: { $0.username == username && $0.domain == domain }) else {
                return false
            }
            _subscribers.remove(at: index)
            return true
        }
    }

    func health() async throws -> HealthInfo {
        try check()
        return lock.withLock {
            HealthInfo(version: "0.0.0-test", uptimeSeconds: 42, bindings: _bindings.count, subscribers: _subscribers.count)
        }
    }
}

/// A scratch directory with a short path (Unix socket paths are limited to 107 bytes).
struct ControlScratchDirectory {
    let path: String

    init() throws {
        path = "/tmp/swc-" + String(UUID().uuidString.prefix(8)).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A plain error for the 500 path.
struct FakeFailure: Error, CustomStringConvertible {
    var description: String { "the disk caught fire" }
}
