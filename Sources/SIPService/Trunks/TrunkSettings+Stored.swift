import SIPCore
import Store
import TrunkClient

extension TrunkSettings {
    /// The settings of a stored (or configured) trunk; a problem names the field and value.
    static func make(from trunk: StoredTrunk) -> Result<TrunkSettings, TrunkSettingsProblem> {
        func uri(_ text: String, _ field: String) -> Result<SIPURI, TrunkSettingsProblem> {
            guard let uri = try? SIPURI.parse(text), uri.scheme == "sip", !uri.host.isEmpty, uri.user == nil, uri.opaque == nil else {
                return .failure(TrunkSettingsProblem(field: field, value: text, message: "is not sip:HOST[:PORT], e.g. sip:sip.carrier.example or sip:192.0.2.10:5060"))
            }
            return .success(uri)
        }
        let registrar: SIPURI
        switch uri(trunk.registrar, "registrar") {
        case .success(let value): registrar = value
        case .failure(let problem): return .failure(problem)
        }
        var proxy: SIPURI?
        if let text = trunk.outboundProxy {
            switch uri(text, "outbound_proxy") {
            case .success(let value): proxy = value
            case .failure(let problem): return .failure(problem)
            }
        }
        guard let transport = TrunkTransport(rawValue: trunk.transport) else {
            return .failure(TrunkSettingsProblem(field: "transport", value: trunk.transport, message: "is not udp or tcp"))
        }
        let settings = TrunkSettings(
            name: trunk.name, registrar: registrar, username: trunk.username, authUsername: trunk.authUsername, password: trunk.password,
            realm: trunk.realm, transport: transport, expires: trunk.expires, contactUser: trunk.contactUser, outboundProxy: proxy)
        // A trial REGISTER: the user names must make valid From, To and Contact headers.
        var random = SystemRandomNumberGenerator()
        var trial = TrunkClient(settings: settings, enabled: false, now: .init(milliseconds: 0), random: &random)
        trial.setTransport(local: TrunkAddress(host: "192.0.2.1", port: 5060), targets: 1)
        let actions = trial.enable(now: .init(milliseconds: 0), random: &random)
        guard actions.contains(where: { if case .send = $0 { return true } else { return false } }) else {
            return .failure(TrunkSettingsProblem(field: "username", value: trunk.username, message: "does not make a valid REGISTER (check username, auth_username and contact_user)"))
        }
        return .success(settings)
    }
}
