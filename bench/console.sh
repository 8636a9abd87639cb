#!/usr/bin/env bash
# The web console's table pages at CONSOLE_BINDINGS (100,000) bindings: the release daemon
# with the console on 127.0.0.1, the bindings registered by SIPp over loopback at 5,000/s,
# then each page asked ROUNDS (7) times over one logged-in session; the median and the
# slowest time per page are printed (curl's time_total: request, the daemon's work, the HTML).
# Bounded: SIPp runs with -m and timeout; curl with --max-time.
#
#   bench/console.sh                          # 100,000 bindings
#   CONSOLE_BINDINGS=20000 ROUNDS=3 bench/console.sh
#   PERF_OUT=/tmp/console.perf bench/console.sh   # perf record -g of the daemon while the pages are asked
#   LOAD_RATE=2000 bench/console.sh           # then SIPp re-registers the phones at LOAD_RATE/s for
#                                             # LOAD_TIME (15) s, once alone and once while a tab's
#                                             # worth of page requests (4 a second) runs beside it
set -euo pipefail
cd "$(dirname "$0")/.."
CONSOLE_BINDINGS=${CONSOLE_BINDINGS:-100000}
ROUNDS=${ROUNDS:-7}
PORT=${PORT:-25180}
SIPP_PORT=${SIPP_PORT:-25181}
HTTP_PORT=${HTTP_PORT:-25182}
BIN=${BIN:-$(swift build -c release --show-bin-path)}
WORK=$(mktemp -d /tmp/sipwarden-console.XXXXXX)
DAEMON_PID=
trap 'if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

bash bench/make_users.sh "$WORK/users.csv" "$CONSOLE_BINDINGS" 500000
cat > "$WORK/console.yaml" <<YAML
trusted: [127.0.0.1/32]
transport:
  transaction_lifetime: 1
console:
  listen: 127.0.0.1:$HTTP_PORT
YAML
dir="$WORK/daemon"
mkdir -p "$dir"
ctl() { "$BIN/sipwardenctl" --socket "$dir/control.sock" "$@"; }
"$BIN/sipwarden" --config "$WORK/console.yaml" --listen "udp:127.0.0.1:$PORT" --data-dir "$dir" --control-socket "$dir/control.sock" \
    --firewall memory --log-level warning 2> "$dir/daemon.log" &
DAEMON_PID=$!
started=
for _ in $(seq 1 600); do
  ctl subscriber list --json >/dev/null 2>&1 && { started=1; break; }
  sleep 0.05
done
[ -n "$started" ] || { echo "daemon did not start:" >&2; cat "$dir/daemon.log" >&2; exit 1; }
ctl subscriber import "$WORK/users.csv" >/dev/null
echo "bench-console-password" | ctl console user add bench --role admin --password-stdin >/dev/null
(cd "$dir" && timeout 300 sipp -sf "$OLDPWD/bench/scenarios/register_auth.xml" -inf "$WORK/users.csv" \
    "127.0.0.1:$PORT" -i 127.0.0.1 -p "$SIPP_PORT" -r 5000 -m "$CONSOLE_BINDINGS" -l 20000 -timeout 280s -nostdin \
    -buff_size 4194304 > sipp.out 2>&1) || true
sleep 2
count=$(ctl registrations list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

base="http://127.0.0.1:$HTTP_PORT"
jar="$WORK/cookies"
# The login form's CSRF token, when the form has one, goes back with the password.
token=$(curl -s -c "$jar" -b "$jar" --max-time 10 "$base/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --max-time 10 \
    --data-urlencode "username=bench" --data-urlencode "password=bench-console-password" --data-urlencode "csrf=$token" "$base/login")
[[ "$code" == 303 || "$code" == 302 ]] || { echo "console login failed (HTTP $code)" >&2; exit 1; }

echo "console pages at $count bindings (release, $ROUNDS rounds each; median and slowest, seconds):"
PERF_PID=
if [[ -n "${PERF_OUT:-}" ]]; then perf record -g -o "$PERF_OUT" -p "$DAEMON_PID" >/dev/null 2>&1 & PERF_PID=$!; sleep 1; fi
pages=("/registrations" "/registrations?sort=source" "/registrations?sort=-expires_in" "/registrations?ip=127.0.0.0/8"
       "/registrations?number=1000*" "/registrations?offset=50000&limit=100" "/registrations/stream" "/phones" "/security")
for page in "${pages[@]}"; do
  times=()
  for _ in $(seq 1 "$ROUNDS"); do
    if [[ "$page" == */stream ]]; then
      t=$(python3 - "$HTTP_PORT" "$page" "$jar" <<'PY'
import http.client, sys, time
port, path, jar = sys.argv[1:4]
cookie = "; ".join(f"{f[5]}={f[6]}" for f in (l.rstrip("\n").split("\t") for l in open(jar)) if len(f) == 7)
started = time.monotonic()
connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
connection.request("GET", path, headers={"Cookie": cookie})
response = connection.getresponse()
while not response.fp.readline().startswith(b"data:"):
    pass
print(f"{time.monotonic() - started:.3f}")
PY
)
    else
      t=$(curl -s -o /dev/null -b "$jar" --max-time 60 -w '%{time_total}' "$base$page")
    fi
    times+=("$t")
  done
  python3 - "$page" "${times[@]}" <<'PY'
import statistics, sys
values = [float(v) for v in sys.argv[2:]]
print(f"  {sys.argv[1]:<42} median {statistics.median(values):7.3f}  max {max(values):7.3f}")
PY
done
if [[ -n "$PERF_PID" ]]; then kill -INT "$PERF_PID"; wait "$PERF_PID" || true; echo "perf data: $PERF_OUT"; fi

if [[ -n "${LOAD_RATE:-}" ]]; then
  LOAD_TIME=${LOAD_TIME:-15}
  TICKS=$(getconf CLK_TCK)
  gcc -O2 -shared -fPIC -o "$WORK/precise_clock.so" bench/sipp_precise_clock.c -ldl
  load() {  # $1: run directory
    mkdir -p "$1"
    local before after
    before=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
    (cd "$1" && LD_PRELOAD="$WORK/precise_clock.so" timeout $((LOAD_TIME * 3 + 40)) sipp -sf "$OLDPWD/bench/scenarios/register_auth.xml" \
        -inf "$WORK/users.csv" "127.0.0.1:$PORT" -i 127.0.0.1 -p "$SIPP_PORT" -r "$LOAD_RATE" -m $((LOAD_RATE * LOAD_TIME)) \
        -l $((LOAD_RATE * 4)) -timeout $((LOAD_TIME * 3 + 30))s -nostdin -buff_size 4194304 -trace_stat -stf stat.csv -fd 1 \
        -trace_rtt -rtt_freq 100 -trace_err > sipp.out 2>&1) || true
    after=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
    python3 bench/summarize_sipp.py "$1" "$LOAD_RATE" "$((after - before))" "$TICKS"
  }
  echo "re-registering at $LOAD_RATE/s for ${LOAD_TIME}s (offered achieved failed retrans rtd_p50ms rtd_p99ms cpu_us/reg clean):"
  printf '  %-28s' "alone:"; load "$WORK/load-alone"
  ( end=$((SECONDS + LOAD_TIME + 5)); while (( SECONDS < end )); do
      curl -s -o /dev/null -b "$jar" --max-time 10 "$base/registrations?sort=source" || true; sleep 0.25; done ) &
  poller=$!
  printf '  %-28s' "with the page asked 4/s:"; load "$WORK/load-console"
  kill "$poller" 2>/dev/null || true; wait "$poller" 2>/dev/null || true
fi

