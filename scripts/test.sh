#!/usr/bin/env bash
# The whole test suite: installs missing Debian packages, builds dlctl, runs `swift test`.
# The tests start their own ZooKeeper server (Debian's zookeeper package) on a free loopback
# port; they fail, never skip, when it cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
dlctl_install_packages
swift build
scripts/generate-docs.sh --check
swift test 2>&1 | tee .build/test-output.txt
