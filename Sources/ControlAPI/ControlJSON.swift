import Foundation

/// The one JSON configuration the daemon and the CLI share, so both sides write and read the
/// control API's bodies the same way.
///
/// Key names are not derived by a strategy: every type spells its keys in its own
/// `CodingKeys`, so any decoder reads them. The encoder sorts keys (stable output for diffs and
/// tests) and does not escape slashes (contact URIs and paths stay readable).
public enum ControlJSON {
    /// The media type of every control API body.
    public static let contentType = "application/json"

    /// A new encoder for request and response bodies: compact, sorted keys, unescaped slashes.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A new encoder for output meant for people and scripts at once (the CLI's `--json`):
    /// like `makeEncoder()`, but indented.
    public static func makePrettyEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }

    /// A new decoder for request and response bodies.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }
}
