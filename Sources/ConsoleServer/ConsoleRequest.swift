import Foundation
import ControlAPI

/// One browser request as the console's pages see it: path, query and form fields decoded,
/// cookies split, and the address it came from.
struct ConsoleRequest: Sendable {
    /// "GET", "POST", ...
    var method: String
    /// The path, without the query ("/registrations").
    var path: String
    /// The query's fields.
    var query: [String: String]
    /// The fields of an `application/x-www-form-urlencoded` body.
    var form: [String: String]
    /// The cookies sent.
    var cookies: [String: String]
    /// The browser's address ("127.0.0.1").
    var client: String

    /// Parses a request line target and body.
    init(method: String, target: String, body: [UInt8], cookieHeader: String?, client: String) {
        self.method = method.uppercased()
        self.client = client
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? "/"
        query = parts.count > 1 ? Self.fields(parts[1]) : [:]
        form = Self.fields(Substring(decoding: body, as: UTF8.self))
        var cookies: [String: String] = [:]
        for pair in (cookieHeader ?? "").split(separator: ";") {
            let item = pair.split(separator: "=", maxSplits: 1)
            guard item.count == 2 else { continue }
            cookies[item[0].trimming(" ")] = item[1].trimming(" ")
        }
        self.cookies = cookies
    }

    /// A query or form field, nil when absent or blank.
    func field(_ name: String) -> String? {
        guard let value = (form[name] ?? query[name])?.trimming(" \t\r\n"), !value.isEmpty else { return nil }
        return value
    }

    /// `a=1&b=x+y` decoded as HTML forms encode it.
    static func fields(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let item = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncoding.decode(Substring(item[0].replacingOccurrences(of: "+", with: " "))) ?? ""
            let value = item.count > 1 ? PercentEncoding.decode(Substring(item[1].replacingOccurrences(of: "+", with: " "))) ?? "" : ""
            if !name.isEmpty { result[name] = value }
        }
        return result
    }
}

extension StringProtocol {
    /// The text without `characters` at either end.
    func trimming(_ characters: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
