#!/usr/bin/env bash
# Installs the Debian packages dlctl builds and tests with, when any is missing.
# Sourced by setup.sh and test.sh; needs root (or sudo) only when something must be installed.
set -euo pipefail

DLCTL_PACKAGES=(libzookeeper-mt-dev liblz4-dev libsqlite3-dev zookeeper libreadline-dev libncurses-dev default-jre-headless tmux man-db curl iproute2 iptables e2fsprogs procps util-linux mount python3)

# What the benchmark scripts measure dlctl against (scripts/lib/peers.sh installs them).
DLCTL_PEER_PACKAGES=(fio redis-server redis-tools)

dlctl_install_packages() { dlctl_install_missing "${DLCTL_PACKAGES[@]}"; }

# Installs those of the given Debian packages that are missing.
dlctl_install_missing() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  # A JRE satisfies ZooKeeper whatever its package name.
  if command -v java >/dev/null 2>&1; then
    local kept=()
    for package in "${missing[@]}"; do [ "$package" = default-jre-headless ] || kept+=("$package"); done
    missing=("${kept[@]+"${kept[@]}"}")
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
