import NIOCore
import Registrar
import Synchronization

/// Sends response datagrams out of one UDP channel, batching them so a burst costs one flush
/// (NIO then hands the kernel several datagrams per `sendmmsg`).
///
/// Responses produced while the event loop reads are written and flushed once at the end of
/// the read burst; responses released by the group committer from its own thread are queued
/// and written together in one hop onto the event loop.
final class DatagramSender: Sendable {
    private let channel: Channel
    private let queued = Mutex<[(bytes: [UInt8], destination: SocketAddress)]>([])

    init(channel: Channel) { self.channel = channel }

    /// Sends `bytes` to `destination`, from any thread. `known` is `destination` as a socket
    /// address when the caller has it (a reply to the datagram's own source, the common case);
    /// otherwise the socket address is built from the binary address (no text).
    func send(_ bytes: [UInt8], to destination: SourceAddress, known: SocketAddress? = nil) {
        send(bytes, to: known ?? SocketAddress(destination))
    }

    /// Sends `bytes` to `destination`, from any thread.
    func send(_ bytes: [UInt8], to destination: SocketAddress) {
        if channel.eventLoop.inEventLoop {
            write(bytes, to: destination)  // flushed in channelReadComplete
            return
        }
        let wasEmpty = queued.withLock { queue in
            queue.append((bytes, destination))
            return queue.count == 1
        }
        guard wasEmpty else { return }
        channel.eventLoop.execute { [self] in
            let batch = queued.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            for item in batch { write(item.bytes, to: item.destination) }
            channel.flush()
        }
    }

    /// Flushes what the event loop wrote during a read burst.
    func flush() { channel.flush() }

    private func write(_ bytes: [UInt8], to destination: SocketAddress) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.write(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }
}
