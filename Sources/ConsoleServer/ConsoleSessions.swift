import ControlAPI
import Synchronization

/// The console's logins: a random token (the cookie) per login, each with its user, role, CSRF
/// token and expiry, kept in memory (a daemon restart logs everyone out).
final class ConsoleSessions: Sendable {
    /// One login.
    struct Session: Sendable {
        /// The cookie's value.
        var token: String
        /// The console user.
        var user: String
        /// What the user may do.
        var role: ConsoleRole
        /// The token every form that changes something must carry.
        var csrf: String
        /// When the login ends.
        var expiresAt: ContinuousClock.Instant
        /// A message for the next page shown ("Banned 192.0.2.7 for 1h").
        var flash: String?

        /// The name changes are recorded with ("console alice").
        var caller: String { "console \(user)" }
        /// Whether the user may change things.
        var isAdmin: Bool { role == .admin }
    }

    /// The cookie's name.
    static let cookieName = "sipwarden_console"
    /// The most logins kept; the oldest goes first.
    static let maximumSessions = 10_000

    /// How long a login lasts.
    let lifetime: Duration
    private let table = Mutex<[String: Session]>([:])

    /// Sessions lasting `lifetime`.
    init(lifetime: Duration) { self.lifetime = lifetime }

    /// Starts a login.
    func create(user: String, role: ConsoleRole) -> Session {
        let session = Session(
            token: Self.randomToken(), user: user, role: role, csrf: Self.randomToken(), expiresAt: .now + lifetime)
        table.withLock { table in
            let now = ContinuousClock.now
            table = table.filter { $0.value.expiresAt > now }
            if table.count >= Self.maximumSessions, let oldest = table.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                table[oldest.key] = nil
            }
            table[session.token] = session
        }
        return session
    }

    /// The live session of `token`, nil when unknown or expired.
    func session(_ token: String?) -> Session? {
        guard let token else { return nil }
        return table.withLock { table in
            guard let session = table[token] else { return nil }
            guard session.expiresAt > .now else {
                table[token] = nil
                return nil
            }
            return session
        }
    }

    /// Ends a login.
    func end(_ token: String) { _ = table.withLock { $0.removeValue(forKey: token) } }

    /// Leaves a message for the session's next page.
    func flash(_ token: String, _ message: String) { table.withLock { $0[token]?.flash = message } }

    /// Takes the session's message, if any.
    func takeFlash(_ token: String) -> String? {
        table.withLock { table in
            let message = table[token]?.flash
            table[token]?.flash = nil
            return message
        }
    }

    /// The Set-Cookie value for a login (HttpOnly, SameSite=Strict, expiring with it).
    func cookie(for session: Session) -> String {
        "\(Self.cookieName)=\(session.token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(lifetime.components.seconds)"
    }

    /// The Set-Cookie value that removes the cookie.
    static let clearedCookie = "\(cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"

    /// Whether two tokens are equal, in time that does not depend on where they differ.
    static func sameToken(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }

    /// 32 random bytes as hex.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        var text = ""
        for _ in 0..<32 {
            let byte = UInt8.random(in: .min ... .max, using: &generator)
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}
