import FuzzSupport
import SIPCore

/// libFuzzer entry point: one datagram through the SIP parser, then through every lazy header
/// parser the registrar calls on a request (Contact, Expires, Authorization) and the
/// serializer, so a crash anywhere on the REGISTER path shows. Parse errors are expected; only
/// a trap, an overflow or a sanitizer report counts as a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    SIPParserExercise.run(bytes, isStream: false)
    return 0
}
