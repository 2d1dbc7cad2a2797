#!/usr/bin/env bash
# Log engine benchmarks beside their peers, in one run: fio (fdatasync latency of this disk)
# and Redis streams with appendfsync always (XADD of 100 bytes, -c 50 -P 16), then on a
# release-build sandbox of 3 bookies (3/3/2): `dlctl bench write` (one batched writer for
# --seconds; one record in flight), `dlctl bench e2e` (ack to tailing reader), `dlctl bench
# read` (catch-up of --read-records records) and `dlctl bench write --logs 100`.
# Usage: scripts/bench-log.sh [--seconds 30] [--read-records 10000000] [--update]
#        (installs fio, redis-server and redis-tools when missing)
# With --update the table also replaces the one between the bench-log markers in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=30
READ_RECORDS=10000000
UPDATE=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --read-records) READ_RECORDS=$2; shift 2 ;;
    --update) UPDATE=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--read-records N] [--update]" >&2; exit 64 ;;
  esac
done
source scripts/lib/bench-work.sh
dlctl_bench_work bench-log

. scripts/lib/peers.sh
FIO_4K_P50=$(fio_4k_fdatasync_p50)
REDIS_RPS=$(redis_xadd_rps)

"$DLCTL" sandbox --detach --bookies 3 >/dev/null
"$DLCTL" bench write --seconds "$SECONDS_PER_RUN" -o json > "$WORK/write.json"
"$DLCTL" bench write --seconds 10 --immediate -o json > "$WORK/immediate.json"
"$DLCTL" bench e2e --records 5000 -o json > "$WORK/e2e.json"
"$DLCTL" bench e2e --records 1000 --interval-micros 2000 -o json > "$WORK/e2e-paced.json"
"$DLCTL" bench read --records "$READ_RECORDS" -o json > "$WORK/read.json"
"$DLCTL" bench write --seconds "$SECONDS_PER_RUN" --logs 100 -o json > "$WORK/many.json"
"$DLCTL" sandbox stop >/dev/null

python3 - "$WORK" "$FIO_4K_P50" "$REDIS_RPS" "$SECONDS_PER_RUN" <<'PY' | tee "$WORK/table.md"
import json, sys
work, fio4k, redis, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
load = lambda name: json.load(open("%s/%s.json" % (work, name)))
w, i, e, ep, r, m = load("write"), load("immediate"), load("e2e"), load("e2e-paced"), load("read"), load("many")
print("| log, 3 bookies 3/3/2, 100 B records | dlctl | peer (same run) | ratio | bar |")
print("|---|---|---|---|---|")
print("| one writer, batched, %s s | %.0f records/s (ack p99 %.0f us) | Redis XADD -c 50 -P 16, appendfsync always: %.0f/s | %.2fx | >= 1.0x |"
      % (secs, w["latency"]["opsPerSecond"], w["latency"]["p99Micros"], redis, w["latency"]["opsPerSecond"] / redis))
print("| one writer, immediate flush, 1 in flight | p50 %.0f us, p99 %.0f us | fio 4 KiB write+fdatasync p50 %.0f us | %.2fx | |"
      % (i["latency"]["p50Micros"], i["latency"]["p99Micros"], fio4k, i["latency"]["p50Micros"] / fio4k))
print("| ack -> tailing reader, back to back | p50 %.0f us, p99 %.0f us | | | |" % (e["delivery"]["p50Micros"], e["delivery"]["p99Micros"]))
print("| ack -> tailing reader, one write per 2 ms | p50 %.0f us, p99 %.0f us | | | |" % (ep["delivery"]["p50Micros"], ep["delivery"]["p99Micros"]))
print("| catch-up read of %d records | %.0f records/s (%.1f MiB/s) | | | |" % (r["records"], r["recordsPerSecond"], r["megabytesPerSecond"]))
print("| 100 logs, one writer each, %s s | %.0f records/s aggregate (ack p99 %.0f us) | Redis XADD: %.0f/s | %.2fx | |"
      % (secs, m["latency"]["opsPerSecond"], m["latency"]["p99Micros"], redis, m["latency"]["opsPerSecond"] / redis))
PY

if [ -n "$UPDATE" ]; then
  python3 scripts/lib/update-benchmarks.py bench-log "$WORK/table.md"
fi
