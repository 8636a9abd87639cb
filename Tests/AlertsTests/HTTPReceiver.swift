import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that records each request's body
/// and answers with `status`, after `gate` is opened when one is given. One thread, one
/// connection at a time: what a webhook receiver needs and no more.
final class HTTPReceiver: Sendable {
    struct Request: Sendable {
        var head: String
        var body: Data
    }

    let port: UInt16
    private let listener: Int32
    private let requests = Mutex<[Request]>([])
    private let status: Int
    private let respond: Bool
    private let gate: DispatchSemaphore?

    /// Listens; `respond: false` reads requests and never answers (a hung receiver).
    init(status: Int = 200, respond: Bool = true, gate: DispatchSemaphore? = nil) throws {
        self.status = status
        self.respond = respond
        self.gate = gate
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    /// The requests received so far.
    var received: [Request] { requests.withLock { $0 } }

    /// Stops accepting.
    func close() { shutdown(listener, Int32(SHUT_RDWR)); Glibc.close(listener) }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var buffer = Data()
            var chunk = [UInt8](repeating: 0, count: 4096)
            var request: Request?
            while request == nil {
                let count = read(connection, &chunk, chunk.count)
                if count <= 0 { break }
                buffer.append(contentsOf: chunk[0..<count])
                request = Self.parse(buffer)
            }
            if let request {
                requests.withLock { $0.append(request) }
                gate?.wait()
                if respond {
                    let answer = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    _ = answer.withCString { write(connection, $0, strlen($0)) }
                } else {
                    sleep(3)   // longer than the sender's timeout
                }
            }
            Glibc.close(connection)
        }
    }

    /// A complete request in `buffer` (head, then Content-Length bytes of body), or nil.
    private static func parse(_ buffer: Data) -> Request? {
        guard let end = buffer.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        let length = head.split(separator: "\r\n").compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first ?? 0
        let body = buffer[end.upperBound...]
        guard body.count >= length else { return nil }
        return Request(head: head, body: Data(body.prefix(length)))
    }
}
