#!/usr/bin/env bash
# Creates the SQLite database Kamailio's bench config (bench/kamailio/kamailio.cfg) reads:
# Kamailio's own schema for the version, subscriber (auth_db) and location (usrloc, used by
# the write-back variant) tables, as Debian's kamailio-sqlite-modules ships it, and one
# subscriber per line of a SIPp injection file ("SEQUENTIAL"/"RANDOM" header, then
# "user;password" lines: the file bench/make_users.sh writes), inserted in one transaction.
# Passwords are stored in the plain `password` column (auth_db calculate_ha1 = yes). The file
# is put in WAL mode, so auth lookups are not blocked by usrloc's write-back flushes.
#
# Usage: make_db.sh DB USERS_FILE [DOMAIN=127.0.0.1]      (DB must not exist yet)
set -euo pipefail
db=${1:?usage: make_db.sh DB USERS_FILE [DOMAIN]}
users=${2:?usage: make_db.sh DB USERS_FILE [DOMAIN]}
domain=${3:-127.0.0.1}
schema=${KAMAILIO_SQLITE_SCHEMA:-/usr/share/kamailio/db_sqlite}
for part in standard auth_db usrloc; do
  [[ -r "$schema/$part-create.sql" ]] || {
    echo "make_db.sh: $schema/$part-create.sql missing; install kamailio-sqlite-modules" >&2; exit 1; }
done
[[ -e "$db" ]] && { echo "make_db.sh: $db exists; remove it first" >&2; exit 1; }

python3 - "$db" "$users" "$domain" "$schema/standard-create.sql" "$schema/auth_db-create.sql" "$schema/usrloc-create.sql" <<'PY'
import sqlite3, sys
db, users, domain, *schemas = sys.argv[1:]
conn = sqlite3.connect(db)
conn.execute("PRAGMA journal_mode=WAL")  # persistent: workers read while the write-back timer writes
for path in schemas:
    with open(path) as handle:
        conn.executescript(handle.read())
rows = []
with open(users) as handle:
    for number, line in enumerate(handle, 1):
        line = line.strip()
        if not line or (number == 1 and line in ("SEQUENTIAL", "RANDOM", "USER")):
            continue
        fields = line.split(";")
        if len(fields) < 2 or not fields[0]:
            sys.exit(f"make_db.sh: {users}:{number}: expected user;password, got {line!r}")
        rows.append((fields[0], domain, fields[1]))
with conn:  # one transaction
    conn.executemany("INSERT INTO subscriber (username, domain, password) VALUES (?, ?, ?)", rows)
conn.close()
print(f"{db}: {len(rows)} subscribers")
PY
