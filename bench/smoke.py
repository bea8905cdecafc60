#!/usr/bin/python3
"""The bench-smoke test: a 1k-row, one-round run of scripts/bench, and a
check that its table holds every measure, each with positive numbers.

Usage: smoke.py BUILD_DIR
SPDX-License-Identifier: LGPL-2.1-or-later
"""

import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The rows the table must have, by the start of their label.
EXPECTED = [
    "initial sync, 1,000 rows: time, JustSync / Node peer",
    "initial sync, 1,000 rows: time, JustSync / raw limit",
    "initial sync, 1,000 rows: peak RSS, JustSync / Node peer",
    "initial sync, 1,000 rows: peak RSS, JustSync / raw limit",
    "initial sync, 1,000 rows: JustSync peak RSS",
    "initial sync, 1,000 rows: main loop's longest stall",
    "initial sync, 1,000 rows: longest stall, JustSync / idle main loop",
    "incremental sync, no change: ",
    "incremental sync, 10 changes: ",
    "durable create p50, 0 pending ops: JustSync / raw SQLite",
    "durable create p99, 0 pending ops: JustSync / raw SQLite",
    "durable create p50, 1,000 pending ops: JustSync / raw SQLite",
    "durable create p99, 1,000 pending ops: JustSync / raw SQLite",
    "query 1,000 records: D-Bus / in-process",
]
NUMBER = re.compile(r"^(\d+(\.\d+)?)( (s|ms|MiB))?$")


def number(cell, label):
    match = NUMBER.match(cell)
    if not match or float(match.group(1)) <= 0:
        sys.exit(f"smoke: '{label}': '{cell}' is not a positive number")
    return float(match.group(1))


def main():
    build = sys.argv[1]
    run = subprocess.run([os.path.join(TOP, "scripts", "bench"), "--rows", "1000", "--rounds", "1",
                          "--quick", "--no-build", "--build-dir", build],
                         stdout=subprocess.PIPE, text=True)
    print(run.stdout)
    if run.returncode != 0:
        sys.exit(run.returncode)

    rows = {}
    for line in run.stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 8 and cells[0] not in ("measure", "---"):
            rows[cells[0]] = cells
    for prefix in EXPECTED:
        found = [cells for label, cells in rows.items() if label.startswith(prefix)]
        if len(found) != 1:
            sys.exit(f"smoke: {len(found)} rows for '{prefix}' in the table")
        label, ours, theirs, low, mid, high = found[0][:6]
        number(ours, label)
        if theirs:
            number(theirs, label)
        low, mid, high = (number(c, label) for c in (low, mid, high))
        if not low <= mid <= high:
            sys.exit(f"smoke: '{label}': min {low}, median {mid}, max {high} out of order")
    if len(rows) != len(EXPECTED):
        sys.exit(f"smoke: {len(rows)} rows in the table, expected {len(EXPECTED)}")
    print(f"smoke: all {len(EXPECTED)} rows present, every number positive")


if __name__ == "__main__":
    main()
