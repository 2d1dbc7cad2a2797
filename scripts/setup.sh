#!/usr/bin/env bash
# Set-up and the main job: installs missing Debian packages, builds dlctl (release), then
# brings up a local cluster on the embedded metadata store and shows it working.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
dlctl_install_packages
source scripts/lib/release.sh
dlctl_build_release
DLCTL="$(dlctl_release_binary)"
echo "built $DLCTL ($("$DLCTL" --version))"
exec scripts/demo.sh "$DLCTL"
