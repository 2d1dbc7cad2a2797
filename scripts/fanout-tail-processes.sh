#!/usr/bin/env bash
# N `dlctl tail -f t/hot` processes through the proxies of a release-build sandbox (3 bookies,
# 2 proxies) while t/hot is written at R records/s for S seconds (lines 1..R*S, paced by a
# generator, through `dlctl write`), then the log is sealed and every tail ends by itself.
# Checks that each tail printed every record, in order, once, and reports the bookies' reads
# during the run against the entries written, how long the tails took to register, and how
# long after the seal the last one ended.
# Usage: scripts/fanout-tail-processes.sh [--readers 1000] [--rate 1000] [--seconds 30]
set -euo pipefail
cd "$(dirname "$0")/.."
READERS=1000
RATE=1000
SECONDS_TO_WRITE=30
while [ $# -gt 0 ]; do
  case "$1" in
    --readers) READERS=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --seconds) SECONDS_TO_WRITE=$2; shift 2 ;;
    *) echo "usage: $0 [--readers N] [--rate R] [--seconds S]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
dlctl_bench_home fanout-tails
ulimit -n 65536 2>/dev/null || true
"$DLCTL" sandbox --detach --bookies 3 --proxies 2 >/dev/null
"$DLCTL" log create t/hot >/dev/null

bookie_reads() {
  "$DLCTL" bookie list -o json | python3 -c '
import json, subprocess, sys
total = 0
for bookie in json.load(sys.stdin):
    info = subprocess.run([sys.argv[1], "bookie", "info", bookie["id"], "-o", "json"], capture_output=True, text=True, check=True)
    total += json.loads(info.stdout)["stats"]["reads"]
print(total)' "$DLCTL"
}
followers() {
  "$DLCTL" proxy list -o json | python3 -c '
import json, subprocess, sys
total = 0
for proxy in json.load(sys.stdin):
    info = subprocess.run([sys.argv[1], "proxy", "info", proxy["address"], "-o", "json"], capture_output=True, text=True)
    if info.returncode != 0:
        sys.exit(f"proxy info {proxy['address']}: {info.stderr.strip()}")
    total += json.loads(info.stdout).get("followers", 0)
print(total)' "$DLCTL"
}

mkdir -p "$WORK/tails"
touch "$WORK/pids"
trap 'kill $(cat "$WORK/pids") 2>/dev/null || true; "$DLCTL" sandbox stop >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
echo "== starting $READERS tail -f processes"
started_at=$SECONDS
for i in $(seq 1 "$READERS"); do
  "$DLCTL" tail -f t/hot > "$WORK/tails/$i.out" 2> "$WORK/tails/$i.err" &
  echo $! >> "$WORK/pids"
done
deadline=$((SECONDS + 300))
while true; do
  registered=$(followers) || exit 1
  [ "$registered" -lt "$READERS" ] || break
  [ $SECONDS -lt $deadline ] || { echo "only $registered of $READERS followers registered in 300 s" >&2; exit 1; }
  sleep 1
done
echo "== $READERS followers registered in $((SECONDS - started_at)) s; writing $RATE records/s for $SECONDS_TO_WRITE s"
reads_before=$(bookie_reads)
TOTAL=$((RATE * SECONDS_TO_WRITE))
python3 -c '
import sys, time
rate, total = int(sys.argv[1]), int(sys.argv[2])
start = time.monotonic()
for i in range(1, total + 1):
    due = start + (i - 1) / rate
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    sys.stdout.write(f"{i}\n")
    sys.stdout.flush()
' "$RATE" "$TOTAL" | "$DLCTL" write t/hot > /dev/null
written_at=$SECONDS
"$DLCTL" seal t/hot
echo "== written and sealed; waiting for the tails to end"
for pid in $(cat "$WORK/pids"); do
  while kill -0 "$pid" 2>/dev/null; do
    [ $SECONDS -lt $((written_at + 600)) ] || { echo "tail $pid still running 600 s after the seal" >&2; exit 1; }
    sleep 0.2
  done
done
echo "== every tail ended $((SECONDS - written_at)) s after the seal"
reads_after=$(bookie_reads)
entries=$("$DLCTL" segments t/hot -o json | python3 -c '
import json, sys
# A segment'"'"'s last DLSN is "sequence,entry,slot": entries 0...entry.
print(sum(int(s["lastDLSN"].split(",")[1]) + 1 for s in json.load(sys.stdin) if s.get("lastDLSN")))')
bad=0
for i in $(seq 1 "$READERS"); do
  if ! awk -v n="$TOTAL" 'NR != $1 { bad = 1; exit } END { exit (bad || NR != n) }' "$WORK/tails/$i.out"; then
    bad=$((bad + 1))
    [ $bad -le 5 ] && echo "tail $i: $(wc -l < "$WORK/tails/$i.out") lines; stderr: $(head -c 300 "$WORK/tails/$i.err")"
  fi
done
echo "tails with every record in order once: $((READERS - bad)) of $READERS ($TOTAL records each)"
echo "bookie reads during the run: $((reads_after - reads_before)) for $entries entries written"
exit $((bad > 0))
