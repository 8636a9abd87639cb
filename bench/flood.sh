#!/usr/bin/env bash
# Flood benchmark: REGISTER and OPTIONS floods from FLOOD_SOURCES distinct addresses while
# PHONES legitimate phones keep registering with digest auth. Everything runs in three network
# namespaces this script creates (daemon, attacker, phones), joined by veth pairs addressed
# from 10.77.0.0/16 inside those namespaces only; the host's interfaces, routes and ruleset are
# never touched, and every namespace is deleted on exit. Needs root. Part of `make bench`;
# alone: `make bench-flood`.
#
#   FLOOD_RATE=20000 FLOOD_TIME=30 FLOOD_SOURCES=10000 PHONES=200 REREGISTER=5 bench/flood.sh
#
# FLOOD_RATE packets/s (default 20,000: five times the daemon's clean registration rate on a
# small box, bench/run.sh), for FLOOD_TIME seconds, from FLOOD_SOURCES addresses (10.77.128.1
# upwards) sent with a raw socket (bench/flood_sender.c). Half the sources send REGISTERs with
# made-up digest credentials for unknown users (a cracker), half OPTIONS with User-Agent
# FLOOD_OPTIONS_UA (a scanner; default SIPVicious's). The phones (SIPp, 10.77.2.2) were
# registered before the flood and re-register every REREGISTER seconds each during it.
# FLOOD_FIREWALL: nftables (the kernel drops banned sources; default when nft works) or memory.
# Reports the phones' success rate, the daemon's RSS, the sources banned and when, and whether
# `sipwardenctl status` answered during the flood (latency per probe).
set -euo pipefail
cd "$(dirname "$0")/.."
FLOOD_RATE=${FLOOD_RATE:-20000}
FLOOD_TIME=${FLOOD_TIME:-30}
FLOOD_SOURCES=${FLOOD_SOURCES:-10000}
FLOOD_OPTIONS_UA=${FLOOD_OPTIONS_UA:-friendly-scanner}
PHONES=${PHONES:-200}
REREGISTER=${REREGISTER:-5}
PROBE_INTERVAL=${PROBE_INTERVAL:-1}
[[ $(id -u) -eq 0 ]] || { echo "bench/flood.sh: needs root (ip netns add, raw sockets); skipped" >&2; exit 0; }
(( FLOOD_SOURCES >= 1 && FLOOD_SOURCES <= 30000 )) || { echo "FLOOD_SOURCES must be 1-30000 (10.77.128.0/17)" >&2; exit 2; }
(( FLOOD_TIME >= 1 && FLOOD_TIME <= 300 )) || { echo "FLOOD_TIME must be 1-300 s" >&2; exit 2; }
BIN=${BIN:-$(swift build -c release --show-bin-path)}
CTL="$BIN/sipwardenctl"
if [[ -z "${FLOOD_FIREWALL:-}" ]]; then
  FLOOD_FIREWALL=memory
  command -v nft >/dev/null && FLOOD_FIREWALL=nftables
fi
RESULTS=${RESULTS:-bench/results}
mkdir -p "$RESULTS"
REPORT=${REPORT:-"$RESULTS/flood-$(date -u +%Y%m%dT%H%M%SZ).txt"}
WORK=$(mktemp -d /tmp/sipwarden-flood.XXXXXX)
NS_D="swflood-d$$" NS_A="swflood-a$$" NS_P="swflood-p$$"
DAEMON_PID="" PHONES_PID="" SENDER_PID=""
cleanup() {
  for pid in $SENDER_PID $PHONES_PID $DAEMON_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "$NS_D" "$NS_A" "$NS_P"; do ip netns delete "$ns" 2>/dev/null || true; done
  [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# The three namespaces: daemon (10.77.0.1 towards the attacker, 10.77.2.1 towards the phones),
# attacker (10.77.0.2; its forged sources 10.77.128.0/17 route back to it), phones (10.77.2.2).
for ns in "$NS_D" "$NS_A" "$NS_P"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$NS_D" link add to-att type veth peer name to-d netns "$NS_A"
ip -n "$NS_D" link add to-ph type veth peer name to-d netns "$NS_P"
ip -n "$NS_D" addr add 10.77.0.1/24 dev to-att
ip -n "$NS_D" addr add 10.77.2.1/24 dev to-ph
ip -n "$NS_A" addr add 10.77.0.2/24 dev to-d
ip -n "$NS_P" addr add 10.77.2.2/24 dev to-d
for link in "$NS_D to-att" "$NS_D to-ph" "$NS_A to-d" "$NS_P to-d"; do set -- $link; ip -n "$1" link set "$2" up; done
ip -n "$NS_D" route add 10.77.128.0/17 via 10.77.0.2
ip -n "$NS_A" route add default via 10.77.0.1
ip -n "$NS_P" route add default via 10.77.2.1

gcc -O2 -Wall -o "$WORK/flood_sender" bench/flood_sender.c
DATA="$WORK/data"; mkdir -p "$DATA"
SOCK="$DATA/control.sock"
ip netns exec "$NS_D" "$BIN/sipwarden" --listen udp:10.77.0.1:5060 --listen udp:10.77.2.1:5060 --data-dir "$DATA" \
    --control-socket "$SOCK" --firewall "$FLOOD_FIREWALL" --policies-dir rules/policies --log-level warning 2> "$DATA/daemon.log" &
DAEMON_PID=$!
for _ in $(seq 1 200); do "$CTL" --socket "$SOCK" status >/dev/null 2>&1 && break; sleep 0.05; done
"$CTL" --socket "$SOCK" status >/dev/null || { echo "daemon did not start:"; cat "$DATA/daemon.log"; exit 1; }

{ echo SEQUENTIAL; for i in $(seq 0 $((PHONES - 1))); do echo "$((50000 + i));phone-pw-$i"; done; } > "$WORK/phones.csv"
"$CTL" --socket "$SOCK" subscriber import "$WORK/phones.csv" >/dev/null
sipp_phones() {  # $1: run dir, $2: calls, $3: rate
  mkdir -p "$1"
  (cd "$1" && exec ip netns exec "$NS_P" sipp -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$WORK/phones.csv" \
      10.77.2.1:5060 -i 10.77.2.2 -p 5070 -m "$2" -r "$3" -l "$PHONES" -timeout $((FLOOD_TIME + 60))s -nostdin \
      -max_retrans 7 -trace_stat -stf stat.csv -fd 1 > sipp.out 2>&1)
}
# Before the flood: every phone registers once (an office that was up before the attack).
sipp_phones "$WORK/warmup" "$PHONES" 50 || true
warm=$("$CTL" --socket "$SOCK" registrations list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

PHONE_RATE=$(( (PHONES + REREGISTER - 1) / REREGISTER ))
PHONE_CALLS=$(( PHONE_RATE * (FLOOD_TIME + 4) ))
ticks_before=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
sipp_phones "$WORK/during" "$PHONE_CALLS" "$PHONE_RATE" &
PHONES_PID=$!
sleep 2  # the phones are at their pace when the flood starts
FLOOD_START=$(date +%s.%N)
ip netns exec "$NS_A" "$WORK/flood_sender" 10.77.0.1 5060 10.77.128.1 "$FLOOD_SOURCES" "$FLOOD_RATE" "$FLOOD_TIME" "$FLOOD_OPTIONS_UA" \
    > "$WORK/sender.out" 2>&1 &
SENDER_PID=$!
# Probes: `sipwardenctl status` every PROBE_INTERVAL s while the flood lasts; latency or timeout.
: > "$WORK/probes.tsv"
while kill -0 "$SENDER_PID" 2>/dev/null; do
  t0=$(date +%s.%N)
  if timeout 10 "$CTL" --socket "$SOCK" status >/dev/null 2>&1; then ok=1; else ok=0; fi
  t1=$(date +%s.%N)
  echo "$t0 $t1 $ok" >> "$WORK/probes.tsv"
  sleep "$PROBE_INTERVAL"
done
wait "$SENDER_PID" || true; SENDER_PID=""
FLOOD_END=$(date +%s.%N)
wait "$PHONES_PID" || true; PHONES_PID=""
ticks_after=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$DAEMON_PID/status")
hwm_kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON_PID/status")
"$CTL" --socket "$SOCK" ban list --json > "$WORK/bans.json"
"$CTL" --socket "$SOCK" stats --json > "$WORK/stats.json"
"$CTL" --socket "$SOCK" registrations list --json > "$WORK/registrations.json"
drops=$(ip netns exec "$NS_D" cat /proc/net/snmp | awk '/^Udp:/ { n++; if (n == 1) for (i = 1; i <= NF; i++) h[i] = $i; else for (i = 1; i <= NF; i++) v[h[i]] = $i } END { print v["RcvbufErrors"] + 0 }')
nft_elements=""
if [[ $FLOOD_FIREWALL == nftables ]]; then
  nft_elements=$(ip netns exec "$NS_D" nft -j list set inet sipwarden ban4 2>/dev/null | python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
    print(sum(len(x["set"].get("elem", [])) for x in doc["nftables"] if "set" in x))
except Exception:
    print("?")')
fi

python3 - "$WORK" "$FLOOD_START" "$FLOOD_END" "$FLOOD_RATE" "$FLOOD_TIME" "$FLOOD_SOURCES" "$PHONES" "$REREGISTER" "$warm" \
    "$rss_kib" "$hwm_kib" "$((ticks_after - ticks_before))" "$(getconf CLK_TCK)" "$drops" "$FLOOD_FIREWALL" "$nft_elements" <<'PY' | tee "$REPORT"
import csv, datetime, json, os, sys, subprocess
(work, start, end, rate, seconds, sources, phones, rereg, warm, rss, hwm, ticks, hz, drops, firewall, nft) = sys.argv[1:17]
start, end = float(start), float(end)
def last_row(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    return dict(zip(rows[0], rows[-1])) if len(rows) > 1 else {}
during = last_row(os.path.join(work, "during", "stat.csv")) if os.path.exists(os.path.join(work, "during", "stat.csv")) else {}
ok, failed = int(during.get("SuccessfulCall(C)", 0)), int(during.get("FailedCall(C)", 0))
retrans = int(during.get("Retransmissions(C)", 0))
bans = json.load(open(os.path.join(work, "bans.json")))
def when(ban):
    text = ban["created_at"].replace("Z", "+00:00")
    return datetime.datetime.fromisoformat(text).timestamp()
flood = [b for b in bans if b["address"].startswith("10.77.") and not b["address"].startswith("10.77.2.")]
# created_at has whole seconds: times count from the second the flood started in.
times = sorted(when(b) - int(start) for b in flood)
by_source = {}
for b in flood:
    by_source[b["source"]] = by_source.get(b["source"], 0) + 1
phones_banned = [b["address"] for b in bans if b["address"].startswith("10.77.2.")]
def at(fraction):
    if not times:
        return "-"
    index = max(0, min(len(times) - 1, int(fraction * len(times)) - 1))
    return f"{times[index]:.0f} s"
probes = [line.split() for line in open(os.path.join(work, "probes.tsv")) if line.strip()]
latencies = sorted((float(b) - float(a)) * 1000 for a, b, good in probes if good == "1")
answered = sum(1 for p in probes if p[2] == "1")
sender = open(os.path.join(work, "sender.out")).read().strip()
registrations = json.load(open(os.path.join(work, "registrations.json")))
cpu = int(ticks) / int(hz)
total = ok + failed
print(f"SIPWarden flood benchmark, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%dT%H:%M:%SZ}, {os.cpu_count()} cores, {os.uname().release}, firewall {firewall}")
print(f"flood: {rate} packets/s for {seconds} s from {sources} sources (half REGISTER with bogus digest for unknown users, half OPTIONS as a scanner)")
print(f"sender: {sender}")
print(f"phones: {phones} (SIPp, one address, digest auth), registered before the flood: {warm}; each re-registers every {rereg} s during it")
rows = [
    ("legitimate registrations during the flood", f"{ok} ok, {failed} failed, {retrans} retransmissions"),
    ("legitimate success rate (target >= 99.9 %)", f"{100.0 * ok / total:.2f} %" if total else "no calls"),
    ("phones registered at the end", f"{sum(1 for r in registrations if r['aor'].startswith('sip:5'))} of {phones}"),
    ("phones' address banned", "yes: " + ", ".join(phones_banned) if phones_banned else "no"),
    ("flood sources banned", f"{len(flood)} of {sources}" + ("" if not by_source else " (" + ", ".join(f"{k} {v}" for k, v in sorted(by_source.items())) + ")")),
    ("time to first ban / 50 % / 90 % / last (1 s resolution)", " / ".join([at(0.0001) if times else "-", at(0.5), at(0.9), f"{times[-1]:.0f} s" if times else "-"])),
    *[(f"  banned by {plugin}: first / 50 % / last", " / ".join(f"{t:.0f} s" for t in (ts[0], ts[len(ts) // 2], ts[-1])))
      for plugin, ts in sorted((p, sorted(when(b) - int(start) for b in flood if b["source"] == p)) for p in by_source)],
    ("nftables ban4 elements at the end", nft or "n/a (memory firewall)"),
    ("daemon RSS at the end (peak)", f"{int(rss) / 1024:.0f} MiB ({int(hwm) / 1024:.0f} MiB)"),
    ("daemon CPU during the run", f"{cpu:.1f} s over {end - start + 2:.0f} s"),
    ("UDP receive-buffer drops in the daemon's namespace", drops),
    ("`sipwardenctl status` during the flood", f"{answered} of {len(probes)} probes answered" + (
        f", latency p50 {latencies[len(latencies) // 2]:.0f} ms, max {latencies[-1]:.0f} ms" if latencies else "")),
]
width = max(len(k) for k, _ in rows)
for k, v in rows:
    print(f"  {k:<{width}}  {v}")
PY
echo "report: $REPORT"
