import Foundation

extension KeyedDecodingContainer {
    /// Decodes an RFC 3339 date-time string ("2026-11-26T23:59:01Z"), with an error naming the
    /// key and the text when it is not one.
    func decodeRFC3339(_ key: Key) throws -> Date {
        let text = try decode(String.self, forKey: key)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "'\(text)' is not an RFC 3339 date-time such as 2026-11-26T23:59:01Z")
        }
        return date
    }
}
