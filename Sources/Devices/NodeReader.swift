import Yams

/// Typed access to the devices file's YAML nodes, with errors that name the key.
struct NodeReader {
    let fail: (String, String, String) -> DeviceCatalogError

    func mapping(_ node: Node, key: String) throws -> [(String, Node)] {
        guard case .mapping(let mapping) = node else { throw fail(key, describe(node), "expected a mapping of keys to values") }
        return try mapping.map { pair in
            guard case .scalar(let scalar) = pair.key else { throw fail(key, describe(pair.key), "keys must be plain words") }
            return (scalar.string, pair.value)
        }
    }

    func sequence(_ node: Node, key: String) throws -> [Node] {
        guard case .sequence(let sequence) = node else { throw fail(key, describe(node), "expected a list") }
        return Array(sequence)
    }

    func string(_ node: Node, key: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw fail(key, describe(node), "expected a single value") }
        return scalar.string
    }

    private func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): return scalar.string
        case .mapping: return "(a mapping)"
        case .sequence: return "(a list)"
        case .alias: return "(an alias)"
        }
    }
}
