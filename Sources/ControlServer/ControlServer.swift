import Configuration
import ControlAPI
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The daemon's control API: HTTP/1.1 with JSON bodies on a Unix socket (mode 0660), one
/// request per connection, answered by a `ControlService`.
///
/// ```swift
/// let server = ControlServer(socketPath: "./var/control.sock", service: service,
///                            group: MultiThreadedEventLoopGroup.singleton, logger: logger)
/// try await server.start()
/// ...
/// try await server.stop()
/// ```
///
/// On start it creates the socket's directory if needed, refuses to start when another
/// process answers on the socket, replaces a stale socket file (one nobody listens on), and
/// never deletes a file that is not a socket. On stop it removes its socket file.
public actor ControlServer {
    /// The default cap on a request body: 64 MiB, room for an import of well over 100,000
    /// subscribers.
    public static let defaultMaxRequestBodyBytes = 64 * 1024 * 1024

    /// The socket path.
    public nonisolated let socketPath: String
    private let service: any ControlService
    private let group: any EventLoopGroup
    private let logger: Logger
    private let maxRequestBodyBytes: Int
    private var channel: (any Channel)?
    private var socketIdentity: FileIdentity?
    /// The group to give the socket (`control.group`), and the optional TCP listener with its
    /// bearer token (`control.tcp_listen`): see ControlServer+Access.swift.
    private let socketGroup: String?
    private let tcp: ControlTCPSettings?
    private var tcpChannel: (any Channel)?

    /// Creates a server; nothing is bound until `start()`.
    ///
    /// - Parameters:
    ///   - socketPath: where to create the Unix socket.
    ///   - service: the daemon's side of each request.
    ///   - group: the event loops to serve on (default: NIO's shared singleton group).
    ///   - logger: request outcomes go here (failures at error, each request at debug).
    ///   - maxRequestBodyBytes: the largest request body accepted; larger ones get 413.
    public init(
        socketPath: String, service: any ControlService,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "sipwarden.control"),
        maxRequestBodyBytes: Int = ControlServer.defaultMaxRequestBodyBytes,
        socketGroup: String? = nil, tcp: ControlTCPSettings? = nil
    ) {
        self.socketGroup = socketGroup
        self.tcp = tcp
        self.socketPath = socketPath
        self.service = service
        self.group = group
        self.logger = logger
        self.maxRequestBodyBytes = maxRequestBodyBytes
    }

    /// Binds the socket, sets its mode to 0660 and starts answering.
    ///
    /// - Throws: `ControlServerError` naming the problem, or the underlying NIO error.
    public func start() async throws {
        guard channel == nil else { throw ControlServerError.alreadyStarted }
        let path = socketPath
        guard path.utf8.count <= ControlSocket.maximumPathLength else {
            throw ControlServerError.pathTooLong(path: path, limit: ControlSocket.maximumPathLength)
        }
        try createParentDirectory(of: path)
        try await removeStaleSocket(at: path)

        let dispatcher = ControlDispatcher(service: service, logger: logger)
        let maxBody = maxRequestBodyBytes
        let logger = self.logger
        let bound = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ControlHTTPHandler(dispatcher: dispatcher, maxBodyBytes: maxBody, logger: logger))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false)
            .get()

        if chmod(path, mode_t(ControlSocket.fileMode)) != 0 {
            let reason = String(cString: strerror(errno))
            try? await bound.close()
            throw ControlServerError.cannotSetMode(path: path, reason: reason)
        }
        if let socketGroup {
            do { try Self.setGroup(socketGroup, of: path) } catch {
                try? await bound.close()
                unlink(path)
                throw error
            }
        }
        channel = bound
        socketIdentity = FileIdentity(path: path)
        logger.info("control API listening", metadata: ["socket": "\(path)", "mode": "0660", "group": "\(socketGroup ?? "(daemon's)")"])
        if let tcp {
            do {
                tcpChannel = try await Self.bindTCP(tcp, dispatcher: dispatcher, maxBody: maxBody, group: group, logger: logger)
            } catch {
                try? await stop()  // the socket too: a half-started control API would confuse the operator
                throw error
            }
            logger.info("control API listening on TCP (bearer token required)", metadata: ["address": "\(tcp.address)"])
        }
    }

    /// Stops accepting connections and removes the socket file (if it is still the one this
    /// server created). Requests already received are still answered.
    public func stop() async throws {
        guard let channel else { return }
        self.channel = nil
        defer {
            if let identity = socketIdentity, FileIdentity(path: socketPath) == identity {
                unlink(socketPath)
            }
            socketIdentity = nil
        }
        if let tcpChannel {
            self.tcpChannel = nil
            try? await tcpChannel.close()
        }
        try await channel.close()
        logger.info("control API stopped", metadata: ["socket": "\(socketPath)"])
    }

    private func createParentDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw ControlServerError.cannotCreateDirectory(path: directory, reason: error.localizedDescription)
        }
    }

    /// Removes a socket file nobody listens on; refuses when someone does, or when the path
    /// holds something else.
    private func removeStaleSocket(at path: String) async throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw ControlServerError.notASocket(path: path) }
        let probe = try? await ClientBootstrap(group: group)
            .connectTimeout(.seconds(2))
            .connect(unixDomainSocketPath: path)
            .get()
        if let probe {
            try? await probe.close()
            throw ControlServerError.alreadyInUse(path: path)
        }
        logger.info("removing stale control socket", metadata: ["socket": "\(path)"])
        unlink(path)
    }
}
