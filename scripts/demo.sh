#!/usr/bin/env bash
# The main job: a local cluster on the embedded metadata store, shown working.
# Usage: scripts/demo.sh [PATH_TO_DLCTL]
set -euo pipefail
DLCTL=${1:-dlctl}
export DLCTL_HOME=${DLCTL_HOME:-$HOME/.dlctl}
unset DLCTL_METADATA_URI
run() { echo "+ dlctl $*"; "$DLCTL" "$@"; }
"$DLCTL" sandbox stop >/dev/null 2>&1 || true
run sandbox --detach --bookies 3
trap '"$DLCTL" sandbox stop' EXIT
run sandbox status
run bookie list
FIRST=$("$DLCTL" bookie list -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
run bookie sanity "$FIRST" --entries 100
run bookie info "$FIRST"
LOG="demo/events-$(date +%s)"
echo "+ seq 1 100000 | dlctl write $LOG"
seq 1 100000 | "$DLCTL" write "$LOG"
echo "+ dlctl tail $LOG --from start -e | tail -3   (round trip: $(("$DLCTL" tail "$LOG" --from start -e | diff -q - <(seq 1 100000) >/dev/null) && echo identical || echo DIFFERENT))"
"$DLCTL" tail "$LOG" --from start -e | tail -3
run segments "$LOG"
run log show "$LOG"
echo "+ seq 1 1000 | dlctl ledger write --ensemble 3 --write-quorum 3 --ack-quorum 2 --print-id"
LEDGER=$(seq 1 1000 | "$DLCTL" ledger write --ensemble 3 --write-quorum 3 --ack-quorum 2 --print-id)
run ledger show "$LEDGER"
