/// What one netlink message of ours does: how a failure is explained, and what the backend
/// decides from (an object that cannot be created, elements missing at delete), with no
/// parsing of the explanation.
enum NFTablesOperation: Equatable, Sendable, CustomStringConvertible {
    /// Creates (or keeps) an object of our table.
    case create(NFTablesObject)
    /// Empties one of our chains.
    case flushChain(String)
    /// Appends a rule (`text` in nft syntax) to a chain.
    case addRule(chain: String, text: String)
    /// Deletes the table.
    case deleteTable(String)
    /// Empties a set.
    case flushSet(String)
    /// Adds or deletes `count` elements of a set.
    case elements(NFTablesElementVerb, count: Int, set: String)
    /// The batch's begin message.
    case beginBatch
    /// Lists the rules of a table.
    case listRules(table: String)
    /// Looks something up (a table, elements).
    case get(String)

    /// "create set ban4", "add 3 elements to set ban4", ...
    var description: String {
        switch self {
        case .create(let object): "create \(object)"
        case .flushChain(let chain): "flush chain \(chain)"
        case .addRule(let chain, let text): "add rule \(chain) \(text)"
        case .deleteTable(let table): "delete table inet \(table)"
        case .flushSet(let set): "flush set \(set)"
        case .elements(let verb, let count, let set): "\(verb.word) \(count) element\(count == 1 ? "" : "s") \(verb.preposition) set \(set)"
        case .beginBatch: "begin batch"
        case .listRules(let table): "list rules of table \(table)"
        case .get(let what): "get \(what)"
        }
    }

    /// The object this message creates, if it creates one.
    var created: NFTablesObject? {
        if case .create(let object) = self { return object }
        return nil
    }

    /// Whether this message deletes set elements.
    var deletesElements: Bool {
        if case .elements(.delete, _, _) = self { return true }
        return false
    }
}

/// An object of our table.
enum NFTablesObject: Equatable, Sendable, CustomStringConvertible {
    case table(String)
    case set(String)
    case chain(String)

    /// "table inet sipwarden", "set ban4", "chain bans".
    var description: String {
        switch self {
        case .table(let name): "table inet \(name)"
        case .set(let name): "set \(name)"
        case .chain(let name): "chain \(name)"
        }
    }
}

/// libnftnl's allocators return nil only when memory runs out: a typed error naming what was
/// being built instead of a trap.
func allocated<T>(_ pointer: T?, _ what: @autoclosure () -> String) throws(NFTablesError) -> T {
    guard let pointer else { throw .cannotBuild(what()) }
    return pointer
}
