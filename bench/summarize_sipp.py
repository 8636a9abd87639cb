#!/usr/bin/env python3
"""Summarizes one SIPp run of the registration benchmark as one table row.

Arguments: RUN_DIR OFFERED_RATE DAEMON_CPU_TICKS CLK_TCK. Reads SIPp's statistics CSV (the
last cumulative line) and its RTT trace (every response time) from RUN_DIR, or from each
RUN_DIR/client-*/ when several SIPp processes shared the load (compare.sh SIPP_CLIENTS): their
counts add up, the rate is over the longest run, the percentiles are over all response times.

`--counts RUN_DIR` prints only the successful calls and the number of response times.
"""
import csv, glob, os, sys

def last_row(path):
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, last = rows[0], rows[-1]
    return dict(zip(header, last))

def seconds(text):  # SIPp writes elapsed time as HH:MM:SS:mmm[uuu]
    parts = text.split(":")
    h, m, s = int(parts[0]), int(parts[1]), int(parts[2])
    frac = parts[3] if len(parts) > 3 else "0"
    return h * 3600 + m * 60 + s + int(frac[:3]) / 1000.0

def read(run):
    """The last statistics row of each SIPp of the run (None when one is missing) and every response time."""
    clients = sorted(glob.glob(os.path.join(run, "client-*"))) or [run]
    rows, times = [], []
    for directory in clients:
        stats = glob.glob(os.path.join(directory, "stat.csv")) or glob.glob(os.path.join(directory, "*_.csv"))
        if not stats:
            return None, []
        rows.append(last_row(stats[0]))
        for path in glob.glob(os.path.join(directory, "*_rtt.csv")):
            with open(path) as handle:
                for line in handle:
                    fields = line.strip().split(";")
                    if len(fields) >= 3 and fields[0] and fields[0][0].isdigit():
                        times.append(float(fields[1]))
    return rows, times

def total(rows, field):
    return sum(int(row.get(field, 0)) for row in rows)

if sys.argv[1] == "--counts":
    rows, times = read(sys.argv[2])
    print(total(rows or [], "SuccessfulCall(C)"), len(times))
    sys.exit(0)

run, offered, ticks, hz = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows, times = read(run)
if not rows:
    print(f"{offered:8d} {'(SIPp statistics missing; see ' + run + ' sipp.out)':>60}")
    sys.exit(0)
ok = total(rows, "SuccessfulCall(C)")
failed = total(rows, "FailedCall(C)")
retrans = total(rows, "Retransmissions(C)")
elapsed = max(seconds(row.get("ElapsedTime(C)", "0:0:1:0")) for row in rows)
achieved = ok / elapsed if elapsed > 0 else 0.0

times.sort()
def pct(p):
    if not times:
        return float("nan")
    return times[min(len(times) - 1, int(p / 100.0 * len(times)))]

cpu_us = ticks * 1_000_000 / hz / ok if ok else float("nan")
clean = "yes" if ok > 0 and failed == 0 and retrans == 0 else "no"
print(f"{offered:8d} {achieved:10.0f} {failed:8d} {retrans:8d} {pct(50):9.2f} {pct(99):9.2f} {cpu_us:10.1f} {clean:>6}")
