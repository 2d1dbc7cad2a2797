#!/usr/bin/env bash
# The main job: a local cluster on the embedded metadata store, shown working.
# Usage: scripts/demo.sh [PATH_TO_DLCTL]
set -euo pipefail
DLCTL=${1:-dlctl}
HOME_DIR=${DLCTL_HOME:-$HOME/.dlctl}
mkdir -p "$HOME_DIR"
export DLCTL_METADATA_URI="$HOME_DIR/demo-metadata.db"
echo "+ dlctl init --uri $DLCTL_METADATA_URI"
"$DLCTL" init
echo "+ dlctl meta ls -R /"
"$DLCTL" meta ls -R /
echo "+ dlctl bench meta --clients 1 --ops 200"
"$DLCTL" bench meta --clients 1 --ops 200
