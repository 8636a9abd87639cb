import Foundation
import Registrar
import SIPWardenPolicy
import Store
import Yams

extension ConfigurationLoader {
    /// The keys of one `trunks:` entry.
    static let trunkKeys = [
        "name", "registrar", "username", "password", "password_file", "auth_username", "realm", "transport", "expires",
        "contact_user", "outbound_proxy", "enabled",
    ]

    /// `trunks:`: a list of outbound registrations (docs/trunks.md). The SIP URIs are checked
    /// again when the daemon starts them.
    static func readTrunks(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        var names = Set<String>()
        configuration.trunks = try reader.sequence(node, key: "trunks").enumerated().map { index, item in
            let base = "trunks[\(index)]"
            var fields: [String: String] = [:]
            var enabled = true
            var expires: UInt32 = 3600
            for (key, value) in try reader.mapping(item, key: base) {
                let path = base + "." + key
                switch key {
                case "enabled": enabled = try reader.bool(value, key: path)
                case "expires": expires = UInt32(try reader.integer(value, key: path, range: 1...604_800))
                case _ where trunkKeys.contains(key): fields[key] = try reader.string(value, key: path)
                default: throw reader.unknownKey(path, known: trunkKeys.map { base + "." + $0 })
                }
            }
            func required(_ key: String) throws -> String {
                guard let value = fields[key], !value.isEmpty else { throw reader.error(base + "." + key, "", "is required for every trunk") }
                return value
            }
            let name = try required("name")
            guard name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                throw reader.error(base + ".name", name, "must be 1 to 64 letters, digits, '-', '_' or '.'")
            }
            guard names.insert(name).inserted else { throw reader.error(base + ".name", name, "names another trunk already; names must be unique") }
            for key in ["registrar", "outbound_proxy"] {
                if let uri = fields[key], !uri.hasPrefix("sip:") || uri.count <= 4 {
                    throw reader.error(base + "." + key, uri, "expected sip:HOST[:PORT], e.g. sip:sip.carrier.example or sip:192.0.2.10:5060")
                }
            }
            let transport = fields["transport"]?.lowercased() ?? "udp"
            guard transport == "udp" || transport == "tcp" else { throw reader.error(base + ".transport", transport, "expected udp or tcp") }
            let password: String
            switch (fields["password"], fields["password_file"]) {
            case (let text?, nil): password = text
            case (nil, let file?):
                do {
                    password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
                } catch {
                    throw reader.error(base + ".password_file", file, "cannot read it (\(error.localizedDescription))")
                }
                guard !password.isEmpty else { throw reader.error(base + ".password_file", file, "is empty") }
            case (_?, _?): throw reader.error(base + ".password", "(hidden)", "give password or password_file, not both")
            case (nil, nil): throw reader.error(base + ".password", "", "is required (or password_file)")
            }
            let epoch = Timestamp(milliseconds: 0)
            return StoredTrunk(
                name: name, registrar: try required("registrar"), username: try required("username"), authUsername: fields["auth_username"],
                password: password, realm: fields["realm"], transport: transport, expires: expires, contactUser: fields["contact_user"],
                outboundProxy: fields["outbound_proxy"], enabled: enabled, createdAt: epoch, updatedAt: epoch)
        }
    }
}

extension ConfigurationLoader {
    /// `trunk_timing.*`.
    static func readTrunkTiming(_ node: Node, into configuration: inout DaemonConfiguration, reader: Reader) throws {
        let keys = ["initial_delay_max", "refresh_margin", "backoff_base", "backoff_cap", "rejected_retry", "nameserver"]
        for (key, value) in try reader.mapping(node, key: "trunk_timing") {
            let path = "trunk_timing." + key
            let text = try reader.string(value, key: path)
            if key == "nameserver" {
                let parts = text.split(separator: ":", omittingEmptySubsequences: false)
                let host = String(parts[0])
                let port = parts.count == 2 ? UInt16(parts[1]) : (parts.count == 1 ? 53 : nil)
                guard parts.count <= 2, let port, port > 0, let address = IPAddress(host), !address.isIPv6 else {
                    throw reader.error(path, text, "expected an IPv4 HOST[:PORT], e.g. 127.0.0.1:5353")
                }
                configuration.trunkTiming.nameserver = (host, port)
                continue
            }
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 604_800 else {
                throw reader.error(path, text, "expected seconds between 0 and 604800, e.g. 30 or 0.5")
            }
            switch key {
            case "initial_delay_max": configuration.trunkTiming.initialDelayMax = seconds
            case "refresh_margin": configuration.trunkTiming.refreshMargin = seconds
            case "backoff_base":
                guard seconds > 0 else { throw reader.error(path, text, "must be more than 0") }
                configuration.trunkTiming.backoffBase = seconds
            case "backoff_cap": configuration.trunkTiming.backoffCap = seconds
            case "rejected_retry": configuration.trunkTiming.rejectedRetry = seconds
            default: throw reader.unknownKey(path, known: keys.map { "trunk_timing." + $0 })
            }
        }
    }
}
