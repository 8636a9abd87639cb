import SIPCore

extension Binding {
    /// The device's `+sip.instance` (RFC 5626 §4.1), quotes removed ("<urn:uuid:...>"), from
    /// the stored Contact parameters; nil when the phone sent none.
    public var instanceID: String? { Self.instance(in: storedParameters) }

    /// The `reg-id` flow number (RFC 5626 §4.2), nil when the phone sent none.
    public var regID: String? { storedParameters["reg-id"] ?? nil }

    /// Whether this binding is the registration of `instance` (and `regID`) under another
    /// Contact URI: the same device, now elsewhere (RFC 5626 §6). Both reg-ids must agree,
    /// an absent one matching only an absent one.
    func isSameInstance(_ instance: String, regID: String?) -> Bool {
        let parameters = storedParameters
        return Self.instance(in: parameters) == instance && (parameters["reg-id"] ?? nil) == regID
    }

    /// The `+sip.instance` of `parameters`, unquoted.
    static func instance(in parameters: SIPParameters) -> String? {
        guard let value = parameters.unquoted("+sip.instance"), !value.isEmpty else { return nil }
        return value
    }

    /// The stored Contact parameters, parsed (empty when they do not parse, which only a
    /// hand-edited database can cause: the registrar stores what the parser produced).
    private var storedParameters: SIPParameters {
        guard !contactParameters.isEmpty else { return SIPParameters() }
        return (try? SIPParameters.parse(header: contactParameters)) ?? SIPParameters()
    }
}
