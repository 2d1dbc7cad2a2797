#!/usr/bin/env bash
# Bookie and ledger benchmarks beside their peers, in one run: fio (the disk's fdatasync
# limits) and Redis streams with appendfsync always (XADD of 100 bytes, -c 50 -P 16), each the
# median of three runs (scripts/lib/peers.sh), then `dlctl bench bookie` and `dlctl bench ledger`
# (3/3/2 steady, then a run with a bookie killed) on a release-build sandbox of 4 bookies, a
# sustained 1,000 MiB run of 64 KiB adds; then journal replay speed after kill -9, RSS and
# sandbox start-up.
# Usage: scripts/bench-bookie.sh      (needs fio, redis-server, redis-tools: apt-get install -y ...)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
WORK=$(mktemp -d /tmp/dlctl-bench-bookie.XXXXXX)
export DLCTL_HOME="$WORK/home"
cleanup() {
  "$DLCTL" sandbox stop >/dev/null 2>&1 || true
  [ -n "${BOOKIE_PID:-}" ] && kill -9 "$BOOKIE_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

. scripts/lib/peers.sh
FIO_4K_P50=$(fio_4k_fdatasync_p50)
FIO_1M_MIBS=$(fio_1m_fdatasync_mibs)
REDIS_RPS=$(redis_xadd_rps)

START=$("$DLCTL" sandbox --detach --bookies 4 | grep "started in" | sed -E 's/started in ([0-9.]+) s.*/\1/')
BOOKIE=$("$DLCTL" bookie list -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
BOOKIE_PID=$("$DLCTL" bookie list -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["pid"])')
IDLE_RSS=$(ps -o rss= -p "$BOOKIE_PID" | tr -d ' ')
"$DLCTL" bench bookie --bookie "$BOOKIE" -o json > "$WORK/bookie.json"
LOADED_RSS=$(ps -o rss= -p "$BOOKIE_PID" | tr -d ' ')
"$DLCTL" bench ledger --kill-a-bookie -o json > "$WORK/ledger.json"
for _ in $(seq 300); do "$DLCTL" sandbox status >/dev/null 2>&1 && break; sleep 0.2; done   # the bookie killed above is back (60 s at most)
# Sustained 64 KiB adds: 1,000 MiB, four times the write cache, so checkpoints write entry logs
# to the same disk as the journal during the run.
"$DLCTL" bench bookie --bookie "$BOOKIE" --latency-adds 1 --pipelined-adds 1 --large-adds 16000 -o json > "$WORK/sustained.json"
"$DLCTL" sandbox stop >/dev/null

# Journal replay: a bookie that never checkpoints takes 256 MiB of adds, is killed, restarts.
"$DLCTL" init --uri "$WORK/replay.db" >/dev/null
RPORT=$(free_port)
start_replay_bookie() {
  "$DLCTL" bookie start --data-dir "$WORK/replay" --port "$RPORT" --uri "$WORK/replay.db" --checkpoint-interval 3600 \
    2>>"$WORK/replay.log" &
  BOOKIE_PID=$!
  until grep -q "bookie serving" "$WORK/replay.log" 2>/dev/null; do sleep 0.05; done
}
start_replay_bookie
"$DLCTL" bench bookie --uri "$WORK/replay.db" --bookie "127.0.0.1:$RPORT" --latency-adds 1 --pipelined-adds 1 \
  --large-adds 4000 --no-wait-idle -o json >/dev/null
{ kill -9 "$BOOKIE_PID"; wait "$BOOKIE_PID"; } 2>/dev/null || true
: > "$WORK/replay.log"
start_replay_bookie
REPLAY=$(grep "journal replayed" "$WORK/replay.log" | sed -E 's/.*bytes=([0-9]+).*mibPerSecond=([0-9.]+).*/\1 \2/')
{ kill -9 "$BOOKIE_PID"; wait "$BOOKIE_PID"; } 2>/dev/null || true; BOOKIE_PID=

python3 - "$WORK/bookie.json" "$FIO_4K_P50" "$FIO_1M_MIBS" "$REDIS_RPS" "$START" "$IDLE_RSS" "$LOADED_RSS" $REPLAY <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
fio4k, fio1m, redis, start = float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
idle, loaded, replay_bytes, replay_mibs = int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8]), float(sys.argv[9])
lat, pipe, large = r["latency"], r["pipelined"], r["large"]
print("| measure | dlctl | peer (same run) | ratio | bar |")
print("|---|---|---|---|---|")
print("| add 100 B, 1 in flight, p50 | %.0f us (p99 %.0f us) | fio 4 KiB write+fdatasync p50 %.0f us | %.2fx | <= 2.5x |" % (lat["p50Micros"], lat["p99Micros"], fio4k, lat["p50Micros"]/fio4k))
print("| add 100 B, pipelined | %.0f adds/s (p99 %.0f us) | Redis XADD -c 50 -P 16, appendfsync always: %.0f/s | %.2fx | >= 1.0x |" % (pipe["opsPerSecond"], pipe["p99Micros"], redis, pipe["opsPerSecond"]/redis))
print("| add 64 KiB, 64 in flight | %.0f MiB/s | fio 1 MiB write+fdatasync %.0f MiB/s | %.2fx | >= 0.7x |" % (r["largeMiBPerSecond"], fio1m, r["largeMiBPerSecond"]/fio1m))
s = json.load(open(sys.argv[1].replace("bookie.json", "sustained.json")))
print("| add 64 KiB sustained, 1000 MiB (checkpoints on the same disk) | %.0f MiB/s (p99 %.0f us) | fio 1 MiB write+fdatasync %.0f MiB/s | %.2fx | |" % (s["largeMiBPerSecond"], s["large"]["p99Micros"], fio1m, s["largeMiBPerSecond"]/fio1m))
print("| journal replay after kill -9 | %.0f MiB/s (%.0f MiB) | | | |" % (replay_mibs, replay_bytes/1048576))
print("| bookie RSS idle / after the run | %.0f / %.0f MiB | | | |" % (idle/1024, loaded/1024))
print("| sandbox start-up, 4 bookies ready | %.2f s | | | |" % start)
l = json.load(open(sys.argv[1].replace("bookie.json", "ledger.json")))
print()
print("| ledger 3/3/2 | dlctl | peer (same run) | ratio | bar |")
print("|---|---|---|---|---|")
print("| 1 in flight, 100 B, p50 | %.0f us (p99 %.0f us) | fio 4 KiB write+fdatasync p50 %.0f us | %.2fx | <= 3x |" % (l["latency"]["p50Micros"], l["latency"]["p99Micros"], fio4k, l["latency"]["p50Micros"]/fio4k))
print("| pipelined, 100 B | %.0f entries/s (p99 %.0f us) | Redis XADD -c 50 -P 16: %.0f/s | %.2fx | >= 0.5x |" % (l["pipelined"]["opsPerSecond"], l["pipelined"]["p99Micros"], redis, l["pipelined"]["opsPerSecond"]/redis))
print("| recovery of 10,000 entries after the writer died | %.3f s | | | |" % l["recoverySeconds"])
print("| ensemble change under load (longest pause between acks) | %.0f ms | | | |" % (l["ensembleChangeStallMillis"] or 0))
PY
