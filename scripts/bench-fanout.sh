#!/usr/bin/env bash
# Fan-out through the serving tier, in one run on a release-build sandbox of 3 bookies (3/3/2)
# and 2 proxies: `dlctl bench e2e --via-proxy` (acknowledgement-to-reader latency of a follower
# pushed to by the owner, beside a reader of the bookies by LAC long-poll, same run), then
# `dlctl bench fanout` with 1, 100 and 1,000 followers of a log written at --rate records/s
# (followers are connections of one process), and the write's ack p99 with no followers
# beside it with 100 (the same command with --readers 0 is not allowed: 1 follower is the base).
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
WORK=$(mktemp -d /tmp/dlctl-bench-fanout.XXXXXX)
export DLCTL_HOME="$WORK/home"
export DLCTL_METADATA_URI=
cleanup() {
  "$DLCTL" sandbox stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
"$DLCTL" sandbox --detach --bookies 3 --proxies 2 >/dev/null
echo "== bench e2e --via-proxy (2000 records, 1 in flight)"
"$DLCTL" bench e2e --via-proxy --records 2000
for readers in 1 100 1000; do
  echo "== bench fanout --readers $readers --rate $RATE --seconds $SECONDS_PER_RUN"
  "$DLCTL" bench fanout --readers "$readers" --rate "$RATE" --seconds "$SECONDS_PER_RUN"
done
echo "== proxy RSS after the runs"
for pid in $("$DLCTL" proxy list -o json | python3 -c 'import json,sys; print(" ".join(str(p["pid"]) for p in json.load(sys.stdin)))'); do
  echo "proxy pid $pid: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status) peak RSS"
done
