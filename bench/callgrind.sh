#!/usr/bin/env bash
# Counts the instructions SIPWarden spends per registration in registrar-bench (parse the
# REGISTER, challenge it, parse the answer, check the digest and bind, build and serialize
# both responses) with callgrind, which counts the same on a busy machine as on an idle one.
#
#   bench/callgrind.sh [registrations] [output-dir]      (default 5000, var/callgrind)
#
# Only the bench's measured phases are counted (`--toggle-collect` on its `measure`), not the
# preparation of the messages. valgrind 3.19 cannot read Swift 6's DWARF 5, so the binary is
# profiled without its debug sections (symbols stay). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-5000}
out=${2:-var/callgrind}
mkdir -p "$out"
swift build -c release --product registrar-bench >/dev/null
bin=$(swift build -c release --show-bin-path)/registrar-bench
objcopy --strip-debug "$bin" "$out/registrar-bench"
# Registrar's addresses are the plugin API's IPAddress: the bench loads libSIPWardenPolicy.so,
# found beside it (RUNPATH $ORIGIN) and stripped the same way.
objcopy --strip-debug "$(dirname "$bin")/libSIPWardenPolicy.so" "$out/libSIPWardenPolicy.so"
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" --collect-atstart=no \
    --toggle-collect='*7measure*' "$out/registrar-bench" "$count" >"$out/bench.txt" 2>"$out/valgrind.txt"
demangle() { if command -v swift >/dev/null; then swift demangle --simplified; else cat; fi; }
callgrind_annotate "$out/callgrind.out" 2>/dev/null | demangle >"$out/self.txt"
callgrind_annotate --inclusive=yes "$out/callgrind.out" 2>/dev/null | demangle >"$out/inclusive.txt"
total=$(grep -m1 'PROGRAM TOTALS' "$out/self.txt" | awk '{gsub(",","",$1); print $1}')
echo "registrations: $count"
echo "instructions counted: $total"
echo "instructions per registration (two REGISTERs, a 401 and a 200): $((total / count))"
echo
echo "inclusive instructions per registration:"
for f in 'static SIPParser.parse(_:limits:isStream:)' 'Registrar.handleRegister(' 'SIPResponse.serialize()' \
         'Registrar.Context.challenge(' 'DigestAuthenticator.verify(' 'Registrar.update(' 'Registrar.Context.okay(' \
         'NonceCodec.mac(' 'SIPRequest.validate(' 'SIPRequest.contacts()' 'SIPRequest.digestCredentials()'; do
    line=$(grep -F -m1 "$f" "$out/inclusive.txt" || true)
    [ -n "$line" ] || { printf '  %10s  %s\n' '-' "$f"; continue; }
    n=$(echo "$line" | awk '{gsub(",","",$1); print $1}')
    printf '  %10d  %s\n' $((n / count)) "$f"
done
echo
echo "top 15 functions by own instructions (per registration, share):"
set +o pipefail  # head closes the pipe early
grep -E '^ *[0-9,]+ \( *[0-9.]+%\)  ' "$out/self.txt" | grep -v 'PROGRAM TOTALS' | head -15 | \
    sed -E 's/ \[[^]]*\]$//; s/\( +/(/' | while read -r n share rest; do
        n=${n//,/}
        fn=${rest#*:}
        printf '  %8d  %-8s %s\n' $((n / count)) "${share//[()]/}" "${fn:0:110}"
    done
