/// The bindings of every address of record, in memory: the registrar's view of who is where.
///
/// Bindings that have lapsed stay until `removeExpired(now:)` sweeps them, but every reader
/// that takes `now` ignores them, so a late sweep never makes a dead binding look alive.
public struct LocationService: Sendable {
    private var bindingsByAOR: [String: [Binding]] = [:]
    /// The number of bindings held, lapsed or not.
    public private(set) var count = 0

    /// Creates an empty location service.
    public init() {}

    /// Creates a location service holding `bindings` (as loaded from the store).
    public init(_ bindings: [Binding]) {
        for binding in bindings { upsert(binding) }
    }

    /// The number of AORs with at least one binding held.
    public var aorCount: Int { bindingsByAOR.count }

    /// The bindings of `aor` still alive at `now`, in registration order.
    public func bindings(of aor: String, now: Timestamp) -> [Binding] {
        (bindingsByAOR[aor] ?? []).filter { $0.expiresAt > now }
    }

    /// Every binding held, including lapsed ones not yet swept.
    public func allBindings() -> [Binding] {
        bindingsByAOR.values.flatMap { $0 }
    }

    /// Every binding alive at `now`.
    public func liveBindings(now: Timestamp) -> [Binding] {
        bindingsByAOR.values.flatMap { $0.filter { $0.expiresAt > now } }
    }

    /// Applies one change.
    public mutating func apply(_ change: BindingChange) {
        switch change {
        case .upsert(let binding): upsert(binding)
        case .remove(let aor, let contactKey): remove(aor: aor, contactKey: contactKey)
        }
    }

    /// Inserts `binding` or replaces the one with the same AOR and contact key.
    public mutating func upsert(_ binding: Binding) {
        var list = bindingsByAOR[binding.aor] ?? []
        if let index = list.firstIndex(where: { $0.contactKey == binding.contactKey }) {
            list[index] = binding
        } else {
            list.append(binding)
            count += 1
        }
        bindingsByAOR[binding.aor] = list
    }

    /// Removes the binding of `aor` with `contactKey`; returns it if it was there.
    @discardableResult
    public mutating func remove(aor: String, contactKey: String) -> Binding? {
        guard var list = bindingsByAOR[aor],
              let index = list.firstIndex(where: { $0.contactKey == contactKey }) else { return nil }
        let removed = list.remove(at: index)
        count -= 1
        bindingsByAOR[aor] = list.isEmpty ? nil : list
        return removed
    }

    /// Removes every binding that lapsed at or before `now` and returns them.
    public mutating func removeExpired(now: Timestamp) -> [Binding] {
        var lapsed: [Binding] = []
        for (aor, list) in bindingsByAOR where list.contains(where: { $0.expiresAt <= now }) {
            let alive = list.filter { $0.expiresAt > now }
            lapsed.append(contentsOf: list.filter { $0.expiresAt <= now })
            bindingsByAOR[aor] = alive.isEmpty ? nil : alive
        }
        count -= lapsed.count
        return lapsed
    }
}
