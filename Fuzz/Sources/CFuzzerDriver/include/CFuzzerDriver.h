#ifndef SIPWARDEN_CFUZZERDRIVER_H
#define SIPWARDEN_CFUZZERDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (linked in by -sanitize=fuzzer): parses libFuzzer's flags from argv and
/// runs `callback` on every input. The fuzz targets' `main` calls it, because SwiftPM points an
/// executable's `main` at the module's own entry point, not at libFuzzer's.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
