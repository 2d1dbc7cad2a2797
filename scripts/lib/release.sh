# The release dlctl every script builds and runs, built one way only (a different flag set
# rebuilds everything). The Swift runtime and Foundation are linked in statically: a one-liner
# then maps one file instead of a dozen shared libraries, which a burst of a thousand of them
# on two cores spent seconds on in the dynamic loader before main.
dlctl_build_release() {
  swift build -c release --product dlctl --static-swift-stdlib "$@"
}

dlctl_release_binary() {
  echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/dlctl"
}

# A scratch home for a benchmark's sandbox ($WORK, $DLCTL_HOME), its sandbox stopped and the
# directory removed on exit. Call after DLCTL is set.
dlctl_bench_home() {
  WORK=$(mktemp -d "/tmp/dlctl-$1.XXXXXX")
  export DLCTL_HOME="$WORK/home"
  export DLCTL_METADATA_URI=
  trap '"$DLCTL" sandbox stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
}
