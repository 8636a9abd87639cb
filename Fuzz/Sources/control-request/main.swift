import CFuzzerDriver
import Foundation

// libFuzzer's driver runs `fuzzControlRequest` on every input; libFuzzer's flags come from the command line.
var arguments = CommandLine.argc
var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &vector) { data, size in fuzzControlRequest(data, size) })
