# Sourced by benchmark scripts: dlctl_bench_work NAME builds the release dlctl ($DLCTL) and
# makes a scratch directory ($WORK, on the disk under test) holding the sandbox home; at exit
# a sandbox left running is stopped and the directory removed.
source "$(dirname "${BASH_SOURCE[0]}")/release.sh"

dlctl_bench_work() {
  dlctl_build_release >/dev/null
  DLCTL="$(dlctl_release_binary)"
  WORK=$(mktemp -d "/tmp/dlctl-$1.XXXXXX")
  export DLCTL_HOME="$WORK/home"
  trap '"$DLCTL" sandbox stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
}
