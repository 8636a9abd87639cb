#!/usr/bin/env bash
# Memory per binding, on its own (bench/run.sh measures it too, after the rates): the release
# daemon's RSS growth between MEMORY_BASE and MEMORY_BINDINGS bindings, registered by SIPp over
# loopback at 5,000/s, with the shipped policy plugins loaded from rules/policies (POLICIES=none:
# an empty policies directory, so the plugins run on their built-in defaults; they stay loaded).
# Bounded: SIPp runs with -m and timeout.
#
#   bench/memory.sh                          # 100,000 bindings, plugins loaded
#   MEMORY_BINDINGS=50000 POLICIES=none bench/memory.sh
#   HISTORY=off bench/memory.sh              # the registration history disabled (its queue and
#                                            # writer are not per-binding state, but do raise RSS)
set -euo pipefail
cd "$(dirname "$0")/.."
MEMORY_BINDINGS=${MEMORY_BINDINGS:-100000}
MEMORY_BASE=${MEMORY_BASE:-10000}
POLICIES=${POLICIES:-rules/policies}
HISTORY=${HISTORY:-on}
PORT=${PORT:-25170}
SIPP_PORT=${SIPP_PORT:-25171}
BIN=${BIN:-$(swift build -c release --show-bin-path)}
WORK=$(mktemp -d /tmp/sipwarden-memory.XXXXXX)
DAEMON_PID=
trap 'if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

if [[ "$POLICIES" == none ]]; then POLICIES="$WORK/no-policies"; mkdir -p "$POLICIES"; fi
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

bash bench/make_users.sh "$WORK/mem-users.csv" "$MEMORY_BINDINGS" 500000
awk -v n="$MEMORY_BASE" 'NR == 1 || NR <= n + 1' "$WORK/mem-users.csv" > "$WORK/mem-base.csv"
awk -v n="$MEMORY_BASE" 'NR == 1 || NR > n + 1' "$WORK/mem-users.csv" > "$WORK/mem-rest.csv"
# A short transaction lifetime keeps remembered responses out of the figure; 127.0.0.1 is
# trusted (one address registering 5,000 phones a second) as in bench/run.sh.
cat > "$WORK/mem.yaml" <<YAML
trusted: [127.0.0.1/32]
history:
  enabled: $([[ "$HISTORY" == off ]] && echo false || echo true)
transport:
  transaction_lifetime: 1
YAML
dir="$WORK/memory"
mkdir -p "$dir"
"$BIN/sipwarden" --config "$WORK/mem.yaml" --listen "udp:127.0.0.1:$PORT" --data-dir "$dir" --control-socket "$dir/control.sock" \
    --firewall memory --policies-dir "$POLICIES" --log-level warning 2> "$dir/daemon.log" &
DAEMON_PID=$!
started=
for _ in $(seq 1 600); do
  "$BIN/sipwardenctl" --socket "$dir/control.sock" subscriber list --json >/dev/null 2>&1 && { started=1; break; }
  sleep 0.05
done
[ -n "$started" ] || { echo "daemon did not start:" >&2; cat "$dir/daemon.log" >&2; exit 1; }
"$BIN/sipwardenctl" --socket "$dir/control.sock" subscriber import "$WORK/mem-users.csv" >/dev/null
register_all() {  # $1: injection file, $2: count
  (cd "$dir" && timeout 300 sipp -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$1" \
      "127.0.0.1:$PORT" -i 127.0.0.1 -p "$SIPP_PORT" -r 5000 -m "$2" -l 20000 -timeout 280s -nostdin \
      -buff_size 4194304 > sipp.out 2>&1) || true
  sleep 3
}
rss_zero=$(rss_kib "$DAEMON_PID")
register_all "$WORK/mem-base.csv" "$MEMORY_BASE"
rss_base=$(rss_kib "$DAEMON_PID")
register_all "$WORK/mem-rest.csv" $((MEMORY_BINDINGS - MEMORY_BASE))
# The history's queue is a bounded backlog (history.queue_size events), not per-binding state:
# let its writer (nice 19) catch up before the last reading, and say how deep it was.
history_depth() { "$BIN/sipwardenctl" --socket "$dir/control.sock" stats --json | python3 -c 'import json,sys; print((json.load(sys.stdin).get("history") or {}).get("queue_depth", 0))' 2>/dev/null || echo 0; }
depth_before=$(history_depth)
for _ in $(seq 1 60); do [[ "$(history_depth)" == 0 ]] && break; sleep 1; done
echo "history queue: $depth_before events waiting when the registrations ended, $(history_depth) at the reading"
rss_full=$(rss_kib "$DAEMON_PID")
count=$("$BIN/sipwardenctl" --socket "$dir/control.sock" registrations list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
plugins=$("$BIN/sipwardenctl" --socket "$dir/control.sock" plugins list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "?")
python3 - "$rss_zero" "$rss_base" "$rss_full" "$count" "$MEMORY_BASE" "$plugins" "$HISTORY" <<'PY'
import sys
zero, base, full, count, first = (int(v) for v in sys.argv[1:6])
marginal = (full - base) * 1024 / (count - first) if count > first else float('nan')
total = (full - zero) * 1024 / count if count else float('nan')
print(f"memory ({sys.argv[6]} plugins loaded, history {sys.argv[7]}): {count} bindings; RSS {zero} KiB at 0, {base} KiB at {first}, {full} KiB at {count}: "
      f"{marginal:.0f} bytes per binding from {first} to {count} ({total:.0f} bytes per binding counting every fixed cost from 0)")
PY
