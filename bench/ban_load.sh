#!/usr/bin/env bash
# A 100,000-element ban import while registrations are offered (issue 10): inside a network
# namespace this script creates (the host's interfaces and ruleset are never touched; deleted
# on exit), the release daemon runs with `firewall: nftables`; SIPp drives
# bench/scenarios/register_auth.xml over the namespace's loopback at each rate of BAN_RATES for
# BAN_TIME seconds (bounded with -m), and BAN_AT seconds in, `sipwardenctl ban import` bans
# BAN_COUNT generated host addresses of 10.64.0.0/10 (not SIPp's 127.0.0.1). Each rate runs
# twice, the same way, with and without the import, on a fresh daemon and data directory.
# Reports per run: the import's wall time until acknowledged, the elements in the kernel set
# afterwards, SIPp's retransmissions, failed calls and p99 response time in the ban window
# (from the import's start to 2 s after its answer; the same seconds of the run without it),
# the whole run's figures, and the daemon's CPU. Needs root. Part of `make bench`; alone:
# `make bench-ban`.
#
#   BAN_RATES="10000 3000" BAN_TIME=20 BAN_AT=5 BAN_COUNT=100000 bench/ban_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BAN_RATES=${BAN_RATES:-"10000 3000"}
BAN_TIME=${BAN_TIME:-20}
BAN_AT=${BAN_AT:-5}
BAN_COUNT=${BAN_COUNT:-100000}
USERS=${USERS:-50000}
PORT=${PORT:-25080}
[[ $(id -u) -eq 0 ]] || { echo "bench/ban_load.sh: needs root (ip netns add, nftables); skipped" >&2; exit 0; }
command -v nft >/dev/null || { echo "bench/ban_load.sh: needs nft (package nftables); skipped" >&2; exit 0; }
(( BAN_TIME >= 5 && BAN_TIME <= 120 )) || { echo "BAN_TIME must be 5-120 s" >&2; exit 2; }
(( BAN_AT >= 1 && BAN_AT < BAN_TIME )) || { echo "BAN_AT must be 1 to BAN_TIME-1 s" >&2; exit 2; }
(( BAN_COUNT >= 1 && BAN_COUNT <= 1000000 )) || { echo "BAN_COUNT must be 1-1000000 (10.64.0.0/10 has 4 million hosts)" >&2; exit 2; }
BIN=${BIN:-$(swift build -c release --show-bin-path)}
CTL="$BIN/sipwardenctl"
RESULTS=${RESULTS:-bench/results}
mkdir -p "$RESULTS"
REPORT=${REPORT:-"$RESULTS/ban-load-$(date -u +%Y%m%dT%H%M%SZ).txt"}
WORK=$(mktemp -d /tmp/sipwarden-banload.XXXXXX)
NS="swbanload$$"
DAEMON_PID="" SIPP_PID=""
cleanup() {
  for pid in $SIPP_PID $DAEMON_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns delete "$NS" 2>/dev/null || true
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up

gcc -O2 -shared -fPIC -o "$WORK/precise_clock.so" bench/sipp_precise_clock.c -ldl
bash bench/make_users.sh "$WORK/users.csv" "$USERS" 100000
python3 - "$BAN_COUNT" > "$WORK/blocklist.txt" <<'PY'
import sys
base = 0x0A400000  # 10.64.0.0/10: host addresses from 10.64.0.1 upwards
print("# bench/ban_load.sh: generated blocklist")
for i in range(int(sys.argv[1])):
    v = base + 1 + i
    print(f"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}")
PY
# As bench/run.sh: SIPp is one trusted address (a large PBX or SBC), so the rate limiter does not
# throttle it; the shipped plugins still evaluate every event.
printf 'trusted: [127.0.0.1/32]\n' > "$WORK/sipwarden.yaml"
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

start_daemon() {  # $1: data dir
  mkdir -p "$1"
  ip netns exec "$NS" "$BIN/sipwarden" --listen "udp:127.0.0.1:$PORT" --data-dir "$1" --control-socket "$1/control.sock" \
      --config "$WORK/sipwarden.yaml" --firewall nftables --log-level warning 2> "$1/daemon.log" &
  DAEMON_PID=$!
  for _ in $(seq 1 200); do "$CTL" --socket "$1/control.sock" status >/dev/null 2>&1 && break; sleep 0.05; done
  "$CTL" --socket "$1/control.sock" status >/dev/null || { echo "daemon did not start:"; cat "$1/daemon.log"; exit 1; }
  "$CTL" --socket "$1/control.sock" subscriber import "$WORK/users.csv" >/dev/null
}

stop_daemon() {
  kill "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
  ip netns exec "$NS" nft delete table inet sipwarden 2>/dev/null || true  # the next run starts with empty sets
}

one_run() {  # $1: rate, $2: import or baseline, $3: the rate's position in BAN_RATES (a rate may repeat)
  local rate=$1 mode=$2 run="$WORK/$3-$1-$2"
  mkdir -p "$run"
  start_daemon "$run/data"
  local sock="$run/data/control.sock"
  local ticks0; ticks0=$(cpu_ticks "$DAEMON_PID")
  date +%s.%N > "$run/sipp_start"
  (cd "$run" && exec ip netns exec "$NS" env LD_PRELOAD="$WORK/precise_clock.so" timeout $((BAN_TIME * 3 + 40)) sipp \
      -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$WORK/users.csv" "127.0.0.1:$PORT" \
      -i 127.0.0.1 -p $((PORT + 1)) -r "$rate" -m $((rate * BAN_TIME)) -l $((rate * 4)) -timeout $((BAN_TIME * 3 + 30))s \
      -nostdin -buff_size 4194304 -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 100 -trace_err > sipp.out 2>&1) &
  SIPP_PID=$!
  sleep "$BAN_AT"
  if [[ $mode == import ]]; then
    local before; before=$(cpu_ticks "$DAEMON_PID")
    date +%s.%N > "$run/import_start"
    "$CTL" --socket "$sock" ban import "$WORK/blocklist.txt" --for 1d --reason "bench/ban_load.sh" --json > "$run/import.json"
    date +%s.%N > "$run/import_end"
    echo $(( $(cpu_ticks "$DAEMON_PID") - before )) > "$run/import_ticks"
  fi
  wait "$SIPP_PID" || true; SIPP_PID=""
  echo $(( $(cpu_ticks "$DAEMON_PID") - ticks0 )) > "$run/run_ticks"
  ip netns exec "$NS" nft -j list set inet sipwarden ban4 | python3 -c '
import json, sys
doc = json.load(sys.stdin)
elems = [e for x in doc["nftables"] if "set" in x for e in x["set"].get("elem", [])]
# Not counted: the sentinel element of the daemon (0.0.0.0, "sipwarden sentinel" in its comment).
print(sum(1 for e in elems if "sentinel" not in json.dumps(e)))' > "$run/elements"
  stop_daemon
  sleep 2
}

{
  echo "== ban import under registration load (bench/ban_load.sh): $(date -u +%FT%TZ), $(nproc) cores, $(uname -r), $(nft --version)"
  echo "daemon: release, firewall nftables, network namespace, UDP over its loopback; SIPp bench/scenarios/register_auth.xml, ${BAN_TIME}s per run (-m rate*${BAN_TIME})"
  echo "import: sipwardenctl ban import of $BAN_COUNT addresses of 10.64.0.0/10 (--for 1d), ${BAN_AT}s into the run; window = its start to 2 s after its answer"
} | tee -a "$REPORT"
position=0
for rate in $BAN_RATES; do
  position=$((position + 1))
  one_run "$rate" baseline "$position"
  one_run "$rate" import "$position"
done
python3 - "$WORK" "$TICKS" "$BAN_RATES" <<'PY' | tee -a "$REPORT"
import csv, glob, json, os, sys
work, hz, rates = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()

def seconds(text):  # SIPp's HH:MM:SS:mmm[uuu]
    parts = text.split(":")
    return int(parts[0]) * 3600 + int(parts[1]) * 60 + int(parts[2]) + (int(parts[3][:3]) / 1000.0 if len(parts) > 3 else 0)

def read(run, name, kind=float):
    path = os.path.join(run, name)
    return kind(open(path).read().strip()) if os.path.exists(path) else None

def figures(run, window):
    """(whole run, window) dicts: ok, failed, retrans, p99 ms, n."""
    rows = list(csv.reader(open(os.path.join(run, "stat.csv"), newline=""), delimiter=";"))
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    last = body[-1]
    total = {"ok": int(last["SuccessfulCall(C)"]), "failed": int(last["FailedCall(C)"]), "retrans": int(last["Retransmissions(C)"])}
    lo, hi = window
    # Periodic rows cover the second before their elapsed time.
    inside = [r for r in body if lo < seconds(r["ElapsedTime(C)"]) <= hi + 1]
    win = {"ok": sum(int(r["SuccessfulCall(P)"]) for r in inside), "failed": sum(int(r["FailedCall(P)"]) for r in inside),
           "retrans": sum(int(r["Retransmissions(P)"]) for r in inside)}
    start = read(run, "sipp_start")
    all_times, win_times = [], []
    for path in glob.glob(os.path.join(run, "*_rtt.csv")):
        for line in open(path):
            f = line.strip().split(";")
            if len(f) >= 2 and f[0] and f[0][0].isdigit():
                date, rtt = float(f[0]), float(f[1])
                at = date / 1000.0 - start if date > 1e11 else date / 1000.0  # epoch ms, or ms since SIPp's start
                all_times.append(rtt)
                if lo <= at <= hi:
                    win_times.append(rtt)
    def p99(values):
        values = sorted(values)
        return values[min(len(values) - 1, int(0.99 * len(values)))] if values else float("nan")
    total["p99"], total["n"] = p99(all_times), len(all_times)
    win["p99"], win["n"] = p99(win_times), len(win_times)
    return total, win

print(f"{'offered':>8} {'run':>8} {'import_s':>8} {'set_elems':>9} | {'win_retr':>8} {'win_fail':>8} {'win_p99ms':>9} {'win_ok':>7} | "
      f"{'retrans':>8} {'failed':>7} {'p99ms':>8} {'achieved':>8} | {'cpu_s':>6} {'imp_cpu_s':>9}")
for position, rate in enumerate(rates, start=1):
    imp = os.path.join(work, f"{position}-{rate}-import")
    start, t1, t2 = read(imp, "sipp_start"), read(imp, "import_start"), read(imp, "import_end")
    window = (t1 - start, t2 - start + 2) if None not in (start, t1, t2) else (0, 0)
    for mode in ("baseline", "import"):
        run = os.path.join(work, f"{position}-{rate}-{mode}")
        if not os.path.exists(os.path.join(run, "stat.csv")):
            print(f"{rate:>8} {mode:>8} (no SIPp statistics; see {run}/sipp.out)")
            continue
        total, win = figures(run, window)
        elapsed = seconds(list(csv.reader(open(os.path.join(run, "stat.csv")), delimiter=";"))[-1][
            list(csv.reader(open(os.path.join(run, "stat.csv")), delimiter=";"))[0].index("ElapsedTime(C)")])
        answer = json.load(open(os.path.join(run, "import.json"))) if mode == "import" else None
        took = f"{t2 - t1:.2f}" if mode == "import" else "-"
        imp_cpu = f"{read(run, 'import_ticks', int) / hz:.2f}" if mode == "import" else "-"
        print(f"{rate:>8} {mode:>8} {took:>8} {read(run, 'elements', int):>9} | {win['retrans']:>8} {win['failed']:>8} "
              f"{win['p99']:>9.1f} {win['ok']:>7} | {total['retrans']:>8} {total['failed']:>7} {total['p99']:>8.1f} "
              f"{total['ok'] / elapsed if elapsed else 0:>8.0f} | {read(run, 'run_ticks', int) / hz:>6.1f} {imp_cpu:>9}")
        if answer:
            print(f"{'':>8} {'':>8} answer: {answer['added']} added, {answer['extended']} extended, {answer['already_banned']} already banned, "
                  f"{answer['skipped']} skipped; the daemon's own time {answer['milliseconds']} ms; window {window[0]:.1f}-{window[1]:.1f} s")
PY
echo "report: $REPORT"
