import CNFTables

/// What a set-element message does.
enum NFTablesElementVerb {
    /// Adds elements (`NFT_MSG_NEWSETELEM`); an element present already is kept (from kernel
    /// 6.12 its timeout is refreshed).
    case add
    /// Deletes elements (`NFT_MSG_DELSETELEM`); a missing element fails the batch (ENOENT).
    case delete

    var messageType: UInt32 {
        switch self {
        case .add: NFT_MSG_NEWSETELEM.rawValue
        case .delete: NFT_MSG_DELSETELEM.rawValue
        }
    }

    var flags: Int32 {
        switch self {
        case .add: NLM_F_CREATE
        case .delete: 0
        }
    }

    var word: String { self == .add ? "add" : "delete" }
    var preposition: String { self == .add ? "to" : "from" }
}
