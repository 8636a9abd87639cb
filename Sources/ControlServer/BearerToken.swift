/// Checking an `Authorization: Bearer` header against the control API's token.
enum BearerToken {
    /// Whether `header` is `Bearer <token>`, compared in time independent of where it differs.
    static func matches(_ header: String?, token: [UInt8]) -> Bool {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(header.dropFirst(7).utf8)
        var difference = UInt8(given.count == token.count ? 0 : 1)
        for index in token.indices {
            difference |= token[index] ^ (index < given.count ? given[index] : 0)
        }
        return difference == 0
    }
}
