#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Registrar
import Synchronization

/// Sends response datagrams out of one UDP channel, batching them so a burst costs one flush
/// (NIO then hands the kernel several datagrams per `sendmmsg`).
///
/// Responses produced while the event loop reads are written and flushed once at the end of
/// the read burst. Responses released by the group committer from its own thread (every 200 OK)
/// go straight to the kernel from that thread, through a duplicate of the channel's socket:
/// the event loop is not woken for them (before, each batch cost an eventfd write and read, an
/// epoll round, and NIO's write path for each datagram on the loop that also reads every
/// REGISTER). The kernel sends a whole datagram per call whichever thread makes it. Without a
/// descriptor (a test channel), or when the kernel refuses the send for lack of buffer, they
/// are queued and written together in one hop onto the event loop.
final class DatagramSender: Sendable {
    private let channel: Channel
    private let queued = Mutex<[(bytes: [UInt8], destination: SocketAddress)]>([])
    /// Our duplicate of the channel's socket, -1 without one or once closed. Sends hold the
    /// lock, so `close()` never closes it under a send (and the number is never reused under one).
    private let direct: Mutex<CInt>

    /// A sender for `channel`; `descriptor` is its socket, duplicated here for sends from
    /// other threads (nil: every send goes through the event loop).
    init(channel: Channel, descriptor: CInt? = nil) {
        self.channel = channel
        self.direct = Mutex(descriptor.map { fcntl($0, F_DUPFD_CLOEXEC, 0) } ?? -1)
    }

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
        if sendDirectly(bytes, to: destination) { return }
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

    /// Closes the duplicate socket (the channel closed): later sends take the event loop's path.
    func close() {
        direct.withLock { descriptor in
            if descriptor >= 0 { _ = Glibc.close(descriptor) }
            descriptor = -1
        }
    }

    deinit { close() }

    /// Sends from the calling thread; false when it could not and the event loop must.
    private func sendDirectly(_ bytes: [UInt8], to destination: SocketAddress) -> Bool {
        direct.withLock { descriptor -> Bool in
            guard descriptor >= 0 else { return false }
            while true {
                let sent = bytes.withUnsafeBytes { payload in
                    destination.withSockAddr { address, length in
                        sendto(descriptor, payload.baseAddress, payload.count, CInt(MSG_DONTWAIT), address, socklen_t(length))
                    }
                }
                if sent >= 0 { return true }
                switch errno {
                case EINTR: continue
                // No room in the socket's send buffer: NIO waits for it on the event loop.
                case EAGAIN, EWOULDBLOCK, ENOBUFS: return false
                // Anything else (an ICMP error reported on the socket, an address the kernel
                // will not send to): the datagram is lost, as NIO would lose it.
                default: return true
                }
            }
        }
    }

    private func write(_ bytes: [UInt8], to destination: SocketAddress) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        channel.write(AddressedEnvelope(remoteAddress: destination, data: buffer), promise: nil)
    }
}
