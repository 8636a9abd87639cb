#!/usr/bin/env bash
# SIPWarden registration benchmark: SIPp drives REGISTER -> 401 -> REGISTER+digest -> 200
# against the release daemon at rising rates, on loopback only, bounded in count and time.
# Reports per rate: achieved registrations/s, failures, retransmissions, RTD p50/p99 and the
# daemon's CPU microseconds per registration; then the highest clean rate; then memory per
# binding at 100,000 bindings.
#
#   bench/run.sh                       # all rates, 10 s each
#   RATES="2000 4000" DURATION=5 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=${RATES:-"1000 2000 4000 6000 8000 10000 12000 15000"}
DURATION=${DURATION:-10}
USERS=${USERS:-50000}
MEMORY_BINDINGS=${MEMORY_BINDINGS:-100000}
PORT=${PORT:-25070}
SIPP_PORT=${SIPP_PORT:-25071}
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d /tmp/sipwarden-bench.XXXXXX)
RESULTS=${RESULTS:-bench/results}
mkdir -p "$RESULTS"
REPORT="$RESULTS/register-$(date -u +%Y%m%dT%H%M%SZ).txt"
trap 'kill $DAEMON_PID 2>/dev/null || true; wait 2>/dev/null || true' EXIT

gcc -O2 -shared -fPIC -o "$WORK/precise_clock.so" bench/sipp_precise_clock.c -ldl

start_daemon() {  # $1: data dir, $2...: extra flags
  local dir=$1; shift
  mkdir -p "$dir"
  # memory firewall: the load benchmark leaves the host's nftables alone (nft figures: bench/nft.sh)
  "$BIN/sipwarden" --listen "udp:127.0.0.1:$PORT" --data-dir "$dir" --control-socket "$dir/control.sock" --firewall memory \
      --log-level warning "$@" 2> "$dir/daemon.log" &
  DAEMON_PID=$!
  for _ in $(seq 1 200); do
    "$BIN/sipwardenctl" --socket "$dir/control.sock" subscriber list --json >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "daemon did not start; see $dir/daemon.log" >&2; exit 1
}

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
TICKS=$(getconf CLK_TCK)

bash bench/make_users.sh "$WORK/users.csv" "$USERS" 100000
# SIPp is one address sending thousands of registrations a second: like a large PBX or SBC, it
# is trusted, so the rate limiter does not throttle the load generator. Every plugin still sees
# and evaluates every event, so their cost is in the figures.
cat > "$WORK/rates.yaml" <<YAML
trusted: [127.0.0.1/32]
YAML
start_daemon "$WORK/rates" --config "$WORK/rates.yaml"
"$BIN/sipwardenctl" --socket "$WORK/rates/control.sock" subscriber import "$WORK/users.csv" >/dev/null

{
  echo "SIPWarden registration benchmark, $(date -u +%FT%TZ), $(nproc) cores, $(uname -r)"
  echo "scenario bench/scenarios/register_auth.xml (REGISTER, 401, REGISTER+digest MD5, 200), UDP, loopback, ${DURATION}s per rate"
  echo "store durability: full (every 200 OK after its binding is committed, group commit); shipped policy plugins loaded, 127.0.0.1 trusted"
  printf '%8s %10s %8s %8s %9s %9s %10s %6s\n' offered achieved failed retrans rtd_p50ms rtd_p99ms cpu_us/reg clean
} | tee "$REPORT"

best=0
for rate in $RATES; do
  calls=$((rate * DURATION))
  run="$WORK/rate-$rate"; mkdir -p "$run"
  before=$(cpu_ticks "$DAEMON_PID")
  (cd "$run" && LD_PRELOAD="$WORK/precise_clock.so" timeout $((DURATION * 3 + 40)) sipp \
      -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$WORK/users.csv" "127.0.0.1:$PORT" \
      -i 127.0.0.1 -p "$SIPP_PORT" -r "$rate" -m "$calls" -l $((rate * 4)) -timeout $((DURATION * 3 + 30))s \
      -nostdin -buff_size 4194304 -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 100 -trace_err > sipp.out 2>&1) || true
  after=$(cpu_ticks "$DAEMON_PID")
  python3 bench/summarize_sipp.py "$run" "$rate" "$(( (after - before) ))" "$TICKS" | tee -a "$REPORT"
  if grep -q ' yes$' <(tail -n 1 "$REPORT"); then best=$rate; fi
  sleep 2
done
echo "highest clean rate: $best registrations/s" | tee -a "$REPORT"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true

# Memory per binding: the RSS growth between MEMORY_BASE and MEMORY_BINDINGS bindings, so fixed
# costs (the event journal, SQLite's page cache, malloc arenas warmed by the first requests) do
# not count as per-binding memory; the total growth from zero is reported beside it. A short
# transaction lifetime keeps remembered responses out of the figure.
MEMORY_BASE=${MEMORY_BASE:-10000}
bash bench/make_users.sh "$WORK/mem-users.csv" "$MEMORY_BINDINGS" 500000
awk -v n="$MEMORY_BASE" 'NR == 1 || NR <= n + 1' "$WORK/mem-users.csv" > "$WORK/mem-base.csv"
awk -v n="$MEMORY_BASE" 'NR == 1 || NR > n + 1' "$WORK/mem-users.csv" > "$WORK/mem-rest.csv"
cat > "$WORK/mem.yaml" <<YAML
trusted: [127.0.0.1/32]
transport:
  transaction_lifetime: 1
YAML
start_daemon "$WORK/memory" --config "$WORK/mem.yaml"
"$BIN/sipwardenctl" --socket "$WORK/memory/control.sock" subscriber import "$WORK/mem-users.csv" >/dev/null
register_all() {  # $1: injection file, $2: count
  (cd "$WORK/memory" && timeout 300 sipp -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$1" \
      "127.0.0.1:$PORT" -i 127.0.0.1 -p "$SIPP_PORT" -r 5000 -m "$2" -l 20000 -timeout 280s -nostdin \
      -buff_size 4194304 > sipp.out 2>&1) || true
  sleep 3
}
rss_zero=$(rss_kib "$DAEMON_PID")
register_all "$WORK/mem-base.csv" "$MEMORY_BASE"
rss_base=$(rss_kib "$DAEMON_PID")
register_all "$WORK/mem-rest.csv" $((MEMORY_BINDINGS - MEMORY_BASE))
rss_full=$(rss_kib "$DAEMON_PID")
count=$("$BIN/sipwardenctl" --socket "$WORK/memory/control.sock" registrations list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
python3 - "$rss_zero" "$rss_base" "$rss_full" "$count" "$MEMORY_BASE" <<'PY' | tee -a "$REPORT"
import sys
zero, base, full, count, first = (int(v) for v in sys.argv[1:])
marginal = (full - base) * 1024 / (count - first) if count > first else float('nan')
total = (full - zero) * 1024 / count if count else float('nan')
print(f"memory: {count} bindings; RSS {zero} KiB at 0, {base} KiB at {first}, {full} KiB at {count}: "
      f"{marginal:.0f} bytes per binding from {first} to {count} ({total:.0f} bytes per binding counting every fixed cost from 0)")
PY

# Our own CPU per registration, without sockets, kernel or SQLite (parse, registrar, serialize).
echo "registrar core without I/O:" | tee -a "$REPORT"
"$BIN/registrar-bench" 200000 2>&1 | tee -a "$REPORT"

# The security agent: events/s through the plugin host with every shipped plugin loaded,
# ns per admission call, and the time from the decisive event to the ban decision.
echo "policy plugins (all shipped plugins, policies from rules/policies):" | tee -a "$REPORT"
"$BIN/policy-bench" rules/policies "$BIN" 2>&1 | tee -a "$REPORT"
# Kernel enforcement: bans per second into nftables sets, beside the nft program.
REPORT="$REPORT" BIN="$BIN" bash bench/nft.sh
# A 100,000-element ban import while registrations are offered, beside the same run without it
# (network namespace, nftables; root). SKIP_BAN_LOAD=1 leaves it out.
if [[ -z "${SKIP_BAN_LOAD:-}" ]]; then
  REPORT="$REPORT" BIN="$BIN" bash bench/ban_load.sh || echo "bench/ban_load.sh failed" | tee -a "$REPORT"
fi
# Under attack: REGISTER/OPTIONS floods from 10,000 sources while 200 phones keep registering
# (network namespaces; root). SKIP_FLOOD=1 leaves it out.
if [[ -z "${SKIP_FLOOD:-}" ]]; then
  echo "== flood (bench/flood.sh):" | tee -a "$REPORT"
  FLOOD_REPORT="$RESULTS/flood-$(date -u +%Y%m%dT%H%M%SZ).txt"
  REPORT="$FLOOD_REPORT" BIN="$BIN" bash bench/flood.sh && cat "$FLOOD_REPORT" >> "$REPORT" || true
fi
echo "report: $REPORT"
