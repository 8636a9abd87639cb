#!/usr/bin/env bash
# nftables ban throughput and latency, inside a network namespace this script creates (the
# host's ruleset is never touched): SIPWarden's netlink backend (nft-bench) side by side with
# the nft program, one call per element (as fail2ban's nftables action does) and `nft -f` with
# one file. Needs root. Part of `make bench`; alone: `make bench-nft`.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$(swift build -c release --show-bin-path)}
NFT_CALLS=${NFT_CALLS:-300}
NFT_FILE_ELEMENTS=${NFT_FILE_ELEMENTS:-100000}
[[ $(id -u) -eq 0 ]] || { echo "bench/nft.sh: needs root (ip netns add); skipped" >&2; exit 0; }
NS="swbench$$"
WORK=$(mktemp -d /tmp/sipwarden-nftbench.XXXXXX)
trap 'ip netns delete "$NS" 2>/dev/null || true; rm -rf "$WORK"' EXIT
ip netns add "$NS"
RESULTS=${RESULTS:-bench/results}
mkdir -p "$RESULTS"
REPORT=${REPORT:-"$RESULTS/nft-$(date -u +%Y%m%dT%H%M%SZ).txt"}
{
  echo "== nftables bans: $(uname -r), $(nft --version), $(nproc) cores"
  ip netns exec "$NS" "$BIN/nft-bench"
  ip netns exec "$NS" nft -f rules/nftables/sipwarden.nft
  python3 - "$NS" "$NFT_CALLS" "$NFT_FILE_ELEMENTS" "$WORK" <<'PY'
import statistics, subprocess, sys, time
ns, calls, elements, work = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
base = 0x0B000000  # 11.0.0.0 upwards
def addr(i):
    v = base + i
    return f"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}"
times = []
for i in range(calls):
    start = time.perf_counter()
    subprocess.run(["ip", "netns", "exec", ns, "nft", "add", "element", "inet", "sipwarden", "ban4",
                    "{ %s timeout 1h }" % addr(i)], check=True)
    times.append(time.perf_counter() - start)
p50 = statistics.median(times)
print(f"nft program, one call per element ({calls} calls, via ip netns exec): p50 {p50 * 1e3:.2f} ms per ban, {1 / p50:.0f} elements/s")
path = f"{work}/bulk.nft"
with open(path, "w") as f:
    f.write("add element inet sipwarden ban4 { ")
    f.write(", ".join(f"{addr(calls + i)} timeout 1h" for i in range(elements)))
    f.write(" }\n")
start = time.perf_counter()
subprocess.run(["ip", "netns", "exec", ns, "nft", "-f", path], check=True)
elapsed = time.perf_counter() - start
print(f"nft -f with one file of {elements} elements: {elapsed:.2f} s, {elements / elapsed:.0f} elements/s")
PY
} | tee -a "$REPORT"
echo "report: $REPORT"
