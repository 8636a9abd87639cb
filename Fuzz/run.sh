#!/usr/bin/env bash
# Builds the libFuzzer targets and runs each for FUZZ_TIME seconds, one after the other.
# `make fuzz [FUZZ_TIME=60] [FUZZ_TARGETS="sip-parser digest"]`; see docs/fuzzing.md.
#
# Everything it writes is under FUZZ_DIR (default .build-fuzz/, outside git): the build, each
# target's growing corpus (work/<target>/corpus, seeded from Fuzz/corpus/<target>), crashing
# inputs (crashes/<target>/crash-*), logs and summary.tsv. Exits 1 when a target crashed (or
# failed to build), naming the input to replay: `.build-fuzz/debug/fuzz-<target> <input>`.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_DIR=${FUZZ_DIR:-.build-fuzz}
FUZZ_CONFIG=${FUZZ_CONFIG:-debug}
FUZZ_NICE=${FUZZ_NICE:-10}
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-8192}
# debug keeps the standard library's bounds checks on unsafe buffers (what the netlink parser
# reads through); add address (FUZZ_SANITIZERS=fuzzer,address) for ASan on top, in its own FUZZ_DIR.
FUZZ_SANITIZERS=${FUZZ_SANITIZERS:-fuzzer}
ALL_TARGETS="sip-parser sip-framer digest config policy-file control-request netlink-reply"
FUZZ_TARGETS=${FUZZ_TARGETS:-}
[[ -z "$FUZZ_TARGETS" ]] && FUZZ_TARGETS=$ALL_TARGETS
# Extra read-only seed directories, e.g. the RFC 4475 corpus for sip-parser (never copied into git).
RFC4475_DIR=${SIPWARDEN_RFC4475_DIR:-../shared/testdata/rfc4475}

dictionary() {
    case "$1" in
        sip-parser|sip-framer|digest) echo "Fuzz/dict/sip.dict" ;;
        config|policy-file) echo "Fuzz/dict/yaml.dict" ;;
        *) echo "" ;;
    esac
}

mkdir -p "$FUZZ_DIR"
summary="$FUZZ_DIR/summary.tsv"
printf 'target\tseconds\texecutions\tcpu_user_s\tcpu_sys_s\tcorpus\tcoverage\tcrashes\tstatus\n' > "$summary"
failed=0
for target in $FUZZ_TARGETS; do
    product="fuzz-$target"
    echo "== $target: building"
    if ! SIPWARDEN_FUZZ=1 nice -n "$FUZZ_NICE" "$SWIFT" build --build-path "$FUZZ_DIR" -c "$FUZZ_CONFIG" \
            -Xswiftc -sanitize="$FUZZ_SANITIZERS" --product "$product" > "$FUZZ_DIR/build-$target.log" 2>&1; then
        tail -30 "$FUZZ_DIR/build-$target.log"
        printf '%s\t0\t0\t0\t0\t0\t0\t0\tbuild-failed\n' "$target" >> "$summary"
        failed=1
        continue
    fi
    binary="$(SIPWARDEN_FUZZ=1 "$SWIFT" build --build-path "$FUZZ_DIR" -c "$FUZZ_CONFIG" --show-bin-path)/$product"
    work="$FUZZ_DIR/work/$target"
    crashes="$FUZZ_DIR/crashes/$target"
    mkdir -p "$work/corpus" "$crashes"
    seeds=("Fuzz/corpus/$target")
    if [[ "$target" == sip-parser && -f "$RFC4475_DIR/index.tsv" ]]; then seeds+=("$RFC4475_DIR"); fi
    dict=$(dictionary "$target")
    args=(-max_total_time="$FUZZ_TIME" -max_len="$FUZZ_MAX_LEN" -timeout=10 -rss_limit_mb=2048
          -print_final_stats=1 -artifact_prefix="$crashes/")
    [[ -n "$dict" ]] && args+=(-dict="$dict")
    log="$FUZZ_DIR/run-$target.log"
    echo "== $target: fuzzing for ${FUZZ_TIME}s (log $log)"
    set +e
    # SWIFT_BACKTRACE off: a Swift trap then reaches libFuzzer's handler, which writes the input.
    SWIFT_BACKTRACE=enable=no /usr/bin/time -f '%U %S' -o "$work/cpu" nice -n "$FUZZ_NICE" "$binary" "${args[@]}" "$work/corpus" "${seeds[@]}" > "$log" 2>&1
    status=$?
    set -e
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [[ -z "$executions" ]] && executions=$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$log" | tail -1)
    coverage=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    read -r user sys < <(tail -1 "$work/cpu" 2>/dev/null || echo "0 0")
    corpus=$(find "$work/corpus" -type f | wc -l)
    found=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    result=ok
    if [[ $status -ne 0 || $found -ne 0 ]]; then
        result="failed(exit $status)"
        failed=1
        grep -m5 -E 'ERROR:|Fatal error|SUMMARY|Test unit written' "$log" || true
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$FUZZ_TIME" "${executions:-0}" "$user" "$sys" "$corpus" \
        "${coverage:-0}" "$found" "$result" >> "$summary"
done
echo
column -t -s $'\t' "$summary"
if [[ $failed -ne 0 ]]; then
    echo "fuzz: a target crashed or did not build; inputs under $FUZZ_DIR/crashes/, logs under $FUZZ_DIR/" >&2
    exit 1
fi
