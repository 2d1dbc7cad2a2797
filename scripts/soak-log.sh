#!/usr/bin/env bash
# A soak of the log engine under failures, run by hand (CI runs the short versions in the tests).
# Each round, on a release-build sandbox of 4 bookies (3/3/2 logs): a writer streams 1..200000
# into a new log; mid-stream one bookie is killed with SIGKILL (the sandbox restarts it), then
# the writer itself; a second writer takes the log over and appends two records. The round
# passes when the log reads back as a prefix of 1..200000, in order and without duplicates,
# then the two records, and `dlctl check` finds nothing wrong.
# Usage: scripts/soak-log.sh [--rounds N]     (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N]" >&2; exit 64 ;;
  esac
done
source scripts/lib/release.sh
dlctl_build_release >/dev/null
DLCTL="$(dlctl_release_binary)"
WORK=$(mktemp -d /tmp/dlctl-soak.XXXXXX)
export DLCTL_HOME="$WORK/home"
cleanup() { "$DLCTL" sandbox stop >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"$DLCTL" sandbox --detach --bookies 4 >/dev/null

records() { "$DLCTL" log show "$1" -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["records"])' 2>/dev/null || echo 0; }
wait_for_records() {  # LOG AT-LEAST: poll (with a 60 s deadline) until that many records are readable
  local deadline=$((SECONDS + 60))
  while [ "$(records "$1")" -lt "$2" ]; do
    if [ $SECONDS -ge $deadline ]; then
      echo "round $round: no progress on $1 (at $(records "$1") records)" >&2
      tail -5 "$WORK/writer.err" >&2 || true
      "$DLCTL" segments "$1" >&2 || true
      "$DLCTL" bookie list >&2 || true
      [ -n "${KEEP:-}" ] && { trap - EXIT; echo "kept $WORK" >&2; }
      exit 1
    fi
    sleep 0.05
  done
}

passed=0
for round in $(seq 1 "$ROUNDS"); do
  log="soak/round-$round"
  # 1..200000 at about 50,000 lines/s, so the failures land mid-stream.
  python3 -c '
import sys, time
for start in range(1, 200001, 500):
    sys.stdout.write("".join("%d\n" % i for i in range(start, min(start + 500, 200001))))
    sys.stdout.flush()
    time.sleep(0.01)
' 2>/dev/null | "$DLCTL" write "$log" --session-timeout 2 >/dev/null 2>"$WORK/writer.err" &
  writer=$!
  wait_for_records "$log" $((RANDOM % 20000 + 1000))
  # A bookie killed in an earlier round may still be listed under its old pid until its
  # session expires: pick among the processes that are alive.
  victim=$("$DLCTL" bookie list -o json | python3 -c '
import json, os, random, sys
alive = []
for b in json.load(sys.stdin):
    try:
        os.kill(b["pid"], 0)
        alive.append(b["pid"])
    except OSError:
        pass
print(random.choice(alive))')
  kill -9 "$victim"
  next=$(( $(records "$log") + RANDOM % 20000 + 1000 ))
  wait_for_records "$log" $(( next < 190000 ? next : 190000 ))
  kill -9 "$writer" 2>/dev/null || true
  wait "$writer" 2>/dev/null || true
  printf 'b1\nb2\n' | "$DLCTL" write "$log" --lock-timeout 60 >/dev/null
  "$DLCTL" tail "$log" --from start -e > "$WORK/read"
  python3 - "$WORK/read" "$round" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
assert lines[-2:] == ["b1", "b2"], "round %s: the takeover's records are not last: %r" % (sys.argv[2], lines[-3:])
first = lines[:-2]
assert first == [str(i) for i in range(1, len(first) + 1)], "round %s: not a prefix of 1..200000 in order" % sys.argv[2]
assert len(first) < 200000, "round %s: the writer finished before it was killed" % sys.argv[2]
print("round %s: %d records of the killed writer survived, in order, then the takeover's 2" % (sys.argv[2], len(first)))
PY
  "$DLCTL" check "$log" >/dev/null || { echo "round $round: dlctl check found problems" >&2; "$DLCTL" check "$log"; exit 1; }
  passed=$((passed + 1))
done
echo "soak: $passed of $ROUNDS rounds passed"
