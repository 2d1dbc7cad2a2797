#!/usr/bin/env bash
# The serving tier beside its baselines, in one run: Redis streams with appendfsync always
# (XADD of 100 bytes, -c 50 -P 16) and the direct writer (`dlctl bench write`, one log and 100
# logs), then `dlctl bench write --via-proxy` with 1, 100 and 1,000 client connections on one
# log and on 100 logs, on a release-build sandbox of 3 bookies (3/3/2) and 2 proxies; the
# longest gap in acknowledgements when the owning proxy is killed (20 clients); and the RSS of
# one proxy serving 1,000 connected clients on 1,000 owned logs.
# Usage: scripts/bench-proxy.sh [--seconds 10] [--update]
#        (needs redis-server, redis-tools: apt-get install -y redis-server redis-tools)
# With --update the table also replaces the one between the bench-proxy markers in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=10
UPDATE=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --update) UPDATE=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--update]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
dlctl_bench_home bench-proxy

. scripts/lib/peers.sh
REDIS_RPS=$(redis_xadd_rps)

"$DLCTL" sandbox --detach --bookies 3 --proxies 2 >/dev/null
"$DLCTL" bench write --seconds "$SECONDS_PER_RUN" -o json > "$WORK/direct-1.json"
"$DLCTL" bench write --seconds "$SECONDS_PER_RUN" --logs 100 -o json > "$WORK/direct-100.json"
for logs in 1 100; do
  for clients in 1 100 1000; do
    [ "$clients" -lt "$logs" ] && continue
    "$DLCTL" bench write --via-proxy --clients "$clients" --logs "$logs" --seconds "$SECONDS_PER_RUN" -o json \
      > "$WORK/proxy-$clients-$logs.json"
  done
done
"$DLCTL" bench write --via-proxy --clients 20 --seconds 20 --kill-owner-after 5 -o json > "$WORK/failover.json"
# One client streaming 2,000,000 lines, through a proxy and --direct, alternately, three times
# each: seconds of each run, the median kept.
seq 1 2000000 > "$WORK/lines"
for round in 1 2 3; do
  for mode in proxy direct; do
    flag=; [ "$mode" = direct ] && flag=--direct
    start=$(date +%s%N)
    "$DLCTL" write "bench/stream-$mode-$round" $flag < "$WORK/lines" >/dev/null
    echo $(( $(date +%s%N) - start )) >> "$WORK/stream-$mode"
  done
done
"$DLCTL" sandbox stop >/dev/null

# One proxy, 1,000 clients on 1,000 logs: its resident memory, sampled every second.
"$DLCTL" sandbox --detach --bookies 3 --proxies 1 >/dev/null
PROXY_PID=$("$DLCTL" proxy list -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
rss() { awk '/VmRSS/ { print $2 }' "/proc/$PROXY_PID/status"; }
IDLE_RSS=$(rss)
"$DLCTL" bench write --via-proxy --clients 1000 --logs 1000 --seconds 20 -o json > "$WORK/rss.json" &
BENCH=$!
PEAK=0 OWNED=0
while kill -0 "$BENCH" 2>/dev/null; do
  now=$(rss); [ "$now" -gt "$PEAK" ] && PEAK=$now
  owned=$("$DLCTL" proxy list -o json --timeout 5 2>/dev/null \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[0].get("ownedLogs") or []))' 2>/dev/null || true)
  [ -n "$owned" ] && [ "$owned" -gt "$OWNED" ] && OWNED=$owned
  sleep 1
done
wait "$BENCH"
"$DLCTL" sandbox stop >/dev/null

python3 - "$WORK" "$REDIS_RPS" "$SECONDS_PER_RUN" "$IDLE_RSS" "$PEAK" "$OWNED" <<'PY' | tee "$WORK/table.md"
import json, os, sys
work, redis, secs, idle, peak, owned = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
load = lambda name: json.load(open("%s/%s.json" % (work, name)))
d1, d100 = load("direct-1"), load("direct-100")
def row(label, r, base, base_label):
    l = r["latency"]
    print("| %s | %.0f records/s | %.0f / %.0f / %.0f | %s %.0f/s | %.2fx | Redis XADD -c 50 -P 16, appendfsync always: %.0f/s | %.2fx |"
          % (label, l["opsPerSecond"], l["p50Micros"] / 1000, l["p99Micros"] / 1000, l["p999Micros"] / 1000,
             base_label, base, l["opsPerSecond"] / base, redis, l["opsPerSecond"] / redis))
print("| 100 B records, 3 bookies 3/3/2, %s s each | aggregate | ack p50 / p99 / p99.9 ms | direct writer (same run) | ratio | peer (same run) | ratio |" % secs)
print("|---|---|---|---|---|---|---|")
row("direct writer, 1 log", d1, d1["latency"]["opsPerSecond"], "itself:")
row("direct writers, 100 logs", d100, d100["latency"]["opsPerSecond"], "itself:")
for logs in (1, 100):
    for clients in (1, 100, 1000):
        name = "proxy-%d-%d" % (clients, logs)
        if not os.path.exists("%s/%s.json" % (work, name)):
            continue
        base = d1 if logs == 1 else d100
        row("via proxy, %d client(s), %d log(s)" % (clients, logs), load(name), base["latency"]["opsPerSecond"],
            "direct, %d log(s):" % logs)
median = lambda name: sorted(int(x) for x in open("%s/%s" % (work, name)))[1] / 1e9
sp, sd = median("stream-proxy"), median("stream-direct")
print()
print("`seq 1 2000000 | dlctl write` (one client streaming), median of three: through a proxy %.0f records/s, --direct %.0f records/s: %.2fx (bar 0.8x)."
      % (2e6 / sp, 2e6 / sd, sd / sp))
f = load("failover")
print()
print("Owner killed (kill -9) under 20 clients on one log, 5 s into a 20 s run: longest gap in acknowledgements %.0f ms "
      "(sandbox proxies' metadata session timeout: 5 s); %d records acknowledged, every client finished."
      % (f["failoverGapMillis"], f["records"]))
print()
print("One proxy, 1,000 connected clients on 1,000 logs (up to %d owned at once): RSS %.0f MiB at peak, %.0f MiB idle before."
      % (owned, peak / 1024, idle / 1024))
PY

if [ -n "$UPDATE" ]; then
  python3 scripts/lib/update-benchmarks.py bench-proxy "$WORK/table.md"
fi
