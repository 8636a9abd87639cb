#!/usr/bin/env bash
# The registration history's disk use per million events and its write rate (history-bench:
# the daemon's own recorder on a real SQLite file in a scratch directory; see its header).
#   bash bench/history.sh            # one million events
#   EVENTS=200000 bash bench/history.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${EVENTS:-1000000}
swift build -c release --product history-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)
WORK=$(mktemp -d /tmp/sipwarden-historybench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== history-bench: $EVENTS events, $(nproc) cores, $(uname -r), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1 || echo '?')"
"$BIN/history-bench" "$EVENTS" "$WORK/data"
