import CNFTables
import Glibc

/// A netfilter netlink socket (`NETLINK_NETFILTER`) opened through libmnl, in the process's
/// network namespace or a named one.
///
/// The kernel handles a batch inside `sendto`, so every acknowledgement is queued by the time
/// the call returns: replies to a batch are read without blocking. Dumps are read until their
/// end, blocking (with a timeout).
final class NetlinkSocket {
    /// The socket's netlink port id (its address).
    let portID: UInt32
    private let socket: OpaquePointer
    private let descriptor: Int32
    private var sendBufferSize: Int
    private var receiveBuffer: UnsafeMutableRawBufferPointer

    /// Opens and binds a socket; in `networkNamespace` (a name or a path) when given.
    init(networkNamespace: String? = nil) throws(NFTablesError) {
        let opened: OpaquePointer?
        if let networkNamespace {
            let address = try NetworkNamespace.run(in: networkNamespace) { () -> UInt? in
                mnl_socket_open(NETLINK_NETFILTER).map { UInt(bitPattern: Int(bitPattern: UnsafeRawPointer($0))) }
            }
            opened = address.flatMap { OpaquePointer(bitPattern: $0) }
        } else {
            opened = mnl_socket_open(NETLINK_NETFILTER)
        }
        guard let opened else {
            let code = errno
            if code == EPROTONOSUPPORT { throw .nfTablesMissing(errno: code) }
            throw .socketUnavailable(errno: code)
        }
        guard mnl_socket_bind(opened, 0, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = errno
            mnl_socket_close(opened)
            throw .socketUnavailable(errno: code)
        }
        socket = opened
        descriptor = mnl_socket_get_fd(opened)
        portID = mnl_socket_get_portid(opened)
        var one: Int32 = 1
        // Extended acks say which attribute (element) was refused; capped acks do not echo
        // back the whole (possibly megabytes long) message with each error.
        _ = mnl_socket_setsockopt(opened, NETLINK_EXT_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        _ = mnl_socket_setsockopt(opened, NETLINK_CAP_ACK, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        sendBufferSize = 0
        receiveBuffer = .allocate(byteCount: 1 << 20, alignment: 8)
        Self.setBuffer(descriptor, option: SO_RCVBUFFORCE, fallback: SO_RCVBUF, size: 8 << 20)
    }

    deinit {
        mnl_socket_close(socket)
        receiveBuffer.deallocate()
    }

    /// Sends one buffer (a whole batch, or one request), growing the send buffer when the
    /// batch is larger than it, as the `nft` tool does.
    func send(_ bytes: UnsafeRawBufferPointer) throws(NFTablesError) {
        if bytes.count > sendBufferSize {
            let wanted = max(bytes.count + 4096, 1 << 20)
            Self.setBuffer(descriptor, option: SO_SNDBUFFORCE, fallback: SO_SNDBUF, size: wanted)
            sendBufferSize = wanted
        }
        let sent = mnl_socket_sendto(socket, bytes.baseAddress, bytes.count)
        guard sent == bytes.count else {
            let code = sent < 0 ? errno : EMSGSIZE
            if code == EPERM { throw .notPermitted }
            throw .io(operation: "send", errno: code)
        }
    }

    /// Reads the replies already queued, without waiting: until `expecting` acknowledgements
    /// or errors have come, or the queue is empty.
    func drain(expecting: Int) throws(NFTablesError) -> [NetlinkReply] {
        var replies: [NetlinkReply] = []
        var answers = 0
        while answers < expecting {
            let count = recv(descriptor, receiveBuffer.baseAddress, receiveBuffer.count, Int32(MSG_DONTWAIT))
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return replies }
                if errno == EINTR { continue }
                throw .io(operation: "receive", errno: errno)
            }
            if count == 0 { return replies }
            let parsed = try NetlinkReply.parse(UnsafeRawBufferPointer(rebasing: receiveBuffer[0..<count]))
            answers += parsed.filter { if case .ack = $0 { true } else { false } }.count
            replies += parsed
        }
        return replies
    }

    /// Reads replies for request `seq` until its acknowledgement, error or end of dump.
    func awaitReplies(seq: UInt32) throws(NFTablesError) -> [NetlinkReply] {
        var replies: [NetlinkReply] = []
        while true {
            let count = recv(descriptor, receiveBuffer.baseAddress, receiveBuffer.count, 0)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "receive", errno: errno)
            }
            for reply in try NetlinkReply.parse(UnsafeRawBufferPointer(rebasing: receiveBuffer[0..<count])) where reply.seq == seq {
                replies.append(reply)
                switch reply {
                case .ack, .done: return replies
                case .data: continue
                }
            }
        }
    }

    private static func setBuffer(_ descriptor: Int32, option: Int32, fallback: Int32, size: Int) {
        var value = Int32(clamping: size)
        let length = socklen_t(MemoryLayout<Int32>.size)
        // The FORCE variant passes the system-wide limit; it needs CAP_NET_ADMIN, as we do anyway.
        if setsockopt(descriptor, SOL_SOCKET, option, &value, length) != 0 {
            _ = setsockopt(descriptor, SOL_SOCKET, fallback, &value, length)
        }
    }
}
