import SIPCore
import SIPWardenPolicy

extension Registrar {
    /// The facts of one REGISTER and the helpers that answer it.
    struct Context {
        let request: SIPRequest
        let source: SourceAddress
        let transport: Transport
        let now: Timestamp
        let salt: UInt64
        let configuration: RegistrarConfiguration
        let codec: NonceCodec
        let forceRport: Bool
        /// The authenticated (or, without authentication, claimed) username.
        var username: String?

        init(request: SIPRequest, source: SourceAddress, transport: Transport, now: Timestamp, salt: UInt64,
             configuration: RegistrarConfiguration, codec: NonceCodec, forceRport: Bool) {
            self.request = request
            self.source = source
            self.transport = transport
            self.now = now
            self.salt = salt
            self.configuration = configuration
            self.codec = codec
            self.forceRport = forceRport
        }

        /// A response with the request's addressing headers and a To tag.
        func reply(_ status: Int, _ reason: String? = nil) -> SIPResponse {
            ResponseFactory.response(
                to: request, statusCode: status, reasonPhrase: reason, source: source,
                toTag: String(salt & 0xFFFF_FFFF_FFFF, radix: 16), serverHeader: configuration.serverHeader,
                forceRport: forceRport
            )
        }

        /// A refusal with a `register.rejected` event.
        func reject(_ status: Int, _ reason: String, detail: String, aor: String?, username: String? = nil) -> RegisterOutcome {
            RegisterOutcome(response: reply(status, reason), events: [
                RegistrarEvent(kind: .registerRejected, aor: aor, username: username ?? self.username, detail: detail),
            ])
        }

        /// A 401 carrying one challenge per configured algorithm. Known and unknown users get
        /// exactly this, so a scanner learns nothing from it.
        func challenge(realm: String, stale: Bool, event: RegistrarEvent) -> RegisterOutcome {
            var response = reply(401)
            for (index, name) in configuration.challengeAlgorithms.enumerated() {
                let algorithm: DigestAlgorithm = name == .sha256 ? .sha256 : .md5
                let challenge = DigestAuthenticator.challenge(
                    codec: codec, realm: realm, algorithm: algorithm, stale: stale, now: now,
                    salt: salt &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
                )
                response.headers.add("WWW-Authenticate") { challenge.appendHeaderValue(to: &$0) }
            }
            return RegisterOutcome(response: response, events: [event])
        }

        /// A 200 listing `bindings` (RFC 3261 §10.3 step 8), each Contact with the parameters the
        /// phone registered it with (`+sip.instance`, `reg-id`, `pn-*`...: phones look for their
        /// own Contact in the answer), then its remaining expiry and its q-value.
        func okay(bindings: [Binding]) -> RegisterOutcome {
            var response = reply(200)
            for binding in bindings where binding.expiresAt > now {
                // Written as bytes into the response (a String grew piece by piece).
                response.headers.add("Contact") { out in
                    out.append(UInt8(ascii: "<"))
                    out.append(contentsOf: binding.contact.utf8)
                    out.append(UInt8(ascii: ">"))
                    out.append(contentsOf: binding.contactParameters.utf8)
                    out.append(contentsOf: ";expires=".utf8)
                    SIPHeaders.appendDecimal(now.secondsUntil(binding.expiresAt), to: &out)
                    if let q = binding.qThousandths {
                        out.append(contentsOf: ";q=".utf8)
                        out.append(contentsOf: QValue.format(q).utf8)
                    }
                }
            }
            return RegisterOutcome(response: response)
        }

        /// The binding this REGISTER makes for `contact`.
        func makeBinding(aor: String, contact: NameAddress, key: String, expires: UInt32, q: Int?, registeredAt: Timestamp?) -> Binding {
            var parameters = contact.parameters
            parameters.remove("expires")
            parameters.remove("q")
            return Binding(
                aor: aor, contact: contact.uri.description, contactKey: key, contactParameters: parameters.description,
                qThousandths: q, expiresAt: now.adding(seconds: Int64(expires)), registeredAt: registeredAt ?? now,
                updatedAt: now, callID: request.callID, cseq: request.cseq.number, source: source,
                transport: transport, userAgent: request.userAgent, nat: isBehindNAT(contact.uri),
                viaPath: request.headers.joinedValues("Via", separator: ", ")
            )
        }

        /// A phone is behind NAT when its Contact names another address than the packet came
        /// from (over TCP only the host counts: the source port of a connection is ephemeral).
        func isBehindNAT(_ uri: SIPURI) -> Bool {
            guard uri.isSIP else { return false }
            if IPAddress(uri.host.trimmingBrackets()) != source.address { return true }  // a name, or another address
            guard transport == .udp else { return false }
            let port = Int(uri.port ?? (uri.scheme == "sips" ? 5061 : 5060))
            return port != source.port
        }
    }
}
