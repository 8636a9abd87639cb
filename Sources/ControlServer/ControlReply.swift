/// One answer of the control server, before it is written to the connection.
struct ControlReply: Sendable {
    /// The HTTP status.
    var status: Int
    /// The JSON body; empty for 204.
    var body: [UInt8]
    /// Extra header fields (Allow on 405).
    var headers: [(String, String)] = []
}
