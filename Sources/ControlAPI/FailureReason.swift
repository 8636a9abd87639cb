import Foundation

/// The reason `analysis failures` gives a failed attempt, from its event kind and detail.
public enum FailureReason {
    /// The event kinds that count as failed attempts, and the reason each stands for.
    public static let byKind: [String: String] = [
        "auth.failed": "wrong password",
        "auth.unknown_user": "unknown user",
        "auth.stale_nonce": "stale nonce",
        "acl.denied": "ACL",
        "rate.exceeded": "rate limited",
        "ban.added": "banned",
        "register.rejected": "rejected",
    ]

    /// The reason for an event of `kind` with `detail`; nil when the kind is not a failure.
    /// `auth.failed` other than a wrong password (a replayed nonce-count, a forged nonce, an
    /// unsupported algorithm) shows its detail.
    public static func reason(kind: String, detail: String?) -> String? {
        guard let reason = byKind[kind] else { return nil }
        if kind == "auth.failed", let detail, !detail.isEmpty, detail != "wrong_password" {
            return detail.replacingOccurrences(of: "_", with: " ")
        }
        return reason
    }
}
