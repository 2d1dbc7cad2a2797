#!/usr/bin/env bash
# Jepsen-style rounds against a cluster of separate hosts (scripts/netns-cluster.sh): in each
# round, 10 writer clients (8 through the proxies into jepsen/shared, 2 direct writers each into
# a log of its own) and 3 tail -f readers of jepsen/shared run for --seconds while the nemesis
# (scripts/jepsen/nemesis.py) applies faults chosen from the round's seed. Then every fault is
# healed, every server restarted, the logs sealed and read whole, and `dlctl history check`
# checks each log's history: nothing acknowledged lost, nothing twice, no gap, one order.
#
# Round R uses seed S+R-1, so a seed printed by a failing round replays its faults:
#   scripts/jepsen.sh --rounds 1 --seed SEED
# Prints one line per round (seed, violations, stalled readers, faults, operations) and, at the end, the faults
# by kind with the longest time without an acknowledged write seen while each was in force.
# A round with a violation or a stalled reader keeps its directory (histories, faults, server logs) under --keep-dir;
# with KEEP=1 every round does.
# Needs root (network namespaces), iproute2, iptables and ZooKeeper (scripts/packages.sh).
# Bookies run with --power-loss-recorder, so the nemesis can cut a bookie's power (half of its
# bookie kills are power cuts; `--kinds power-cut` makes every fault one).
# --availability FILE keeps each fault's line (kind, longest gap, seed) appended there, so the
# runs of several sessions or parallel streams can be summed up together.
# Usage: scripts/jepsen.sh [--rounds 1] [--seed $RANDOM] [--seconds 30] [--rate 50]
#        [--kinds KIND,...] [--keep-dir /tmp/dlctl-jepsen] [--dlctl PATH] [--availability FILE]
set -euo pipefail
ORIGIN=$PWD
cd "$(dirname "$0")/.."
ROUNDS=1
SEED=$RANDOM
SECONDS_PER_ROUND=30
RATE=50
KEEP_DIR=/tmp/dlctl-jepsen
DLCTL=""
KINDS=""
AVAILABILITY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --seconds) SECONDS_PER_ROUND=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --keep-dir) KEEP_DIR=$2; shift 2 ;;
    --dlctl) DLCTL=$2; shift 2 ;;
    --kinds) KINDS=$2; shift 2 ;;
    --availability) AVAILABILITY=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seed S] [--seconds S] [--rate R] [--kinds KIND,...] [--keep-dir DIR] [--dlctl PATH] [--availability FILE]" >&2; exit 64 ;;
  esac
done
# Paths given relative to where the script was called from.
absolute() { case "$1" in /*|"") echo "$1" ;; *) echo "$ORIGIN/$1" ;; esac; }
KEEP_DIR=$(absolute "$KEEP_DIR"); AVAILABILITY=$(absolute "$AVAILABILITY")
case "$DLCTL" in */*) DLCTL=$(absolute "$DLCTL") ;; esac
[ "$(id -u)" -eq 0 ] || { echo "jepsen: needs root (it creates network namespaces)" >&2; exit 1; }
source scripts/packages.sh
dlctl_install_packages
if [ -z "$DLCTL" ]; then
  source scripts/lib/release.sh
  dlctl_build_release >/dev/null
  DLCTL=$(dlctl_release_binary)
fi
CLUSTER=scripts/netns-cluster.sh
export DLCTL_NETNS_DIR=${DLCTL_NETNS_DIR:-/tmp/dlctl-netns}
export DLCTL_BOOKIE_ARGS="${DLCTL_BOOKIE_ARGS:-} --power-loss-recorder"
# A bad --kinds fails here, before any cluster is built.
python3 scripts/jepsen/nemesis.py --seed 0 --plan ${KINDS:+--kinds "$KINDS"} > /dev/null
WORK=$(mktemp -d /tmp/dlctl-jepsen-run.XXXXXX)
AVAILABILITY=${AVAILABILITY:-$WORK/availability}
touch "$AVAILABILITY"
CLIENTS=()
cleanup() {
  local pid
  for pid in "${CLIENTS[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$CLUSTER" down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$KEEP_DIR"
SHARED=jepsen/shared
TOTAL_VIOLATIONS=0
TOTAL_STALLED=0

run_round() {
  local round=$1 seed=$2 dir=$WORK/round-$1
  mkdir -p "$dir"
  "$CLUSTER" down >/dev/null 2>&1 || true
  "$CLUSTER" up --dlctl "$DLCTL" > "$dir/cluster-up.log" 2>&1 || { cat "$dir/cluster-up.log" >&2; return 1; }
  local now deadline hard
  now=$(date +%s.%N)
  deadline=$(python3 -c "print($now + $SECONDS_PER_ROUND)")
  hard=$(python3 -c "print($now + $SECONDS_PER_ROUND + 240)")
  "$CLUSTER" exec client1 dlctl log create "$SHARED" >/dev/null
  CLIENTS=()
  local i readers=()
  for i in 1 2 3; do
    python3 scripts/jepsen/client.py reader --id "r$i" --log "$SHARED" --dir "$dir/shared" --host "client$i" --hard-deadline "$hard" &
    readers+=($!); CLIENTS+=($!)
  done
  local writers=()
  for i in 1 2 3 4 5 6 7 8; do
    python3 scripts/jepsen/client.py writer --id "w$i" --log "$SHARED" --dir "$dir/shared" --host "client$(( (i - 1) % 3 + 1 ))" \
      --rate "$RATE" --deadline "$deadline" &
    writers+=($!); CLIENTS+=($!)
  done
  for i in 1 2; do
    python3 scripts/jepsen/client.py writer --id "d$i" --log "jepsen/direct-$i" --dir "$dir/direct-$i" --host "client$i" \
      --rate "$RATE" --deadline "$deadline" --direct &
    writers+=($!); CLIENTS+=($!)
  done
  python3 scripts/jepsen/nemesis.py --seed "$seed" --seconds "$SECONDS_PER_ROUND" ${KINDS:+--kinds "$KINDS"} --history "$dir" --out "$dir/faults.jsonl" &
  local nemesis=$!
  wait "$nemesis"
  # Healed, and every server up again, before the writers drain and the logs are sealed.
  "$CLUSTER" heal
  local host
  for host in $("$CLUSTER" servers); do "$CLUSTER" start "$host" >> "$dir/restart.log" 2>&1 || true; done
  for i in "${writers[@]}"; do wait "$i" || true; done
  local log
  for log in "$SHARED" jepsen/direct-1 jepsen/direct-2; do
    # Sealing recovers a dead writer's last segment first; a direct writer killed at the end holds the lock for its session.
    local until=$((SECONDS + 60))
    until "$CLUSTER" exec client1 dlctl seal "$log" --timeout 20 >> "$dir/seal.log" 2>&1; do
      [ $SECONDS -lt $until ] || { echo "round $round: cannot seal $log: $(tail -1 "$dir/seal.log")" >&2; break; }
      sleep 1
    done
  done
  # A reader that does not reach the end of the sealed log (a liveness failure, not in the
  # checker's list) is counted and keeps the round's directory as a violation does.
  local stalled=0
  for i in "${readers[@]}"; do wait "$i" || stalled=$((stalled + 1)); done
  CLIENTS=()
  local violations=0 checked="" name
  for name in shared direct-1 direct-2; do
    local log_name=jepsen/$name
    [ "$name" = shared ] && log_name=$SHARED
    mkdir -p "$dir/$name"
    "$CLUSTER" exec client1 dlctl tail "$log_name" --from start -e --format '{dlsn}\t{payload}' > "$dir/$name/final.out" 2> "$dir/$name/final.err" \
      || echo "round $round: the final read of $log_name failed: $(tail -1 "$dir/$name/final.err")" >&2
    "$DLCTL" history check "$dir/$name" > "$dir/$name/check.txt" 2>&1 || true
    local found
    found=$(tail -1 "$dir/$name/check.txt" | sed -n 's/^\([0-9]*\) violations$/\1/p')
    # A history that could not be checked counts as a violation.
    violations=$((violations + ${found:-1}))
    checked="$checked $name $(head -1 "$dir/$name/check.txt" \
      | sed -n 's/^\([0-9]*\) writers: \([0-9]*\) records acknowledged, \([0-9]*\) unknown (\([0-9]*\) of them in the log); [0-9]* readers: \([0-9]*\) reads; the log: \([0-9]*\) records$/\2 acked, \3 unknown (\4 in the log), \5 reads, \6 records;/p')"
  done
  for host in $("$CLUSTER" servers); do cp "$DLCTL_NETNS_DIR/$host/out.log" "$dir/$host.log" 2>/dev/null || true; done
  local faults
  faults=$(python3 -c '
import collections, json, sys
kinds = collections.Counter(json.loads(l)["kind"] for l in open(sys.argv[1]))
print(", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))' "$dir/faults.jsonl")
  echo "round $round seed $seed: $violations violations, $stalled stalled readers; faults: $faults;$checked"
  [ -n "${KEEP:-}" ] && cp -r "$dir" "$KEEP_DIR/seed-$seed"
  TOTAL_STALLED=$((TOTAL_STALLED + stalled))
  if [ "$violations" -gt 0 ] || [ "$stalled" -gt 0 ]; then
    TOTAL_VIOLATIONS=$((TOTAL_VIOLATIONS + violations))
    [ -n "${KEEP:-}" ] || cp -r "$dir" "$KEEP_DIR/seed-$seed"
    echo "  kept in $KEEP_DIR/seed-$seed; replay: $0 --rounds 1 --seed $seed" >&2
    grep -v -E '^[0-9]+ (writers|violations)' "$dir"/*/check.txt | head -10 >&2
  fi
  # Availability: per fault, the longest time without an acknowledged write to the shared log.
  # The window ends where the writes ended: past it no gap means anything (a fault at the
  # end of the writes is measured up to there, one after them not at all).
  python3 - "$seed" "$deadline" "$dir/faults.jsonl" "$dir"/shared/writers/*.times >> "$AVAILABILITY" <<'EOF'
import json, sys
seed, writes_end = sys.argv[1], float(sys.argv[2])
faults = [json.loads(l) for l in open(sys.argv[3])]
acks = sorted(float(t) for path in sys.argv[4:] for t in open(path) if t.strip())
for fault in faults:
    start, end = fault["start"], min(fault["end"] + 5, writes_end)
    if start >= end:
        continue
    inside = [t for t in acks if start <= t <= end]
    points = [start] + inside + [end]
    longest = max(b - a for a, b in zip(points, points[1:]))
    print(f'{fault["kind"]} {longest:.2f} {seed}')
EOF
  "$CLUSTER" down >/dev/null 2>&1 || true
  rm -rf "$dir"
}

echo "jepsen: $ROUNDS rounds of $SECONDS_PER_ROUND s from seed $SEED ($(date -u +%FT%TZ))"
for round in $(seq 1 "$ROUNDS"); do
  run_round "$round" $((SEED + round - 1))
done
echo "faults by kind: applied, and the longest time without an acknowledged write to jepsen/shared from the fault's start to 5 s after its end (or the end of the writes):"
python3 scripts/jepsen/summary.py --availability "$AVAILABILITY"
echo "total violations: $TOTAL_VIOLATIONS; readers that did not reach the end of a sealed log: $TOTAL_STALLED"
[ "$TOTAL_VIOLATIONS" -eq 0 ] && [ "$TOTAL_STALLED" -eq 0 ]
