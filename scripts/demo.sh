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
echo "+ seq 1 1000 | dlctl ledger write --ensemble 3 --write-quorum 3 --ack-quorum 2 --print-id"
LEDGER=$(seq 1 1000 | "$DLCTL" ledger write --ensemble 3 --write-quorum 3 --ack-quorum 2 --print-id)
echo "+ dlctl ledger read $LEDGER | tail -3   (round trip: $(("$DLCTL" ledger read "$LEDGER" | diff -q - <(seq 1 1000) >/dev/null) && echo identical || echo DIFFERENT))"
"$DLCTL" ledger read "$LEDGER" | tail -3
run ledger show "$LEDGER"
run meta ls -R /bookies
