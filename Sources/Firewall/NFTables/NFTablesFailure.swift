/// One message (and, when the kernel said which, one element) of a batch that the kernel
/// refused, with its reason.
public struct NFTablesFailure: Equatable, Sendable, CustomStringConvertible {
    /// What the message did, typed (the backend decides from it).
    var action: NFTablesOperation
    /// What the message did, in words ("add 1000 elements to set ban4").
    public var operation: String { action.description }
    /// The element the kernel pointed at, when it did ("192.0.2.7").
    public var element: String?
    /// The kernel's errno.
    public var errno: Int32
    /// The kernel's own explanation (extended ack), when it gave one.
    public var kernelMessage: String?

    init(action: NFTablesOperation, element: String? = nil, errno: Int32, kernelMessage: String? = nil) {
        self.action = action
        self.element = element
        self.errno = errno
        self.kernelMessage = kernelMessage
    }

    /// "add 3 elements to set ban4: element 192.0.2.7: File exists (errno 17)".
    public var description: String {
        var text = operation
        if let element { text += ": element \(element)" }
        text += ": " + NFTablesError.text(errno)
        if let kernelMessage, !kernelMessage.isEmpty { text += " (\(kernelMessage))" }
        return text
    }
}
