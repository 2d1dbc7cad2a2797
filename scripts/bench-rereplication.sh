#!/usr/bin/env bash
# Re-replication of a lost bookie's data, and what it does to a writer beside it, in one run
# on a release-build sandbox of 4 bookies (3/3/2, --lost-bookie-delay 0, no restarts):
#  1. fills a log with --mib MiB of 1 KiB records in 4 segments;
#  2. `dlctl bench write --immediate` alone for --seconds (one record per entry, one in flight);
#  3. kills a bookie the ledgers use and wipes its directory; once the workers start copying
#     (their bytes-copied metric moves, sampled every 50 ms), the same writer runs again beside
#     the copy (pick --mib so that the copy outlasts --seconds);
#  4. reports the copy rate (bytes copied over the time the metric kept moving), the time from
#     the kill to no ledger naming the bookie, and the writer's ack p99 alone and beside.
# --replication-rate caps each bookie's worker (MiB/s; 0, the default: no cap).
# Usage: scripts/bench-rereplication.sh [--mib 2048] [--seconds 3] [--replication-rate 0]
set -euo pipefail
cd "$(dirname "$0")/.."
MIB=2048
SECONDS_PER_RUN=3
RATE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --mib) MIB=$2; shift 2 ;;
    --seconds) SECONDS_PER_RUN=$2; shift 2 ;;
    --replication-rate) RATE=$2; shift 2 ;;
    *) echo "usage: $0 [--mib N] [--seconds S] [--replication-rate MiB/s]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
source scripts/lib/ledgers.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
dlctl_bench_home bench-rereplication
"$DLCTL" sandbox --detach --bookies 4 --proxies 0 --no-restart --lost-bookie-delay 0 --replication-rate "$RATE" >/dev/null

echo "== filling t/fill with $MIB MiB (1 KiB records, 4 segments)"
record=$(head -c 1023 /dev/zero | tr '\0' x)
for part in 1 2 3 4; do
  { yes "$record" || true; } | head -n $((MIB * 1024 / 4)) | "$DLCTL" write t/fill >/dev/null
done

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
while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
"$DLCTL" bookie format --force --data-dir "$dir" >/dev/null
# One poller samples every bookie's bytes-copied metric every 50 ms and writes when the copy
# started (the metric first moved) and when it last moved.
ports=$("$DLCTL" bookie list -o json | python3 -c 'import json,sys; print(" ".join(str(b["httpPort"]) for b in json.load(sys.stdin) if b.get("httpPort")))')
python3 - "$WORK/copy-times" $ports <<'EOF2' &
import sys, time, urllib.request
out, ports = sys.argv[1], sys.argv[2:]
def total():
    bytes = 0
    for port in ports:
        try:
            text = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % port, timeout=1).read().decode()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("dlctl_autorecovery_bytes_copied_total "): bytes += int(line.split()[1])
    return bytes
started = last = None
value = 0
deadline = time.time() + 300
while time.time() < deadline:
    now = total()
    if now != value:
        value, last = now, time.time()
        if started is None:
            started = last
            open(out + ".started", "w").write("%f" % started)
    elif started is not None and time.time() - last > 3:
        break
    time.sleep(0.05)
open(out, "w").write("%f %f %d\n" % (started or 0, last or 0, value))
EOF2
poller=$!
deadline=$((SECONDS + 300))
until [ -f "$WORK/copy-times.started" ]; do
  [ $SECONDS -lt $deadline ] || { echo "no copy started in 300 s" >&2; exit 1; }
  sleep 0.05
done
echo "== copying; writer beside it: bench write --immediate --seconds $SECONDS_PER_RUN"
"$DLCTL" bench write --immediate --seconds "$SECONDS_PER_RUN" > "$WORK/beside.txt" 2>&1 || { cat "$WORK/beside.txt"; exit 1; }
while [ -n "$(ledgers_naming "$victim")" ]; do
  [ $SECONDS -lt $deadline ] || { echo "re-replication did not finish in 300 s" >&2; exit 1; }
  sleep 0.2
done
done_at=$(date +%s.%N)
wait "$poller"
read -r copy_started last_change total < "$WORK/copy-times"
cat "$WORK/beside.txt"
python3 - "$total" "$killed_at" "$copy_started" "$last_change" "$done_at" "$SECONDS_PER_RUN" <<'EOF'
import sys
total, killed, started, last_change, done, seconds = map(float, sys.argv[1:])
copy = max(last_change - started, 0.2)
print(f"re-replicated {total / 2**20:.1f} MiB in {copy:.1f} s of copying: {total / 2**20 / copy:.1f} MiB/s")
print(f"kill -> copying started {started - killed:.1f} s (session expiry + delay); kill -> no ledger names the bookie {done - killed:.1f} s")
print(f"the writer beside ran {seconds:.0f} s from the start of the copy; the copy took {copy:.1f} s")
EOF
