#!/usr/bin/env bash
# Side-by-side registration benchmark: SIPWarden against Kamailio on this machine, in ONE run.
# This machine's speed drifts by a factor of two from hour to hour, so figures from different
# runs cannot be compared; here every rate is offered to each server in turn, back to back,
# alternating which goes first, so both see the same machine.
#
# Each server gets the same SIPp scenario (bench/scenarios/register_auth.xml: REGISTER -> 401
# -> REGISTER with MD5 digest -> 200, one "call" = one registration) with the same users, the
# same SIPp options (4 MiB socket buffer, precise-clock shim) and its own ports, loopback only.
# Per server and rate: achieved registrations/s, failed calls, retransmissions, RTD p50/p99
# (both transactions), the server's CPU microseconds per registration (utime+stime of all its
# processes), SIPp's own CPU per registration (it shares the cores), the number of response
# times behind the percentiles, and the CPU the idle servers burned meanwhile. Then the
# highest clean rate (no failed call, no retransmission) of each.
#
#   swift build -c release && bench/compare.sh
#   RATES="2000 4000" DURATION=5 bench/compare.sh
#   SERVERS="sipwarden sipwarden-normal kamailio kamailio-wb" bench/compare.sh
#   SIPP_CLIENTS=4 bench/compare.sh
#
# SIPP_CLIENTS (default 1) splits each offered rate over that many SIPp processes, each from its
# own source port with its own share of the users (every Nth line), all at once: the same
# total load, from several sources as real phones send it. Kamailio's workers share one socket
# either way; SIPWarden gives each event loop a socket of its own and the kernel picks the
# socket by source, so one SIPp (one source) keeps all of SIPWarden's packet work on one core.
#
# Servers: sipwarden (release build, store.durability full, as bench/run.sh runs it);
# sipwarden-normal (the same with store.durability normal: no fsync per commit);
# sipwarden-nohistory (the same as sipwarden with history.enabled: false: the history's cost);
# sipwarden-nodelay (the same as sipwarden with store.commit_delay_us: 0: the group commit's wait);
# sipwarden-delay (the same with store.commit_delay_us: $SW_DELAY_US, default 4000: a longer wait);
# sipwarden-base (another build, configured as sipwarden: BASE_BIN_DIR names its release bin
# directory, e.g. of a worktree at an older commit, for a before/after in one run);
# kamailio (bench/kamailio/kamailio.cfg: usrloc in memory, auth_db on SQLite, 2 workers);
# kamailio-wb (the same with usrloc write-back to SQLite every 10 s).
# It builds nothing: it runs the binaries `swift build -c release --show-bin-path` names,
# copied first (with the .so files beside them) so a rebuild during the run cannot change
# them; like bench/run.sh it runs the daemon from the repository root (./rules/policies). It installs only through
# scripts/ensure-packages.sh. The report lands in bench/results/compare-<time>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
RATES=${RATES:-"2000 4000 6000 8000 10000 12000"}
DURATION=${DURATION:-10}
USERS=${USERS:-50000}
SERVERS=${SERVERS:-"sipwarden kamailio"}
PAUSE=${PAUSE:-2}                   # seconds between two SIPp runs
RTT_FREQ=${RTT_FREQ:-100}           # SIPp writes response times in blocks of this many; see below
SIPP_BUFF=${SIPP_BUFF:-4194304}
SIPP_CLIENTS=${SIPP_CLIENTS:-1}     # SIPp processes (source ports) sharing each offered rate
SW_PORT=${SW_PORT:-25170}           # SIPp uses the server's port + 1 for itself
SW_NORMAL_PORT=${SW_NORMAL_PORT:-25200}
SW_NOHISTORY_PORT=${SW_NOHISTORY_PORT:-25210}
SW_NODELAY_PORT=${SW_NODELAY_PORT:-25220}
SW_BASE_PORT=${SW_BASE_PORT:-25230}
SW_DELAY_PORT=${SW_DELAY_PORT:-25240}
SW_DELAY_US=${SW_DELAY_US:-4000}     # sipwarden-delay's store.commit_delay_us
BASE_BIN_DIR=${BASE_BIN_DIR:-}       # sipwarden-base: the release bin directory of the other build
KAM_PORT=${KAM_PORT:-25180}
KAM_WB_PORT=${KAM_WB_PORT:-25190}
SW_TRUSTED=${SW_TRUSTED-127.0.0.1/32}  # SIPWarden's `trusted` ranges (never rate-limited nor banned); empty: none
KAM_CHILDREN=${KAM_CHILDREN:-2}
KAM_SHM_MB=${KAM_SHM_MB:-256}       # -m: shared memory (usrloc lives here); the 64 MB default is tight for 50k+ bindings
KAM_PKG_MB=${KAM_PKG_MB:-32}        # -M: private memory per process
KAM_RCVBUF=${KAM_RCVBUF:-4194304}   # -b: UDP receive buffer ceiling (default 256 KiB; SIPWarden asks for 8 MiB)
QUIET_WAIT=${QUIET_WAIT:-60}       # before each SIPp run, wait up to this many seconds for a quiet machine
QUIET_MAX=${QUIET_MAX:-10}          # quiet: under this % of all cores busy over one second (0: do not wait)
RESULTS=${RESULTS:-bench/results}
KEEP_WORK=${KEEP_WORK:-0}

for server in $SERVERS; do
  case $server in sipwarden|sipwarden-normal|sipwarden-nohistory|sipwarden-nodelay|sipwarden-delay|kamailio|kamailio-wb) ;;
    sipwarden-base)
      [[ -n "$BASE_BIN_DIR" && -x "$BASE_BIN_DIR/sipwarden" ]] \
        || { echo "compare.sh: sipwarden-base needs BASE_BIN_DIR, the release bin directory of the other build (BASE_BIN_DIR=/path/.build/release)" >&2; exit 2; } ;;
    *) echo "compare.sh: unknown server '$server' (sipwarden, sipwarden-normal, sipwarden-nohistory, sipwarden-nodelay, sipwarden-delay, sipwarden-base, kamailio, kamailio-wb)" >&2; exit 2 ;; esac
done
for rate in $RATES; do
  [[ $rate =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: bad rate '$rate'" >&2; exit 2; }
done
[[ $SIPP_CLIENTS =~ ^[1-9]$ ]] || { echo "compare.sh: SIPP_CLIENTS must be 1 to 9 (each SIPp takes the server's port + 1 + its index), not '$SIPP_CLIENTS'" >&2; exit 2; }

bash scripts/ensure-packages.sh sip-tester kamailio kamailio-sqlite-modules gcc python3 procps

BIN_DIR=$(swift build -c release --show-bin-path)
for program in sipwarden sipwardenctl; do
  [[ -x "$BIN_DIR/$program" ]] || { echo "compare.sh: $BIN_DIR/$program missing; run 'swift build -c release' first" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/sipwarden-compare.XXXXXX)
mkdir -p "$RESULTS"
REPORT="$RESULTS/compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
declare -A ROOT_PID=() PORT_OF=()
PORT_OF[sipwarden]=$SW_PORT; PORT_OF[sipwarden-normal]=$SW_NORMAL_PORT; PORT_OF[sipwarden-nohistory]=$SW_NOHISTORY_PORT
PORT_OF[sipwarden-nodelay]=$SW_NODELAY_PORT; PORT_OF[sipwarden-base]=$SW_BASE_PORT; PORT_OF[sipwarden-delay]=$SW_DELAY_PORT
PORT_OF[kamailio]=$KAM_PORT; PORT_OF[kamailio-wb]=$KAM_WB_PORT

# Every server runs under `timeout` with a budget covering the whole run, and is stopped on
# exit: SIGTERM to its process tree, then SIGKILL to whatever of it is left.
descendants() {  # PID...: the PIDs and all their descendants
  python3 - "$@" <<'PY'
import os, sys
children = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
todo, seen = [int(pid) for pid in sys.argv[1:]], []
while todo:
    pid = todo.pop()
    if pid not in seen:
        seen.append(pid)
        todo.extend(children.get(pid, []))
print(" ".join(map(str, seen)))
PY
}
cleanup() {
  local pids="" pid
  for pid in "${ROOT_PID[@]}"; do pids+=" $(descendants "$pid" 2>/dev/null || echo "$pid")"; done
  if [[ -n "${pids// }" ]]; then
    kill -TERM $pids 2>/dev/null || true
    for _ in $(seq 1 50); do
      alive=""; for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive+=" $pid"; done
      [[ -z "$alive" ]] && break; sleep 0.1
    done
    [[ -n "$alive" ]] && kill -KILL $alive 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  if [[ "$KEEP_WORK" == 1 ]]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU ticks (utime+stime) of each PID's whole process tree, one number per PID, in order.
tree_ticks() {
  python3 - "$@" <<'PY'
import os, sys
stat = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stat[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime+stime
children = {}
for pid, (ppid, _) in stat.items():
    children.setdefault(ppid, []).append(pid)
out = []
for root in map(int, sys.argv[1:]):
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stat:
            continue
        seen.add(pid); total += stat[pid][1]; todo.extend(children.get(pid, []))
    out.append(str(total))
print(" ".join(out))
PY
}
self_child_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }  # reaped children: SIPp
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 + $10, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 + $10 }' /proc/stat; }  # busy total
TICKS=$(getconf CLK_TCK)

# Readiness: the server answers an OPTIONS on its UDP port with 200.
options_ok() {  # PORT
  python3 - "$1" <<'PY'
import socket, sys, os
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); s.settimeout(0.3)
lport = s.getsockname()[1]
tag = os.urandom(4).hex()
msg = (f"OPTIONS sip:127.0.0.1:{port} SIP/2.0\r\n"
       f"Via: SIP/2.0/UDP 127.0.0.1:{lport};branch=z9hG4bK{tag};rport\r\n"
       f"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag={tag}\r\nTo: <sip:127.0.0.1:{port}>\r\n"
       f"Call-ID: probe-{tag}@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
try:
    s.sendto(msg.encode(), ("127.0.0.1", port))
    data = s.recv(65536)
except OSError:
    sys.exit(1)
sys.exit(0 if data.startswith(b"SIP/2.0 200") else 1)
PY
}
wait_ready() {  # NAME PORT LOG
  for _ in $(seq 1 100); do
    options_ok "$2" && return 0
    kill -0 "${ROOT_PID[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "compare.sh: $1 did not answer OPTIONS on 127.0.0.1:$2; its log:" >&2; tail -n 30 "$3" >&2; exit 1
}

# The machine is shared: before each SIPp run wait (bounded) until, over one second, less than
# QUIET_MAX % of all cores is busy. What load remains during the run shows in the other% column.
wait_quiet() {
  (( QUIET_MAX > 0 )) || return 0
  local deadline=$((SECONDS + QUIET_WAIT)) b0 t0 b1 t1
  while :; do
    read -r b0 t0 <<< "$(machine_ticks)"; sleep 1; read -r b1 t1 <<< "$(machine_ticks)"
    (( t1 > t0 && (b1 - b0) * 100 < QUIET_MAX * (t1 - t0) )) && return 0
    (( SECONDS >= deadline )) && { WAITED_IN_VAIN=$((WAITED_IN_VAIN + 1)); return 0; }
  done
}
WAITED_IN_VAIN=0

nservers=$(wc -w <<< "$SERVERS"); nrates=$(wc -w <<< "$RATES")
SIPP_LIMIT=$((DURATION * 3 + 40))
SERVER_LIMIT=$((nservers * nrates * (SIPP_LIMIT + PAUSE + QUIET_WAIT + 5) + 300))

# Binaries and users.
# (with the shared libraries beside them: the policy API library and the plugins the daemon
# loads from its own directory)
copy_build() {  # FROM TO
  mkdir -p "$2"
  cp "$1/sipwarden" "$1/sipwardenctl" "$2/"
  for library in "$1"/*.so; do [[ -e "$library" ]] && cp "$library" "$2/"; done
}
copy_build "$BIN_DIR" "$WORK/bin"
[[ -n "$BASE_BIN_DIR" ]] && copy_build "$BASE_BIN_DIR" "$WORK/base-bin"
gcc -O2 -shared -fPIC -o "$WORK/precise_clock.so" bench/sipp_precise_clock.c -ldl
bash bench/make_users.sh "$WORK/users.csv" "$USERS" 100000
# Each SIPp client's share of the users: every SIPP_CLIENTS-th line, so no two register one user.
for ((client = 0; client < SIPP_CLIENTS; client++)); do
  awk -v n="$SIPP_CLIENTS" -v k="$client" 'NR == 1 || (NR - 2) % n == k' "$WORK/users.csv" > "$WORK/users-$client.csv"
done

start_sipwarden() {  # NAME PORT [extra sipwarden flags]
  local name=$1 port=$2; shift 2
  local dir="$WORK/$name"; mkdir -p "$dir"
  local bin="$WORK/bin"; [[ $name == sipwarden-base ]] && bin="$WORK/base-bin"
  timeout "$SERVER_LIMIT" "$bin/sipwarden" --listen "udp:127.0.0.1:$port" --data-dir "$dir" \
      --control-socket "$dir/control.sock" --firewall memory --log-level warning "$@" 2> "$dir/daemon.log" &
  ROOT_PID[$name]=$!
  for _ in $(seq 1 200); do
    "$bin/sipwardenctl" --socket "$dir/control.sock" subscriber list --json >/dev/null 2>&1 && break
    kill -0 "${ROOT_PID[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  "$bin/sipwardenctl" --socket "$dir/control.sock" subscriber import "$WORK/users.csv" >/dev/null \
    || { echo "compare.sh: $name did not start or import failed; see $dir/daemon.log" >&2; tail -n 30 "$dir/daemon.log" >&2; exit 1; }
  wait_ready "$name" "$port" "$dir/daemon.log"
}

start_kamailio() {  # NAME PORT [extra kamailio flags]
  local name=$1 port=$2; shift 2
  local dir="$WORK/$name"; mkdir -p "$dir/run"
  bash bench/kamailio/make_db.sh "$dir/kamailio.sqlite" "$WORK/users.csv" >/dev/null
  timeout "$SERVER_LIMIT" kamailio -f "$ROOT/bench/kamailio/kamailio.cfg" -DD -E \
      -n "$KAM_CHILDREN" -m "$KAM_SHM_MB" -M "$KAM_PKG_MB" -b "$KAM_RCVBUF" \
      -l "udp:127.0.0.1:$port" -Y "$dir/run" -P "$dir/run/kamailio.pid" -w "$dir" \
      -A "KAM_DBURL=\"sqlite:///$dir/kamailio.sqlite\"" "$@" > "$dir/kamailio.log" 2>&1 &
  ROOT_PID[$name]=$!
  wait_ready "$name" "$port" "$dir/kamailio.log"
}

# SIPWarden's security agent rate-limits every source address (rules/policies/ratelimit.yaml:
# 20 packets/s for an address without bindings), so SIPp's thousands of registrations/s from
# 127.0.0.1 would mostly be dropped and retransmitted: a benchmark of the limiter, not of the
# registrar. The load generator is therefore a trusted source, as an operator's own test rig
# would be; the agent still sees, logs and evaluates every event. SW_TRUSTED= turns this off.
sipwarden_config() {  # FILE [durability]
  : > "$1"
  [[ -n "$SW_TRUSTED" ]] && echo "trusted: [$SW_TRUSTED]" >> "$1"
  [[ -n "${2:-}" ]] && printf 'store:\n  durability: %s\n' "$2" >> "$1"
  return 0
}
for server in $SERVERS; do
  case $server in
    sipwarden|sipwarden-base)  # the same configuration; sipwarden-base runs the other build
      sipwarden_config "$WORK/$server.yaml"
      if [[ -s "$WORK/$server.yaml" ]]; then start_sipwarden "$server" "${PORT_OF[$server]}" --config "$WORK/$server.yaml"
      else start_sipwarden "$server" "${PORT_OF[$server]}"; fi ;;
    sipwarden-normal)
      sipwarden_config "$WORK/normal.yaml" normal
      start_sipwarden sipwarden-normal "$SW_NORMAL_PORT" --config "$WORK/normal.yaml" ;;
    sipwarden-nohistory)
      sipwarden_config "$WORK/nohistory.yaml"
      printf 'history:\n  enabled: false\n' >> "$WORK/nohistory.yaml"
      start_sipwarden sipwarden-nohistory "$SW_NOHISTORY_PORT" --config "$WORK/nohistory.yaml" ;;
    sipwarden-nodelay)
      sipwarden_config "$WORK/nodelay.yaml"
      printf 'store:\n  commit_delay_us: 0\n' >> "$WORK/nodelay.yaml"
      start_sipwarden sipwarden-nodelay "$SW_NODELAY_PORT" --config "$WORK/nodelay.yaml" ;;
    sipwarden-delay)
      sipwarden_config "$WORK/delay.yaml"
      printf 'store:\n  commit_delay_us: %s\n' "$SW_DELAY_US" >> "$WORK/delay.yaml"
      start_sipwarden sipwarden-delay "$SW_DELAY_PORT" --config "$WORK/delay.yaml" ;;
    kamailio)    start_kamailio kamailio "$KAM_PORT" ;;
    kamailio-wb) start_kamailio kamailio-wb "$KAM_WB_PORT" -A WITH_WRITEBACK ;;
  esac
done

describe() {
  case $1 in
    sipwarden)   echo "sipwarden   : $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' + uncommitted changes in Sources'), release binary of $(date -u -r "$BIN_DIR/sipwarden" +%FT%TZ), store.durability full (fsync per group commit), trusted: [${SW_TRUSTED}]" ;;
    sipwarden-normal) echo "sipwarden-normal: the same binary with store.durability normal (survives kill -9, not a power cut)" ;;
    sipwarden-nohistory) echo "sipwarden-nohistory: the same binary with history.enabled: false (no registration history)" ;;
    sipwarden-base) echo "sipwarden-base: the build in $BASE_BIN_DIR ($(git -C "$BASE_BIN_DIR" rev-parse --short HEAD 2>/dev/null || echo 'commit unknown'), release binary of $(date -u -r "$BASE_BIN_DIR/sipwarden" +%FT%TZ)), configured as sipwarden" ;;
    sipwarden-nodelay) echo "sipwarden-nodelay: the same binary with store.commit_delay_us: 0 (transactions back to back)" ;;
    sipwarden-delay) echo "sipwarden-delay: the same binary with store.commit_delay_us: $SW_DELAY_US" ;;
    kamailio)    echo "kamailio    : $(kamailio -v 2>/dev/null | head -n 1 | sed 's/^version: //; s/ *$//'), bench/kamailio/kamailio.cfg, usrloc in memory (db_mode 0), auth_db on SQLite, -n $KAM_CHILDREN -m $KAM_SHM_MB -M $KAM_PKG_MB -b $KAM_RCVBUF" ;;
    kamailio-wb) echo "kamailio-wb : the same with usrloc write-back (db_mode 2) to SQLite every 10 s" ;;
  esac
}

{
  echo "SIPWarden vs Kamailio, side by side, $(date -u +%FT%TZ), $(nproc) cores, $(uname -r)"
  echo "scenario bench/scenarios/register_auth.xml (REGISTER, 401, REGISTER+digest MD5 qop=auth, 200), UDP, loopback, ${DURATION}s per rate and server, $USERS users"
  echo "each run waits up to ${QUIET_WAIT}s for under ${QUIET_MAX}% of the machine to be busy (QUIET_WAIT, QUIET_MAX)"
  echo "SIPp $(sipp -v 2>&1 | grep -o 'v[0-9][^ ]*' | head -n 1), -buff_size $SIPP_BUFF, precise-clock shim; servers alternate at each rate (order reversed every other rate)"
  echo "load from $SIPP_CLIENTS SIPp process(es) at once, each from its own source port with 1/$SIPP_CLIENTS of the rate and of the users (SIPP_CLIENTS)"
  for server in $SERVERS; do describe "$server"; done
  echo "cpu_us/reg: the server's utime+stime (all its processes) per successful registration; sipp_us/reg: SIPp's own; rtt_n: response times behind p50/p99;"
  echo "idle_ms: CPU the other, idle servers used meanwhile; other%: share of the whole machine's CPU (all cores) busy with anything else (other benchmarks, builds: a noisy run)"
  echo
  printf '%-16s %8s %10s %8s %8s %9s %9s %10s %6s %11s %7s %7s %7s\n' \
    server offered achieved failed retrans rtd_p50ms rtd_p99ms cpu_us/reg clean sipp_us/reg rtt_n idle_ms other%
} | tee "$REPORT"

declare -A BEST=() ALL_CLEAN_UP_TO=() BROKEN=()
index=0
for rate in $RATES; do
  order=$SERVERS
  if (( index % 2 == 1 )); then order=$(tr ' ' '\n' <<< "$SERVERS" | tac | tr '\n' ' '); fi
  index=$((index + 1))
  for server in $order; do
    port=${PORT_OF[$server]}
    run="$WORK/$server/rate-$rate"; mkdir -p "$run"
    wait_quiet
    foreign=$(pgrep -x sipp | wc -l || true)
    roots=(); for s in $SERVERS; do roots+=("${ROOT_PID[$s]}"); done
    read -r -a before <<< "$(tree_ticks "${roots[@]}")"
    read -r busy_before total_before <<< "$(machine_ticks)"
    sipp_before=$(self_child_ticks)
    sipp_pids=()
    for ((client = 0; client < SIPP_CLIENTS; client++)); do
      share=$(( rate / SIPP_CLIENTS + (client < rate % SIPP_CLIENTS ? 1 : 0) ))
      (( share > 0 )) || continue
      dir="$run/client-$client"; mkdir -p "$dir"
      (cd "$dir" && LD_PRELOAD="$WORK/precise_clock.so" timeout "$SIPP_LIMIT" sipp \
          -sf "$ROOT/bench/scenarios/register_auth.xml" -inf "$WORK/users-$client.csv" "127.0.0.1:$port" \
          -i 127.0.0.1 -p $((port + 1 + client)) -r "$share" -m $((share * DURATION)) -l $((share * 4)) \
          -timeout $((DURATION * 3 + 30))s -nostdin -buff_size "$SIPP_BUFF" \
          -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq "$RTT_FREQ" -trace_err > sipp.out 2>&1) &
      sipp_pids+=($!)
    done
    wait "${sipp_pids[@]}" || true
    sipp_after=$(self_child_ticks)
    read -r busy_after total_after <<< "$(machine_ticks)"
    read -r -a after <<< "$(tree_ticks "${roots[@]}")"
    own=0; idle=0; i=0
    for s in $SERVERS; do
      delta=$(( after[i] - before[i] ))
      if [[ $s == "$server" ]]; then own=$delta; else idle=$((idle + delta)); fi
      i=$((i + 1))
    done
    row=$(python3 bench/summarize_sipp.py "$run" "$rate" "$own" "$TICKS")
    read -r ok rtt_n <<< "$(python3 bench/summarize_sipp.py --counts "$run")" || { ok=0; rtt_n=0; }
    sipp_us=$(python3 -c "import sys; t,hz,ok=map(int,sys.argv[1:]); print(f'{t*1e6/hz/ok:.1f}' if ok else 'nan')" \
      "$((sipp_after - sipp_before))" "$TICKS" "$ok")
    other=$(( busy_after - busy_before - own - idle - (sipp_after - sipp_before) ))
    total=$(( total_after - total_before )); (( total > 0 )) || total=1; (( other > 0 )) || other=0
    printf '%-16s %s %11s %7s %7d %7d\n' "$server" "$row" "$sipp_us" "$rtt_n" $((idle * 1000 / TICKS)) \
      $((other * 100 / total)) | tee -a "$REPORT"
    if [[ $row == *" yes" ]]; then
      BEST[$server]=$rate
      [[ -z "${BROKEN[$server]:-}" ]] && ALL_CLEAN_UP_TO[$server]=$rate
    else
      BROKEN[$server]=1
    fi
    if (( foreign > 0 )); then
      echo "# note: $foreign other SIPp process(es) were running on this machine when this run started" | tee -a "$REPORT"
    fi
    for s in $SERVERS; do
      kill -0 "${ROOT_PID[$s]}" 2>/dev/null || { echo "compare.sh: $s died; see $WORK/$s" | tee -a "$REPORT" >&2; KEEP_WORK=1; exit 1; }
    done
    sleep "$PAUSE"
  done
done

{
  echo
  for server in $SERVERS; do
    printf '%-16s highest clean rate: %s registrations/s (every rate clean up to %s)\n' \
      "$server" "${BEST[$server]:-none}" "${ALL_CLEAN_UP_TO[$server]:-none}"
  done
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  (( WAITED_IN_VAIN == 0 )) || echo "# $WAITED_IN_VAIN run(s) started on a busy machine after waiting ${QUIET_WAIT}s for it to calm down (see other%)"
} | tee -a "$REPORT"
echo "report: $REPORT"

# About RTT_FREQ: SIPp 3.6.1's -trace_rtt keeps response times in a buffer of -rtt_freq
# entries and appends it to <scenario>_<pid>_rtt.csv (in SIPp's working directory) only when
# the buffer is full; what is left in it at exit is never written. With -rtt_freq 100000 and
# fewer samples no file appears at all. A small block (100) loses at most 99 samples.
