import Crypto

/// An HMAC-SHA256 already keyed, shared read-only by every copy of a `NonceCodec`.
///
/// `HMAC` is not `Sendable`, but this box never changes after `init` and a caller only ever
/// mutates its own copy of `hmac`, whose digest contexts are copied on first write
/// (swift-crypto's hashers are copy-on-write), so sharing it across threads is safe.
final class KeyedHMAC: @unchecked Sendable {
    /// The keyed state: copy it, then feed the copy.
    let hmac: HMAC<SHA256>

    init(_ hmac: HMAC<SHA256>) { self.hmac = hmac }
}
