import FuzzSupport
import SIPCore

/// libFuzzer entry point: a TCP byte stream through `SIPStreamFramer`, cut into chunks whose
/// sizes the first input byte chooses (so a header block or a CRLFCRLF ping split anywhere is
/// covered), every framed message then through the parser in stream mode.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIPStreamFramer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let chunk = Int(input[0] % 64) + 1
    // Small limits too, so the size checks are reached without megabytes of input.
    var framer = SIPStreamFramer(maxMessageSize: input[0] & 0x80 != 0 ? 512 : 65536)
    var offset = 1
    while offset < size {
        let end = min(size, offset + chunk)
        framer.append(UnsafeRawBufferPointer(rebasing: input[offset..<end]))
        offset = end
        do {
            while let frame = try framer.nextFrame() {
                if case .message(let bytes) = frame {
                    bytes.withUnsafeBytes { SIPParserExercise.run($0, isStream: true) }
                }
            }
        } catch {
            return 0  // the daemon closes the connection
        }
        precondition(framer.bufferedByteCount >= 0)
    }
    return 0
}
