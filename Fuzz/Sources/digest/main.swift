import CFuzzerDriver
import Foundation

// libFuzzer's driver runs `fuzzDigestCredentials` on every input; libFuzzer's flags come from the command line.
var arguments = CommandLine.argc
var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &vector) { data, size in fuzzDigestCredentials(data, size) })
