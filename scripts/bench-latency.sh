#!/usr/bin/env bash
# Latency at throughput (issue 17), beside its peers in one run: fio (4 KiB write + fdatasync
# p50 of this disk) and Redis streams with appendfsync always (XADD of 100 bytes), then on a
# release-build sandbox of 3 bookies, logs written 3/3/2 with 100-byte records:
#   `dlctl bench curve` with the fixed 16 MiB window (the writer's default), then with
#   --adaptive-window (window bounded by twice the measured bandwidth-delay product, records
#   sent at once when nothing is in flight): the closed-loop peak, then fixed-rate runs at
#   --fractions of that peak, latency from each record's due time;
#   `dlctl bench write --immediate` (one record in flight);
#   `dlctl bench e2e --interval-micros 2000` (acknowledgement to a tailing reader, one write
#   every 2 ms).
# Prints both curves and a table of the issue's bars with PASS or FAIL.
# Usage: scripts/bench-latency.sh [--seconds 10] [--fractions 0.1,0.2,...,1.0] [--update]
#        (installs fio, redis-server and redis-tools when missing)
# With --update the table replaces the one between the bench-latency markers in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=10
FRACTIONS=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0
UPDATE=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --fractions) FRACTIONS=$2; shift 2 ;;
    --update) UPDATE=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--fractions F,F,...] [--update]" >&2; exit 64 ;;
  esac
done
for needed in 0.5 0.8; do
  case ",$FRACTIONS," in
    *,$needed,*) ;;
    *) echo "$0: --fractions must include 0.5 and 0.8 (the bars are at 50% and 80% of the peak)" >&2; exit 64 ;;
  esac
done
source scripts/lib/bench-work.sh
dlctl_bench_work bench-latency

. scripts/lib/peers.sh
FIO_4K_P50=$(fio_4k_fdatasync_p50)
REDIS_RPS=$(redis_xadd_rps)

"$DLCTL" sandbox --detach --bookies 3 >/dev/null
"$DLCTL" bench curve --seconds "$SECONDS_PER_RUN" --fractions "$FRACTIONS" -o json > "$WORK/fixed.json"
"$DLCTL" bench curve --seconds "$SECONDS_PER_RUN" --fractions "$FRACTIONS" --adaptive-window -o json > "$WORK/adaptive.json"
"$DLCTL" bench write --seconds 10 --immediate -o json > "$WORK/immediate.json"
"$DLCTL" bench e2e --records 2000 --interval-micros 2000 -o json > "$WORK/e2e-paced.json"
"$DLCTL" sandbox stop >/dev/null

python3 - "$WORK" "$FIO_4K_P50" "$REDIS_RPS" "$SECONDS_PER_RUN" <<'PY' | tee "$WORK/table.md"
import json, sys
work, fio4k, redis, secs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
load = lambda name: json.load(open("%s/%s.json" % (work, name)))
fixed, adaptive, immediate, paced = load("fixed"), load("adaptive"), load("immediate"), load("e2e-paced")
ms = lambda micros: "%.2f ms" % (micros / 1000)

def curve(title, c):
    print("%s, %s s per point:" % (title, secs))
    print()
    print("| load | offered/s | achieved/s | p50 | p99 | p99.9 | max |")
    print("|---|---|---|---|---|---|---|")
    rows = [("peak", None, c["peak"]["latency"])] + [("%.0f%%" % (p["fraction"] * 100), p["run"]["offeredPerSecond"], p["run"]["latency"]) for p in c["points"]]
    for label, offered, l in rows:
        print("| %s | %s | %.0f | %s | %s | %s | %s |" % (label, "-" if offered is None else offered, l["opsPerSecond"],
              ms(l["p50Micros"]), ms(l["p99Micros"]), ms(l["p999Micros"]), ms(l["maxMicros"])))
    print()

def at(c, fraction):
    return next(p["run"]["latency"] for p in c["points"] if abs(p["fraction"] - fraction) < 1e-9)

curve("Fixed 16 MiB window (the writer's default)", fixed)
curve("Adaptive window (`--adaptive-window`)", adaptive)
verdict = lambda ok: "PASS" if ok else "FAIL"
fp, ap = fixed["peak"]["latency"]["opsPerSecond"], adaptive["peak"]["latency"]["opsPerSecond"]
print("| bar (issue 17) | fixed window | adaptive window | peer or limit (same run) | verdict (adaptive) |")
print("|---|---|---|---|---|")
print("| peak, one batched writer, >= 1.0x the fixed window's | %.0f/s (%.2fx Redis) | %.0f/s (%.2fx the fixed) | Redis XADD -c 50 -P 16, appendfsync always: %.0f/s | %s |"
      % (fp, fp / redis, ap, ap / fp, redis, verdict(ap >= fp)))
for fraction, bar in ((0.5, 10.0), (0.8, 25.0)):
    f, a = at(fixed, fraction), at(adaptive, fraction)
    print("| ack p99 at %.0f%% of the peak, <= %.0f ms | %s (%s) | %s (%s) | | %s |"
          % (fraction * 100, bar, ms(f["p99Micros"]), verdict(f["p99Micros"] <= bar * 1000), ms(a["p99Micros"]),
             verdict(a["p99Micros"] <= bar * 1000), verdict(a["p99Micros"] <= bar * 1000)))
i50 = immediate["latency"]["p50Micros"]
print("| one record in flight, p50 <= 2.0x fio | %.0f us (p99 %.0f us) | | fio 4 KiB write+fdatasync p50 %.0f us: %.2fx | %s |"
      % (i50, immediate["latency"]["p99Micros"], fio4k, i50 / fio4k, verdict(i50 <= 2.0 * fio4k)))
d99 = paced["delivery"]["p99Micros"]
print("| ack -> tailing reader, one write per 2 ms, p99 <= 2 ms | p50 %.0f us, p99 %.0f us | | | %s |"
      % (paced["delivery"]["p50Micros"], d99, verdict(d99 <= 2000)))
PY

if [ -n "$UPDATE" ]; then
  python3 scripts/lib/update-benchmarks.py bench-latency "$WORK/table.md"
fi
