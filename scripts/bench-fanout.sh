#!/usr/bin/env bash
# Fan-out through the serving tier, in one run on a release-build sandbox of 3 bookies (3/3/2)
# and 2 proxies: `dlctl bench e2e --via-proxy` (acknowledgement-to-reader latency of a follower
# pushed to by the owner, beside a reader of the bookies by LAC long-poll, same run), then
# `dlctl bench fanout` (each run: the writer alone, then beside its followers) with 1, 100 and
# 1,000 followers of a log written at --rate records/s as connections of one process, 1,000 as
# processes for 30 s, 100 at 10 times that rate both ways, one follower stopped 30 s beside 10
# others, and `dlctl bench tenants` (a noisy log held to a hard limit of 5 MiB/s, written from a
# process of its own, beside a quiet one at 1,000 records/s).
# Usage: scripts/bench-fanout.sh [--seconds 10] [--rate 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=10
RATE=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    *) echo "usage: $0 [--seconds N] [--rate R]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
dlctl_bench_home bench-fanout
"$DLCTL" sandbox --detach --bookies 3 --proxies 2 >/dev/null
echo "== bench e2e --via-proxy (2000 records, 1 in flight)"
"$DLCTL" bench e2e --via-proxy --records 2000
# Each fanout run writes alone first, then beside its followers: the ack p99 ratio is same-run.
for readers in 1 100 1000; do
  echo "== bench fanout --readers $readers --rate $RATE --seconds $SECONDS_PER_RUN (connections of one process)"
  "$DLCTL" bench fanout --readers "$readers" --rate "$RATE" --seconds "$SECONDS_PER_RUN"
done
echo "== bench fanout --readers 1000 --processes --rate $RATE --seconds 30"
"$DLCTL" bench fanout --readers 1000 --processes --rate "$RATE" --seconds 30
for mode in "" --processes; do
  echo "== bench fanout --readers 100 $mode --rate $((RATE * 10)) --seconds $SECONDS_PER_RUN"
  "$DLCTL" bench fanout --readers 100 $mode --rate "$((RATE * 10))" --seconds "$SECONDS_PER_RUN"
done
echo "== bench fanout --readers 10 --processes --stop-one 30 --rate $((RATE * 10)) --seconds 45"
"$DLCTL" bench fanout --readers 10 --processes --stop-one 30 --rate "$((RATE * 10))" --seconds 45
echo "== bench tenants --noisy-limit 5MiB --quiet-rate 1000 --seconds $SECONDS_PER_RUN"
"$DLCTL" bench tenants --noisy-limit 5MiB --quiet-rate 1000 --seconds "$SECONDS_PER_RUN"
echo "== proxy RSS after the runs"
for pid in $("$DLCTL" proxy list -o json | python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(sys.stdin)))'); do
  echo "proxy pid $pid: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status) peak RSS"
done
