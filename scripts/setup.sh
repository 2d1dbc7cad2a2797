#!/usr/bin/env bash
# Set-up and the main job: installs missing Debian packages, builds dlctl (release), then
# brings up a local cluster on the embedded metadata store and shows it working.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
dlctl_install_packages
swift build -c release --product dlctl
DLCTL="$(swift build -c release --show-bin-path)/dlctl"
echo "built $DLCTL ($("$DLCTL" --version))"
exec scripts/demo.sh "$DLCTL"
