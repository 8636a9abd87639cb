import Configuration
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Who may reach the control API: the socket's group, and the TCP listener's bearer token.
extension ControlServer {
    /// Gives the socket file `group` (by name or number), keeping its owner.
    static func setGroup(_ group: String, of path: String) throws {
        let gid: gid_t
        if let entry = getgrnam(group) {
            gid = entry.pointee.gr_gid
        } else if let number = UInt32(group) {
            gid = gid_t(number)
        } else {
            throw ControlServerError.cannotSetGroup(path: path, group: group, reason: "no such group (see getent group)")
        }
        if chown(path, uid_t.max, gid) != 0 {
            let reason = String(cString: strerror(errno))
            throw ControlServerError.cannotSetGroup(
                path: path, group: group, reason: "\(reason); the daemon must be root or a member of that group")
        }
    }

    /// Binds the TCP listener: the same API, each request checked for the bearer token.
    static func bindTCP(
        _ settings: ControlTCPSettings, dispatcher: ControlDispatcher, maxBody: Int, group: any EventLoopGroup, logger: Logger
    ) async throws -> any Channel {
        let token = settings.token
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ControlHTTPHandler(dispatcher: dispatcher, maxBodyBytes: maxBody, logger: logger, bearerToken: token))
                }
            }
            .bind(host: settings.address.host, port: settings.address.port)
            .get()
    }
}
