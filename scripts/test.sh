#!/usr/bin/env bash
# The whole test suite: installs missing Debian packages, builds dlctl, runs `swift test`
# (everything, in four runs: the power-loss and crash-point tests, the whole-cluster
# autorecovery tests and the serving tier each on their own after the rest), then 3 rounds of
# scripts/jepsen.sh on a cluster of network namespaces.
# The tests start their own ZooKeeper server (Debian's zookeeper package) on a free loopback
# port; they fail, never skip, when it cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/packages.sh
dlctl_install_packages
swift build
scripts/generate-docs.sh --check
# The power-loss tests run bookies in the test process and are CPU-heavy: on two cores they
# would starve the bookie processes of the other tests, so they run second, on their own.
# Swift Testing starts every test case at once unless told otherwise; on two cores that burst
# (dozens of bookie processes, in-process bookies, fuzzers) starved in-process bookies and
# event loops for over 5 s. Six at a time still let one in-process bookie go 10 s without
# answering an add, in two clean-clone runs of 2026-12-06 (a CPU-heavy fuzz case beside it);
# four at a time keep the machine busy without that.
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-4}"
swift test --skip "PowerLoss|ServingTierSuites|ClusterProcessSuites" 2>&1 | tee .build/test-output.txt
swift test --skip-build --filter PowerLoss 2>&1 | tee -a .build/test-output.txt
# Whole clusters of bookie processes taken apart (autorecovery), on their own as well.
swift test --skip-build --filter ClusterProcessSuites 2>&1 | tee -a .build/test-output.txt
# The serving tier last, on its own: sandboxes with write proxies under thousands of client
# processes (the fan-in test with the release binary users run: its 30 s limit is about this
# machine, not about other tests sharing it).
source scripts/lib/release.sh
dlctl_build_release
DLCTL_RELEASE_BINARY="$(dlctl_release_binary)" swift test --skip-build --filter ServingTierSuites 2>&1 | tee -a .build/test-output.txt
# A few whole-cluster rounds under the nemesis (network namespaces, needs root): 30 s of
# writes each, faults from a seed that changes with every run (printed; DLCTL_JEPSEN_SEED
# replays one), the history checked. Long runs: scripts/jepsen.sh --rounds N by hand.
scripts/jepsen.sh --rounds "${DLCTL_JEPSEN_ROUNDS:-3}" --seed "${DLCTL_JEPSEN_SEED:-$(( $(date +%s) % 100000 ))}" \
  --dlctl "$(dlctl_release_binary)" 2>&1 | tee -a .build/test-output.txt
