#!/usr/bin/env bash
# Re-replication of a lost bookie's data, and what it does to a writer beside it, in one run
# on a release-build sandbox of 4 bookies (3/3/2, --lost-bookie-delay 0, no restarts):
#  1. fills a log with --mib MiB of 1 KiB records in 4 segments;
#  2. `dlctl bench write --immediate` alone for --seconds (one record per entry, one in flight);
#  3. kills a bookie the ledgers use and wipes its directory; once the workers start copying
#     (their bytes-copied metric moves), the same writer runs again beside the copy;
#  4. reports the copy rate (bytes copied over the time the metric kept moving), the time from
#     the kill to no ledger naming the bookie, and the writer's ack p99 alone and beside.
# Usage: scripts/bench-rereplication.sh [--mib 512] [--seconds 10]
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=512
SECONDS_PER_RUN=10
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) MIB=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    *) echo "usage: $0 [--mib N] [--seconds S]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
dlctl_bench_home bench-rereplication
"$DLCTL" sandbox --detach --bookies 4 --proxies 0 --no-restart --lost-bookie-delay 0 >/dev/null

echo "== filling t/fill with $MIB MiB (1 KiB records, 4 segments)"
record=$(head -c 1023 /dev/zero | tr '\0' x)
for part in 1 2 3 4; do
  yes "$record" | head -n $((MIB * 1024 / 4)) | "$DLCTL" write t/fill >/dev/null
done

copied_bytes() {
  "$DLCTL" bookie list -o json | python3 -c '
import json, sys, urllib.request
total = 0
for bookie in json.load(sys.stdin):
    port = bookie.get("httpPort")
    if not port: continue
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
    for line in text.splitlines():
        if line.startswith("dlctl_autorecovery_bytes_copied_total "): total += int(line.split()[1])
print(total)'
}
referencing() {
  "$DLCTL" ledger list -o json | python3 -c '
import json, subprocess, sys
bookie, count = sys.argv[2], 0
for ledger in json.load(sys.stdin):
    shown = json.loads(subprocess.run([sys.argv[1], "ledger", "show", str(ledger["id"]), "-o", "json"], capture_output=True, text=True, check=True).stdout)
    count += any(bookie in e["bookies"] for e in shown["ensembles"])
print(count)' "$DLCTL" "$1"
}
echo "== writer alone: bench write --immediate --seconds $SECONDS_PER_RUN"
"$DLCTL" bench write --immediate --seconds "$SECONDS_PER_RUN" | tee "$WORK/alone.txt"

victim=$("$DLCTL" ledger show "$("$DLCTL" ledger list -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')" -o json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["ensembles"][0]["bookies"][0])')
read -r pid dir < <("$DLCTL" bookie list -o json | python3 -c '
import json, sys
for b in json.load(sys.stdin):
    if b["id"] == sys.argv[1]: print(b["pid"], b["dataDirectory"])' "$victim")
echo "== killing bookie $victim (pid $pid), wiping $dir"
killed_at=$(date +%s.%N)
kill -9 "$pid"
"$DLCTL" bookie format --force --data-dir "$dir" >/dev/null
deadline=$((SECONDS + 300))
while [ "$(copied_bytes)" -eq 0 ]; do
  [ $SECONDS -lt $deadline ] || { echo "no copy started in 300 s" >&2; exit 1; }
  sleep 0.2
done
copy_started=$(date +%s.%N)
echo "== copying; writer beside it: bench write --immediate --seconds $SECONDS_PER_RUN"
"$DLCTL" bench write --immediate --seconds "$SECONDS_PER_RUN" > "$WORK/beside.txt" &
writer=$!
last=-1; last_change=$copy_started
while [ "$(referencing "$victim")" -gt 0 ]; do
  now_bytes=$(copied_bytes)
  if [ "$now_bytes" != "$last" ]; then last=$now_bytes; last_change=$(date +%s.%N); fi
  [ $SECONDS -lt $deadline ] || { echo "re-replication did not finish in 300 s" >&2; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)
total=$(copied_bytes)
wait "$writer"
cat "$WORK/beside.txt"
python3 - "$total" "$killed_at" "$copy_started" "$last_change" "$done_at" "$SECONDS_PER_RUN" <<'EOF'
import sys
total, killed, started, last_change, done, seconds = map(float, sys.argv[1:])
copy = max(last_change - started, 0.2)
print(f"re-replicated {total / 2**20:.1f} MiB in {copy:.1f} s of copying: {total / 2**20 / copy:.1f} MiB/s")
print(f"kill -> copying started {started - killed:.1f} s (session expiry + delay); kill -> no ledger names the bookie {done - killed:.1f} s")
print(f"the writer beside ran {seconds:.0f} s from the start of the copy; the copy took {copy:.1f} s of it")
EOF
