#!/usr/bin/env python3
"""Sums up the output of scripts/jepsen.sh runs (several sessions or parallel streams) for
BENCHMARKS.md: rounds, seeds, records acknowledged, unknown and read, violations, readers that
stalled, faults by kind, and, from --availability files, the longest time without an acknowledged write to the
shared log per fault kind (median and max).

Usage: scripts/jepsen/summary.py [RUN.log...] [--availability FILE...]
(with no RUN.log, only the availability table: what jepsen.sh prints at the end of a run)
"""
import argparse
import collections
import re
import sys

# Older runs printed no stalled readers in the round line, but a line per reader that stalled.
ROUND = re.compile(r"^round (\d+) seed (\d+): (\d+) violations(?:, (\d+) stalled readers)?; faults: ([^;]*);(.*)$")
OLD_STALL = re.compile(r"^round \d+: a reader did not reach the end")
LOG = re.compile(r" ?([\w-]+) (\d+) acked, (\d+) unknown \(\d+ in the log\), (\d+) reads, (\d+) records")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="*", help="the standard output of scripts/jepsen.sh runs")
    parser.add_argument("--availability", nargs="*", default=[], help="files written by jepsen.sh --availability")
    args = parser.parse_args()
    if not args.logs and not args.availability:
        parser.error("give jepsen.sh output, --availability files, or both")
    if args.logs:
        print_rounds(args.logs)
    print_availability(args.availability)


def print_rounds(logs):
    seeds, violations = [], 0
    acked = unknown = reads = 0
    faults = collections.Counter()
    stalled = 0
    for path in logs:
        for line in open(path):
            if OLD_STALL.match(line):
                stalled += 1
            match = ROUND.match(line.strip())
            if not match:
                continue
            seeds.append(int(match.group(2)))
            violations += int(match.group(3))
            stalled += int(match.group(4) or 0)
            for part in match.group(5).split(","):
                if part.strip():
                    kind, count = part.strip().rsplit(" ", 1)
                    faults[kind] += int(count)
            for log in LOG.finditer(match.group(6)):
                acked += int(log.group(2))
                unknown += int(log.group(3))
                reads += int(log.group(4))
    if not seeds:
        sys.exit("summary: no round lines in " + ", ".join(logs))

    print(f"rounds {len(seeds)}, seeds {ranges(seeds)}")
    print(f"acknowledged {acked:,}, unknown {unknown:,}, reads {reads:,}, violations {violations}")
    print(f"readers that did not reach the end of a sealed log: {stalled}")
    print("faults: " + ", ".join(f"{kind} {count}" for kind, count in sorted(faults.items())))


def print_availability(paths):
    """Per fault kind: applied, and the median and max of the longest gaps (lines: kind gap [seed])."""
    gaps = collections.defaultdict(list)
    for path in paths:
        for line in open(path):
            parts = line.split()
            if len(parts) >= 2:
                gaps[parts[0]].append(float(parts[1]))
    if gaps:
        print("| fault | applied | median | max |")
        print("|---|---|---|---|")
        for kind in sorted(gaps):
            values = sorted(gaps[kind])
            print(f"| {kind} | {len(values)} | {values[len(values) // 2]:.2f} s | {values[-1]:.2f} s |")


def ranges(numbers):
    """'1000 to 1022, 1030' for sorted runs of consecutive numbers."""
    numbers = sorted(set(numbers))
    runs, start = [], numbers[0]
    for previous, current in zip(numbers, numbers[1:] + [None]):
        if current is None or current != previous + 1:
            runs.append(f"{start} to {previous}" if start != previous else f"{start}")
            start = current
    return ", ".join(runs)


if __name__ == "__main__":
    main()
