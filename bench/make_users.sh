#!/usr/bin/env bash
# Writes a SIPp injection file of N users: "SEQUENTIAL", then "user;password" lines.
# Usage: make_users.sh OUT [N=10000] [FIRST=100000]
set -euo pipefail
out=${1:?usage: make_users.sh OUT [N] [FIRST]}
count=${2:-10000}
first=${3:-100000}
{
  echo SEQUENTIAL
  awk -v n="$count" -v f="$first" 'BEGIN { for (i = 0; i < n; i++) printf "%d;secret-%d\n", f + i, f + i }'
} > "$out"
