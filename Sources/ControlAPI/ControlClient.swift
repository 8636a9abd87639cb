import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A client of the daemon's control API: HTTP/1.1 with JSON bodies over the Unix socket.
///
/// One request per connection (`Connection: close`), Content-Length framed; the answer is
/// read until it is complete or the daemon closes. The socket I/O is plain blocking POSIX
/// calls run on a thread of their own, so no async caller's executor is ever blocked.
///
/// ```swift
/// let client = ControlClient(socketPath: "./var/control.sock")
/// let bindings = try await client.registrations()
/// ```
public struct ControlClient: Sendable {
    /// The path of the daemon's control socket.
    public var socketPath: String
    /// How long to wait for the daemon to accept, read and answer one request, in seconds.
    public var timeoutSeconds: Int
    /// The TCP listener to use instead of the socket (`control.tcp_listen`), if any.
    public var tcp: ControlEndpoint.TCP?

    /// Creates a client of the socket at `socketPath`.
    public init(socketPath: String, timeoutSeconds: Int = 300) {
        self.socketPath = socketPath
        self.timeoutSeconds = timeoutSeconds
    }

    /// Creates a client of `endpoint` (for TCP, `socketPath` holds the URL, for messages).
    public init(endpoint: ControlEndpoint, timeoutSeconds: Int = 300) {
        self.socketPath = endpoint.label
        self.timeoutSeconds = timeoutSeconds
        if case .tcp(let tcp) = endpoint { self.tcp = tcp }
    }

    // MARK: - Typed requests

    /// `GET /v1/health`.
    public func health() async throws(ControlClientError) -> HealthInfo {
        try await call(.health, body: nil, decoding: HealthInfo.self)
    }

    /// `GET /v1/registrations`: every live binding.
    public func registrations() async throws(ControlClientError) -> [RegistrationInfo] {
        try await call(.listRegistrations(RegistrationQuery()), body: nil, decoding: [RegistrationInfo].self)
    }

    /// `GET /v1/subscribers`: every subscriber.
    public func subscribers() async throws(ControlClientError) -> [SubscriberInfo] {
        try await call(.listSubscribers, body: nil, decoding: [SubscriberInfo].self)
    }

    /// `POST /v1/subscribers`: provisions one subscriber. Returns true when an existing
    /// subscriber was replaced (`replace` set; the daemon answers 200 instead of 201).
    @discardableResult
    public func addSubscriber(_ request: SubscriberAddRequest) async throws(ControlClientError) -> Bool {
        let response = try await send(.addSubscriber, body: try encode(request))
        try check(response)
        return response.status == 200
    }

    /// `GET /v1/export/subscribers`: every subscriber with its HA1 digests (no passwords), in
    /// the form `importSubscribers` takes back.
    public func exportSubscribers() async throws(ControlClientError) -> SubscriberImportRequest {
        try await call(.exportSubscribers, body: nil, decoding: SubscriberImportRequest.self)
    }

    /// `POST /v1/subscribers/import`: adds or updates many subscribers at once.
    public func importSubscribers(_ request: SubscriberImportRequest) async throws(ControlClientError) -> SubscriberImportResponse {
        try await call(.importSubscribers, body: try encode(request), decoding: SubscriberImportResponse.self)
    }

    /// `DELETE /v1/subscribers/{username}`: removes one subscriber (a 404 when there is no
    /// such subscriber arrives as `ControlClientError.daemon`).
    public func removeSubscriber(username: String, domain: String?) async throws(ControlClientError) {
        let response = try await send(.removeSubscriber(username: username, domain: domain), body: nil)
        try check(response)
    }

    // MARK: - Raw requests

    /// Sends a request on `route` and returns the response, whatever its status.
    public func send(_ route: ControlRoute, body: [UInt8]?) async throws(ControlClientError) -> ControlHTTPResponse {
        try await send(method: route.method, target: route.target, body: body)
    }

    /// Sends any request (tests use this for routes the API does not have) and returns the
    /// response, whatever its status.
    public func send(method: String, target: String, body: [UInt8]?) async throws(ControlClientError) -> ControlHTTPResponse {
        let request = Self.requestBytes(method: method, target: target, body: body, token: tcp?.token)
        let path = socketPath
        let timeout = timeoutSeconds
        let tcp = self.tcp
        let result: Result<ControlHTTPResponse, ControlClientError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Self.exchange(request, socketPath: path, timeoutSeconds: timeout, tcp: tcp))
            }
            thread.name = "sipwarden-control-client"
            thread.start()
        }
        return try result.get()
    }

    /// Sends a request and returns the response, blocking the calling thread (for callers
    /// that are not async).
    public func sendBlocking(method: String, target: String, body: [UInt8]?) throws(ControlClientError) -> ControlHTTPResponse {
        try Self.exchange(
            Self.requestBytes(method: method, target: target, body: body, token: tcp?.token), socketPath: socketPath,
            timeoutSeconds: timeoutSeconds, tcp: tcp
        ).get()
    }

    // MARK: - Internals

    private func call<Answer: Decodable>(_ route: ControlRoute, body: [UInt8]?, decoding: Answer.Type) async throws(ControlClientError) -> Answer {
        let response = try await send(route, body: body)
        try check(response)
        do {
            return try ControlJSON.makeDecoder().decode(Answer.self, from: Data(response.body))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "\(route.summary) answered with unexpected JSON: \(error)")
        }
    }

    private func encode<Body: Encodable>(_ body: Body) throws(ControlClientError) -> [UInt8] {
        do {
            return Array(try ControlJSON.makeEncoder().encode(body))
        } catch {
            throw .badResponse(socketPath: socketPath, message: "the request could not be encoded: \(error)")
        }
    }

    private func check(_ response: ControlHTTPResponse) throws(ControlClientError) {
        guard !response.isSuccess else { return }
        if let error = try? ControlJSON.makeDecoder().decode(ControlError.self, from: Data(response.body)) {
            throw .daemon(status: response.status, error: error)
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        let detail = text.isEmpty ? "" : ": \(text)"
        throw .daemon(status: response.status, error: ControlError(error: "HTTP \(response.status) \(response.reason)\(detail)"))
    }

    static func requestBytes(method: String, target: String, body: [UInt8]?, token: String? = nil) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "Host: sipwarden\r\n"
        head += "User-Agent: sipwardenctl\r\n"
        head += "Accept: \(ControlJSON.contentType)\r\n"
        head += "Connection: close\r\n"
        if let body {
            head += "Content-Type: \(ControlJSON.contentType)\r\n"
            head += "Content-Length: \(body.count)\r\n"
        } else if method != "GET" && method != "HEAD" {
            head += "Content-Length: 0\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if let body { bytes.append(contentsOf: body) }
        return bytes
    }

    /// Connects, writes the request, reads the response: blocking.
    static func exchange(
        _ request: [UInt8], socketPath: String, timeoutSeconds: Int, tcp: ControlEndpoint.TCP? = nil
    ) -> Result<ControlHTTPResponse, ControlClientError> {
        let socket: UnixSocket
        let connected = tcp.map { TCPConnector.connect($0, label: socketPath, timeoutSeconds: timeoutSeconds) }
            ?? UnixSocket.connect(path: socketPath, timeoutSeconds: timeoutSeconds)
        switch connected {
        case .success(let connected): socket = connected
        case .failure(let error): return .failure(error)
        }
        defer { socket.close() }

        // A daemon that refuses the request early (413) may close before reading it all:
        // a broken pipe is not the end, its answer is still there to read.
        if case .failure(let error) = socket.writeAll(request), error != .brokenPipe {
            return .failure(error.clientError(socketPath: socketPath, timeoutSeconds: timeoutSeconds))
        }

        var received: [UInt8] = []
        var scannedUpTo = 0
        var expectedTotal: Int?
        while true {
            switch socket.read(into: &received) {
            case .failure(let error):
                if error == .brokenPipe, !received.isEmpty {
                    return finish(received, closed: true, socketPath: socketPath)
                }
                return .failure(error.clientError(socketPath: socketPath, timeoutSeconds: timeoutSeconds))
            case .success(0):
                return finish(received, closed: true, socketPath: socketPath)
            case .success:
                if expectedTotal == nil, let end = ControlHTTPResponse.headEnd(in: received, from: scannedUpTo - 3) {
                    expectedTotal = end + contentLength(received[0..<end])
                } else if expectedTotal == nil {
                    scannedUpTo = received.count
                }
                if let expectedTotal, expectedTotal >= 0, received.count >= expectedTotal {
                    return finish(received, closed: false, socketPath: socketPath)
                }
            }
        }
    }

    /// The Content-Length of a head, or a large negative number when the body is not
    /// length-framed (then the response runs until the daemon closes).
    private static func contentLength(_ head: ArraySlice<UInt8>) -> Int {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        if text.contains("transfer-encoding:") { return Int.min / 2 }
        for line in text.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            return Int(line.dropFirst("content-length:".count).trimmingBlanks()) ?? Int.min / 2
        }
        if let statusLine = text.split(separator: "\r\n").first {
            let parts = statusLine.split(separator: " ")
            if parts.count >= 2, parts[1] == "204" || parts[1] == "304" { return 0 }
        }
        return Int.min / 2
    }

    private static func finish(_ received: [UInt8], closed: Bool, socketPath: String) -> Result<ControlHTTPResponse, ControlClientError> {
        do {
            switch try ControlHTTPResponse.parse(received, closed: closed) {
            case .complete(let response): return .success(response)
            case .incomplete: return .failure(.badResponse(socketPath: socketPath, message: "the response ended early"))
            }
        } catch {
            return .failure(.badResponse(socketPath: socketPath, message: error.message))
        }
    }
}
